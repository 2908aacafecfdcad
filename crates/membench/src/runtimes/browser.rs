//! Headless browsers as engines of the JavaScript adapter ([`super::js`]): Chromium (V8),
//! Firefox ESR (SpiderMonkey) and WebKitGTK's MiniBrowser under Xvfb (JavaScriptCore).
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

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use tungstenite::protocol::Role;
use tungstenite::{Message, WebSocket};

use super::js::Channel;

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

    /// `<browser>-<engine>` as bench ids carry it.
    pub fn id(self) -> &'static str {
        match self {
            Browser::Chromium => "chromium-v8",
            Browser::Firefox => "firefox-spidermonkey",
            Browser::WebKit => "webkitgtk-jsc",
        }
    }

    /// The browser's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Browser::Chromium => "chromium",
            Browser::Firefox => "firefox-esr",
            Browser::WebKit => "MiniBrowser (WebKitGTK)",
        }
    }

    /// How to install it, for the row that says it is missing.
    pub fn install_hint(self) -> &'static str {
        match self {
            Browser::Chromium => "apt-get install -y chromium",
            Browser::Firefox => "apt-get install -y firefox-esr",
            Browser::WebKit => "apt-get install -y webkit2gtk-driver xvfb",
        }
    }

    /// The browser's executable (and, for WebKitGTK, `Xvfb`, which gives it a display), or `None`
    /// when not installed.
    pub fn find(self) -> Option<Vec<PathBuf>> {
        match self {
            // Debian's `/usr/bin/chromium` is a wrapper script that reads /etc/chromium.d and
            // may not `exec`; the binary it starts is the browser itself.
            Browser::Chromium => first_file(&[Path::new("/usr/lib/chromium/chromium").into()])
                .or_else(|| on_path(&["chromium", "chromium-browser"]))
                .map(|p| vec![p]),
            Browser::Firefox => on_path(&["firefox-esr", "firefox"]).map(|p| vec![p]),
            Browser::WebKit => {
                let triplet = format!("{}-linux-gnu", std::env::consts::ARCH);
                let mini = first_file(&[
                    Path::new("/usr/lib")
                        .join(&triplet)
                        .join("webkit2gtk-4.1/MiniBrowser"),
                    Path::new("/usr/lib")
                        .join(&triplet)
                        .join("webkit2gtk-4.0/MiniBrowser"),
                ])?;
                Some(vec![on_path(&["Xvfb"])?, mini])
            }
        }
    }
}

fn first_file(paths: &[PathBuf]) -> Option<PathBuf> {
    paths.iter().find(|p| p.is_file()).cloned()
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// How a switch configures a browser: V8 flags (Chromium's `--js-flags`), browser command-line
/// arguments, Firefox preferences (the profile's `user.js`) and environment variables (JSC's
/// `JSC_<option>`).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Configuration<'a> {
    pub v8_flags: &'a [&'a str],
    pub args: &'a [&'a str],
    pub prefs: &'a [(&'a str, &'a str)],
    pub env: &'a [(&'a str, &'a str)],
}

/// Firefox preferences every session sets: no network beyond the page (updates, telemetry,
/// safe browsing, remote settings), no spare content process (it would be one more candidate for
/// the page's process), no slow-script dialog during long calls, and `performance.now()` at
/// SpiderMonkey's own resolution rather than 20 µs (the clock the engine times with; it changes
/// no code the engine runs). From Mozilla's `RecommendedPreferences.sys.mjs` for automation.
const FIREFOX_PREFS: &[(&str, &str)] = &[
    ("app.update.disabledForTesting", "true"),
    ("app.normandy.api_url", "\"\""),
    ("browser.safebrowsing.blockedURIs.enabled", "false"),
    ("browser.safebrowsing.downloads.enabled", "false"),
    ("browser.safebrowsing.malware.enabled", "false"),
    ("browser.safebrowsing.phishing.enabled", "false"),
    ("browser.search.update", "false"),
    ("browser.shell.checkDefaultBrowser", "false"),
    ("browser.startup.homepage_override.mstone", "\"ignore\""),
    ("browser.newtabpage.enabled", "false"),
    ("browser.region.network.url", "\"\""),
    ("browser.sessionstore.resume_from_crash", "false"),
    ("browser.topsites.contile.enabled", "false"),
    ("datareporting.healthreport.uploadEnabled", "false"),
    ("datareporting.policy.dataSubmissionEnabled", "false"),
    ("dom.ipc.processPrelaunch.enabled", "false"),
    ("dom.ipc.reportProcessHangs", "false"),
    ("dom.max_script_run_time", "0"),
    ("dom.push.connection.enabled", "false"),
    ("extensions.getAddons.cache.enabled", "false"),
    ("extensions.systemAddon.update.enabled", "false"),
    ("extensions.update.enabled", "false"),
    ("geo.provider.network.url", "\"\""),
    ("network.captive-portal-service.enabled", "false"),
    ("network.connectivity-service.enabled", "false"),
    ("privacy.reduceTimerPrecision", "false"),
    ("privacy.reduceTimerPrecision.unconditional", "false"),
    ("security.remote_settings.intermediates.enabled", "false"),
    (
        "services.settings.server",
        "\"data:,#remote-settings-dummy/v1\"",
    ),
    ("toolkit.startup.max_resumed_crashes", "-1"),
    (
        "toolkit.telemetry.server",
        "\"https://127.0.0.1:1/telemetry-dummy/\"",
    ),
];

/// Chromium's arguments for every session: headless as root on a closed network (no sandbox,
/// no background connections, no component or sync updates), no spare renderer (one more
/// candidate for the page's process), and no throttling of a page nobody looks at.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--password-store=basic",
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
    "--disable-breakpad",
    "--disable-crash-reporter",
];

/// Starts Xvfb on a display it picks itself (`-displayfd`: no race with another session for a
/// number), waits for it, and runs the browser on it. Arguments: the session's directory (where
/// the display number is written), then the browser's command line.
const ON_XVFB: &str = r#"d="$1"; x="$2"; shift 2
"$x" -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$d/display" &
i=0
while [ ! -s "$d/display" ]; do
  i=$((i + 1)); [ "$i" -gt 600 ] && { echo "Xvfb did not start within 30 s" >&2; exit 1; }
  sleep 0.05
done
DISPLAY=":$(cat "$d/display")" exec "$@""#;

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
        let programs = browser.find().ok_or_else(|| {
            anyhow::Error::new(crate::record::NotMeasured::not_installed(format!(
                "{} not installed: {}",
                browser.name(),
                browser.install_hint()
            )))
        })?;
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
        match browser {
            Browser::Chromium => {
                // As for node: gc() for forced collections, and natives syntax only so the host
                // can ask which tier compiled a function (it changes no code V8 generates).
                let mut v8 = vec!["--expose-gc", "--allow-natives-syntax"];
                v8.extend(config.v8_flags);
                // Chromium reads only the last --disable-features: one switch carries them all.
                let mut features = vec!["SpareRendererForSitePerProcess".to_string()];
                let mut args = Vec::new();
                for arg in config.args {
                    match arg.strip_prefix("--disable-features=") {
                        Some(f) => features.push(f.to_string()),
                        None => args.push(arg.to_string()),
                    }
                }
                command
                    .arg(&programs[0])
                    .args(CHROMIUM_ARGS)
                    .arg(format!("--user-data-dir={}", profile.display()))
                    .arg(format!("--disable-features={}", features.join(",")))
                    .arg(format!("--js-flags={}", v8.join(" ")))
                    .args(args)
                    .arg(&url);
            }
            Browser::Firefox => {
                let mut prefs = String::new();
                for (name, value) in FIREFOX_PREFS.iter().chain(config.prefs) {
                    prefs.push_str(&format!("user_pref({name:?}, {value});\n"));
                }
                let user_js = profile.join("user.js");
                std::fs::write(&user_js, prefs)
                    .with_context(|| format!("writing {}", user_js.display()))?;
                command
                    .arg(&programs[0])
                    .args(["-headless", "-no-remote", "-profile"])
                    .arg(&profile)
                    .args(config.args)
                    .arg(&url)
                    .env("MOZ_CRASHREPORTER_DISABLE", "1");
            }
            Browser::WebKit => {
                // Xvfb and MiniBrowser, both in the namespace (MiniBrowser's own sandbox is off
                // unless asked for).
                command
                    .args(["sh", "-c", ON_XVFB, "sh"])
                    .arg(&dir)
                    .arg(&programs[0])
                    .arg(&programs[1])
                    .args(config.args)
                    .arg(&url);
            }
        }
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

/// What the server serves: the page, the host program, and the token the page must present.
struct Files {
    page: Vec<u8>,
    host: Vec<u8>,
    token: String,
}

/// The page's server on `127.0.0.1`: the page and the host program over HTTP, each with the
/// headers that make the page cross-origin isolated, and the page's WebSocket, handed to the
/// session when the page presents the session's token.
struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    sockets: mpsc::Receiver<TcpStream>,
}

impl Server {
    fn start(files: Files) -> Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0").context("binding the page's server")?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let (send, sockets) = mpsc::channel();
        let stopping = stop.clone();
        let files = Arc::new(files);
        let thread = std::thread::Builder::new()
            .name("membench-page-server".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if stopping.load(Ordering::Relaxed) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    // A thread per connection: a browser may open one it sends nothing on (a
                    // preconnect), which must not hold up the page's. A bad request only loses
                    // its own connection.
                    let (files, send) = (files.clone(), send.clone());
                    let _ = std::thread::Builder::new()
                        .name("membench-page-request".into())
                        .spawn(move || {
                            if let Ok(Some(socket)) = serve(stream, &files) {
                                let _ = send.send(socket);
                            }
                        });
                }
            })
            .context("starting the page's server")?;
        Ok(Server {
            port,
            stop,
            thread: Some(thread),
            sockets,
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Answers one connection: a file, a 404, or (for the page's WebSocket with the right token) the
/// handshake, returning the stream for the session.
fn serve(mut stream: TcpStream, files: &Files) -> Result<Option<TcpStream>> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf)?;
        ensure!(n > 0, "the connection closed inside its request head");
        head.extend_from_slice(&buf[..n]);
        ensure!(head.len() < 64 << 10, "a request head over 64 KiB");
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    request.parse(&head)?;
    let path = request.path.unwrap_or("/").to_string();
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .and_then(|h| std::str::from_utf8(h.value).ok())
    };
    let (route, query) = path.split_once('?').unwrap_or((path.as_str(), ""));
    let token_ok = query
        .split('&')
        .any(|kv| kv == format!("token={}", files.token));
    if route == "/ws" {
        let key = header("Sec-WebSocket-Key");
        let upgrade = header("Upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
        if let (true, true, Some(key)) = (token_ok, upgrade, key) {
            let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
            write!(
                stream,
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                 Sec-WebSocket-Accept: {accept}\r\n\r\n"
            )?;
            stream.set_read_timeout(None)?;
            stream.set_nodelay(true)?;
            return Ok(Some(stream));
        }
        respond(&mut stream, "403 Forbidden", "text/plain", b"forbidden")?;
        return Ok(None);
    }
    match route {
        "/" if token_ok => respond(
            &mut stream,
            "200 OK",
            "text/html; charset=utf-8",
            &files.page,
        )?,
        "/host.mjs" => respond(
            &mut stream,
            "200 OK",
            "text/javascript; charset=utf-8",
            &files.host,
        )?,
        _ => respond(&mut stream, "404 Not Found", "text/plain", b"not found")?,
    }
    Ok(None)
}

/// One HTTP response with the headers that make the page cross-origin isolated.
fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) -> Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\n\
         Cross-Origin-Resource-Policy: same-origin\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()?;
    Ok(())
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

    #[test]
    fn the_server_serves_the_page_isolated_and_hands_over_the_socket_only_with_the_token() {
        let server = Server::start(Files {
            page: b"<p>page</p>".to_vec(),
            host: b"export {}".to_vec(),
            token: "t0k".into(),
        })
        .unwrap();
        let get = |path: &str, extra: &str| {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n").unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut text = String::new();
            let _ = s.read_to_string(&mut text);
            text
        };
        let page = get("/?token=t0k", "");
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert!(
            page.contains("Cross-Origin-Opener-Policy: same-origin"),
            "{page}"
        );
        assert!(
            page.contains("Cross-Origin-Embedder-Policy: require-corp"),
            "{page}"
        );
        assert!(page.ends_with("<p>page</p>"), "{page}");
        assert!(get("/?token=wrong", "").starts_with("HTTP/1.1 404"));
        let host = get("/host.mjs", "");
        assert!(host.contains("Content-Type: text/javascript"), "{host}");
        let upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\
                       Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        assert!(get("/ws?token=wrong", upgrade).starts_with("HTTP/1.1 403"));
        let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        write!(
            s,
            "GET /ws?token=t0k HTTP/1.1\r\nHost: 127.0.0.1\r\n{upgrade}\r\n"
        )
        .unwrap();
        let handed = server.sockets.recv_timeout(Duration::from_secs(5)).unwrap();
        drop(handed);
        let mut text = String::new();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = s.read_to_string(&mut text);
        // RFC 6455's own example key and answer.
        assert!(
            text.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
            "{text}"
        );
    }
}
