//! Headless browsers as engines of the JavaScript adapter ([`super`]): Chromium (V8),
//! Firefox ESR (SpiderMonkey) and WebKitGTK's MiniBrowser under Xvfb (JavaScriptCore), each
//! browser's own facts in its file (`chromium.rs`, `firefox.rs`, `webkitgtk.rs`).
//!
//! A browser runs the same `js-host/host.mjs` as node, deno and bun, loaded by
//! `js-host/page.html`. Both are served from `127.0.0.1` on a free port with
//! `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`, so
//! the page is cross-origin isolated: its `performance.now()` is the browser's finest (5 µs in
//! Chromium, 20 µs in Firefox and WebKit rather than 100 µs to 1 ms) and it has
//! `SharedArrayBuffer`, which shared memories need. The page dials back over a WebSocket on the
//! same origin and answers one JSON request per message, exactly as the engines answer one line on
//! their pipe, so every op, timing and check of the adapter runs unchanged; no WebDriver.
//!
//! The process that runs the page (Chromium's renderer, Firefox's content process, WebKit's web
//! process) is where the memories live. It is found from outside, among the browser's
//! descendants, as the one whose resident anonymous memory grows by a block the page writes
//! ([`pick_page_process`]); every memory figure is read from its `/proc/<pid>/`.
//!
//! Nothing outlives a run. Each browser starts in a PID namespace of its own (`unshare --pid
//! --fork --kill-child`), whose first process the kernel kills, with everything in the namespace,
//! when `unshare` dies; `unshare` itself dies with the thread that started it
//! (`PR_SET_PDEATHSIG`). So dropping the session, an error, Ctrl-C (SIGINT) or SIGKILL of the
//! harness all end every browser process, renderers and helpers included: a process group alone
//! would not survive SIGKILL of its parent. Each session's profile lives in a directory of its own
//! that is removed once its processes are gone.

use std::net::{Shutdown, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::json;
use tungstenite::protocol::Role;
use tungstenite::{Message, WebSocket};

use super::channel::Channel;
use super::chromium::Chromium;
use super::firefox::Firefox;
use super::launcher::{BrowserLauncher, Configuration, Launch};
use super::protocol::Host;
use super::server::{Files, Server};
use super::webkitgtk::WebKit;
use crate::procfs;

/// A browser, as bench ids name it (`<browser>-<engine>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Browser {
    /// Debian's Chromium, headless (V8).
    Chromium,
    /// Debian's Firefox ESR, headless (SpiderMonkey).
    Firefox,
    /// WebKitGTK's MiniBrowser (from `webkit2gtk-driver`) on an Xvfb display of its own
    /// (JavaScriptCore).
    WebKit,
}

/// The environment variable every process of a session carries (inherited by the renderers and
/// helpers of every browser): its value is the session's directory. A process that has it is one
/// of ours; `tests/browsers.rs` looks for it to show that none outlives a run.
pub const RUN_MARKER: &str = "MEMBENCH_BROWSER_RUN";

/// Where sessions make their directories when set (else the system's temporary directory).
pub const DIR_VARIABLE: &str = "MEMBENCH_BROWSER_DIR";

/// How long a browser may take from launch to the page's WebSocket (Firefox's first start of a
/// fresh profile takes seconds on 2 cores).
const START_TIMEOUT: Duration = Duration::from_secs(90);

/// The block the page writes so its process can be told from the browser's others.
pub(crate) const MARKER_BYTES: u64 = 64 << 20;

impl Browser {
    /// Every browser, in the order the matrix lists them.
    pub const ALL: [Browser; 3] = [Browser::Chromium, Browser::Firefox, Browser::WebKit];

    /// Its own facts (`chromium.rs`, `firefox.rs`, `webkitgtk.rs`).
    pub(crate) fn launcher(self) -> &'static dyn BrowserLauncher {
        match self {
            Browser::Chromium => &Chromium,
            Browser::Firefox => &Firefox,
            Browser::WebKit => &WebKit,
        }
    }

    /// `<browser>-<engine>` as bench ids carry it.
    pub fn id(self) -> &'static str {
        self.launcher().id()
    }

    /// The browser's name in messages.
    pub fn name(self) -> &'static str {
        self.launcher().name()
    }

    /// How to install it, for the row that says it is missing.
    pub fn install_hint(self) -> &'static str {
        self.launcher().install_hint()
    }

    /// The browser's executable (and, for WebKitGTK, `Xvfb`, which gives it a display), or `None`
    /// when not installed.
    pub fn find(self) -> Option<Vec<PathBuf>> {
        self.launcher().find()
    }
}

/// One browser running the host page, talking over its WebSocket.
pub(crate) struct Session {
    browser: Browser,
    /// The page's socket, once it has connected.
    socket: Option<WebSocket<TcpStream>>,
    /// `unshare`, whose death takes the browser's whole PID namespace with it.
    supervisor: Child,
    server: Server,
    /// The session's directory: the profile and the browser's output.
    dir: PathBuf,
}

/// A browser that started but whose page never dialled back within [`START_TIMEOUT`].
#[derive(Debug)]
struct PageTimeout;

impl std::fmt::Display for PageTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the page did not connect in time")
    }
}

impl std::error::Error for PageTimeout {}

/// Starts a browser whose page timed out once more: WebKitGTK's MiniBrowser on a loaded 2-core
/// machine (CI) has once printed nothing and loaded nothing for 90 s, then started normally.
const START_ATTEMPTS: usize = 2;

impl Session {
    /// Starts `browser` configured by `config` on the host page and waits for the page to dial
    /// back; a browser whose page never connects is stopped and started once more
    /// ([`START_ATTEMPTS`]), and a second timeout is the error.
    pub(crate) fn start(
        browser: Browser,
        config: Configuration<'_>,
        host_js: &Path,
        page: &Path,
    ) -> Result<Session> {
        let mut attempt = 1;
        loop {
            match Self::start_once(browser, config, host_js, page) {
                Err(e) if attempt < START_ATTEMPTS && e.is::<PageTimeout>() => {
                    eprintln!("{}: {e:#}; starting it again", browser.name());
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    fn start_once(
        browser: Browser,
        config: Configuration<'_>,
        host_js: &Path,
        page: &Path,
    ) -> Result<Session> {
        let programs = browser.launcher().locate()?;
        let dir = session_dir(browser)?;
        let token = format!("{:x}{:x}", std::process::id(), nanos_now());
        let files = Files {
            page: std::fs::read(page).with_context(|| format!("reading {}", page.display()))?,
            host: std::fs::read(host_js)
                .with_context(|| format!("reading {}", host_js.display()))?,
            token: token.clone(),
        };
        let server = Server::start(files)?;
        let url = format!("http://127.0.0.1:{}/?token={token}", server.port);
        let profile = dir.join("profile");
        std::fs::create_dir_all(&profile)
            .with_context(|| format!("creating {}", profile.display()))?;
        let mut command = Command::new("unshare");
        command.args(["--pid", "--fork", "--kill-child", "--"]);
        let launch = Launch {
            programs: &programs,
            config,
            dir: &dir,
            profile: &profile,
            url: &url,
        };
        browser.launcher().command(&mut command, &launch)?;
        // Nothing the browser writes goes to the user's home (Chromium's crash database, caches).
        command.env("HOME", &profile);
        let log_path = dir.join("browser.log");
        let log = std::fs::File::create(&log_path)
            .with_context(|| format!("creating {}", log_path.display()))?;
        command
            .envs(config.env.iter().copied())
            .env(RUN_MARKER, &dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().context("the browser's log")?)
            .stderr(log);
        // SAFETY: prctl and setpgid in the child between fork and exec, both async-signal-safe.
        // `unshare` dies with the thread that started it, and the kernel then kills its PID
        // namespace; its own process group keeps a terminal's Ctrl-C from reaching the browser
        // before the harness has let go of it.
        unsafe {
            use std::os::unix::process::CommandExt;
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
            command.process_group(0);
        }
        let supervisor = command
            .spawn()
            .with_context(|| format!("starting {} under unshare", browser.name()))?;
        let mut session = Session {
            browser,
            socket: None,
            supervisor,
            server,
            dir,
        };
        let started = Instant::now();
        let stream = loop {
            match session
                .server
                .sockets
                .recv_timeout(Duration::from_millis(200))
            {
                Ok(stream) => break stream,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    bail!(
                        "the page server stopped before {} connected",
                        browser.name()
                    )
                }
            }
            if let Some(status) = session.supervisor.try_wait()? {
                bail!(
                    "{} exited ({status}) before its page connected; {}",
                    browser.name(),
                    session.log_tail()
                );
            }
            if started.elapsed() >= START_TIMEOUT {
                // Dropping the session stops the browser and its page server.
                return Err(anyhow::Error::new(PageTimeout).context(format!(
                    "{} did not load its page within {} s; {}",
                    browser.name(),
                    START_TIMEOUT.as_secs(),
                    session.log_tail()
                )));
            }
        };
        session.socket = Some(WebSocket::from_raw_socket(stream, Role::Server, None));
        Ok(session)
    }

    /// The end of the browser's output, for errors.
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.dir.join("browser.log")).unwrap_or_default();
        let tail: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .rev()
            .take(5)
            .collect();
        if tail.is_empty() {
            "it printed nothing".to_string()
        } else {
            format!(
                "its output ends: {}",
                tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
            )
        }
    }
}

impl Channel for Session {
    fn send_line(&mut self, line: &str) -> Result<()> {
        self.socket
            .as_mut()
            .context("the page has not connected")?
            .send(Message::text(line))
            .with_context(|| format!("sending to {}'s page", self.browser.name()))
    }

    fn read_line(&mut self) -> Result<Option<String>> {
        let socket = self.socket.as_mut().context("the page has not connected")?;
        loop {
            match socket.read() {
                Ok(Message::Text(text)) => return Ok(Some(text.as_str().to_string())),
                Ok(Message::Close(_)) => return Ok(None),
                Ok(_) => continue,
                Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                    return Ok(None)
                }
                Err(e) => {
                    return Err(e)
                        .with_context(|| format!("reading {}'s page", self.browser.name()))
                }
            }
        }
    }

    /// The browser's processes: every descendant of the namespace's supervisor.
    fn processes(&self) -> Vec<u32> {
        crate::procfs::descendants(self.supervisor.id())
    }

    fn exit_note(&mut self) -> String {
        let status = match self.supervisor.try_wait() {
            Ok(Some(status)) => format!("{} exited: {status}", self.browser.name()),
            _ => format!("{} is still running", self.browser.name()),
        };
        format!("{status}; {}", self.log_tail())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(socket) = &self.socket {
            let _ = socket.get_ref().shutdown(Shutdown::Both);
        }
        // SIGKILL to unshare: its child (the namespace's first process) gets SIGKILL by
        // --kill-child, and the kernel then kills every process in the namespace.
        let _ = self.supervisor.kill();
        let _ = self.supervisor.wait();
        // A killed Xvfb leaves its display's lock and socket behind.
        if let Ok(display) = std::fs::read_to_string(self.dir.join("display")) {
            if let Ok(n) = display.trim().parse::<u32>() {
                let _ = std::fs::remove_file(format!("/tmp/.X{n}-lock"));
                let _ = std::fs::remove_file(format!("/tmp/.X11-unix/X{n}"));
            }
        }
        // The profile can go once no process of the session is left writing to it.
        let gone_by = Instant::now() + Duration::from_secs(5);
        while !processes_under(&self.dir).is_empty() && Instant::now() < gone_by {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The live processes that use `dir` or a directory under it: those whose [`RUN_MARKER`] is
/// `dir` or under it, and those whose command line names a path under it (Chromium's zygote
/// starts its renderers with an environment of its own, but names the profile on their command
/// line). Zombies carry neither. A session's processes are those under its directory.
pub fn processes_under(dir: &Path) -> Vec<u32> {
    let dir = dir.display().to_string();
    let under = format!("{dir}/");
    let marker = format!("{RUN_MARKER}={dir}");
    let marker_under = format!("{marker}/");
    crate::procfs::pids()
        .filter(|&pid| {
            crate::procfs::entries_of(pid, "environ")
                .iter()
                .any(|e| *e == marker || e.starts_with(&marker_under))
                || crate::procfs::entries_of(pid, "cmdline")
                    .iter()
                    .any(|arg| arg.contains(&under))
        })
        .collect()
}

fn nanos_now() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// A fresh directory for one session, under [`DIR_VARIABLE`] or the temporary directory.
fn session_dir(browser: Browser) -> Result<PathBuf> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let parent = std::env::var_os(DIR_VARIABLE)
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = parent.join(format!(
        "membench-{}-{}-{}",
        browser.id(),
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    // Directories of sessions whose harness was killed (no Drop ran): their processes died with
    // it, so nothing uses them any more.
    for entry in std::fs::read_dir(&parent).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let Some(rest) = name
            .to_str()
            .and_then(|n| n.strip_prefix(&format!("membench-{}-", browser.id())))
        else {
            continue;
        };
        let owner = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if owner.is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// Of the browser's processes, the one that runs the page: the only one whose resident anonymous
/// memory grew by at least three quarters of the block the page wrote (`marker` bytes) between
/// `before` and `after` (`(pid, RssAnon)` pairs). An error names every candidate's growth when
/// none or more than one did.
pub fn pick_page_process(before: &[(u32, u64)], after: &[(u32, u64)], marker: u64) -> Result<u32> {
    let grew: Vec<(u32, i128)> = after
        .iter()
        .filter_map(|&(pid, now)| {
            let was = before.iter().find(|b| b.0 == pid)?.1;
            Some((pid, i128::from(now) - i128::from(was)))
        })
        .collect();
    let threshold = i128::from(marker) * 3 / 4;
    let matching: Vec<u32> = grew
        .iter()
        .filter(|g| g.1 >= threshold)
        .map(|g| g.0)
        .collect();
    match matching.as_slice() {
        [one] => Ok(*one),
        _ => bail!(
            "{} of the browser's processes grew by the page's {} MiB block (growth per process: {})",
            matching.len(),
            marker >> 20,
            grew.iter()
                .map(|(pid, g)| format!("{pid}: {:+} KiB", g / 1024))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The browser process that runs the page: the page writes a block of
/// [`MARKER_BYTES`], and the one process whose resident anonymous memory grew by it is
/// the page's ([`pick_page_process`]). Tried three times: a browser may still be
/// starting helpers whose own growth blurs one reading.
pub(crate) fn page_process(host: &mut Host, browser: Browser) -> Result<u32> {
    let mut last = None;
    for _ in 0..3 {
        let processes = host_processes(host);
        let before: Vec<(u32, u64)> = processes
            .iter()
            .filter_map(|&p| Some((p, procfs::anon_resident_of(p)?)))
            .collect();
        host.request(json!({"op": "marker", "bytes": MARKER_BYTES}))?;
        let after: Vec<(u32, u64)> = processes
            .iter()
            .filter_map(|&p| Some((p, procfs::anon_resident_of(p)?)))
            .collect();
        host.request(json!({"op": "marker", "bytes": 0}))?;
        match pick_page_process(&before, &after, MARKER_BYTES) {
            Ok(pid) => return Ok(pid),
            Err(e) => last = Some(e),
        }
    }
    Err(last.expect("three tries").context(format!(
        "finding the process that runs {}'s page",
        browser.id()
    )))
}

/// The processes the host's engine started (a browser's, for [`page_process`]).
fn host_processes(host: &Host) -> Vec<u32> {
    host.channel.processes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_process_is_the_one_that_grew_by_the_block() {
        let before = [(10, 100 << 20), (11, 50 << 20), (12, 5 << 20)];
        let after = [(10, 101 << 20), (11, 114 << 20), (12, 6 << 20)];
        assert_eq!(pick_page_process(&before, &after, 64 << 20).unwrap(), 11);
        // Growth short of three quarters of the block is not the page's.
        let after = [(10, 101 << 20), (11, 90 << 20), (12, 6 << 20)];
        let err = pick_page_process(&before, &after, 64 << 20).unwrap_err();
        assert!(
            format!("{err}").contains("0 of the browser's processes"),
            "{err}"
        );
        // Two processes growing by the block cannot be told apart.
        let after = [(10, 170 << 20), (11, 114 << 20), (12, 6 << 20)];
        assert!(pick_page_process(&before, &after, 64 << 20).is_err());
        // A process that appeared meanwhile has no before: not a candidate.
        let after = [(11, 50 << 20), (13, 500 << 20)];
        assert!(pick_page_process(&before, &after, 64 << 20).is_err());
    }
}
