//! The engines the seed post is about, through the WebAssembly JS API: V8 by node, deno and
//! headless Chromium, JavaScriptCore by bun and WebKitGTK, SpiderMonkey by Firefox.
//!
//! One engine process per runtime × strategy runs `js-host/host.mjs` (one file, unchanged under
//! every engine; protocol and measured engine facts in `js-host/NOTES.md`) and is driven over a
//! [`Channel`], one JSON request and one JSON response per line: a pipe to node, deno and bun, a
//! WebSocket to a browser's page ([`super::browser`]). The engine times what a figure names
//! with its own clock (`process.hrtime.bigint`, `performance.now`, `Bun.nanoseconds`), so the pipe
//! is never inside a timed region: [`Instance::call_timed`] and
//! [`Compiled::instantiate_timed`] return the engine's time.
//!
//! The memory lives in the engine's process, and the JS API gives no address for it: process-wide
//! figures come from `/proc/<pid>/` ([`Compiled::process`]), and the memory itself is the
//! accessible mapping of its size that appeared in `/proc/<pid>/maps` while the engine created it
//! ([`procfs::appeared`]), so its residency (first touch, resident bytes) is read from
//! `/proc/<pid>/pagemap` by the same code as every other adapter's. Where no such mapping
//! appears (a heap buffer), or the memory moved on grow, those figures are recorded as
//! unsupported, with why.
//!
//! An engine that is not installed builds to a typed *not installed* error naming the command that
//! installs it: its rows say so and every other runtime runs.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use super::browser::{self, Browser};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use base64::Engine as _;
use serde_json::{json, Value};

use crate::module::{MemoryDecl, MemoryPlan, PAGE};
use crate::procfs;
use crate::record::NotMeasured;
use crate::runtime::{
    grow_error, resolve_export, Compiled, Export, GuestModule, Instance, JsApi, KeptMemory,
    MemoryInfo, Runtime, RuntimeSpec, SpecStore, Trap, Val,
};

/// A JavaScript engine, as the host program reports and the matrix names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// V8 by node (the machine's own Node, from `PATH`).
    Node,
    /// V8 by deno (pinned in `package.json`).
    Deno,
    /// JavaScriptCore by bun (pinned in `package.json`).
    Bun,
    /// A headless browser's engine, driven through its page.
    Browser(Browser),
}

impl Engine {
    /// `<runtime>-<engine>` as bench ids carry it.
    pub fn id(self) -> &'static str {
        match self {
            Engine::Node => "node-v8",
            Engine::Deno => "deno-v8",
            Engine::Bun => "bun-jsc",
            Engine::Browser(b) => b.id(),
        }
    }

    /// The command that starts it.
    fn program(self) -> &'static str {
        match self {
            Engine::Node => "node",
            Engine::Deno => "deno",
            Engine::Bun => "bun",
            Engine::Browser(b) => b.name(),
        }
    }

    /// Every engine, in the order the matrix lists them.
    fn all() -> impl Iterator<Item = Engine> {
        [Engine::Node, Engine::Deno, Engine::Bun]
            .into_iter()
            .chain(Browser::ALL.map(Engine::Browser))
    }

    /// Whether it is installed here.
    fn installed(self) -> bool {
        match self {
            Engine::Browser(b) => b.find().is_some(),
            _ => find(self).is_some(),
        }
    }

    /// How to install it, for the row that says it is missing.
    pub fn install_hint(self) -> &'static str {
        match self {
            Engine::Node => {
                "apt-get install -y nodejs (Node 20 or newer), or `npm ci` for deno and bun"
            }
            Engine::Deno | Engine::Bun => "npm ci (in the repository root: package.json pins it)",
            Engine::Browser(b) => b.install_hint(),
        }
    }
}

/// An engine switch as the engine names it: command-line flags (node), V8 flags (deno's
/// `--v8-flags=`, Chromium's `--js-flags=`), JSC options in the environment (bun's
/// `BUN_JSC_<option>`, WebKitGTK's `JSC_<option>`), browser arguments (Chromium's
/// `--disable-features=`) or preferences (Firefox's `user.js`).
#[derive(Clone, Debug)]
struct Switch {
    slug: &'static str,
    knobs: &'static str,
    flags: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    args: &'static [&'static str],
    prefs: &'static [(&'static str, &'static str)],
}

impl Switch {
    const DEFAULT: Switch = Switch {
        slug: "default",
        knobs: "default",
        flags: &[],
        env: &[],
        args: &[],
        prefs: &[],
    };

    const fn flag(slug: &'static str, knobs: &'static str, flags: &'static [&'static str]) -> Self {
        Switch {
            slug,
            knobs,
            flags,
            ..Switch::DEFAULT
        }
    }

    const fn env(
        slug: &'static str,
        knobs: &'static str,
        env: &'static [(&'static str, &'static str)],
    ) -> Self {
        Switch {
            slug,
            knobs,
            env,
            ..Switch::DEFAULT
        }
    }

    const fn pref(
        slug: &'static str,
        knobs: &'static str,
        prefs: &'static [(&'static str, &'static str)],
    ) -> Self {
        Switch {
            slug,
            knobs,
            prefs,
            ..Switch::DEFAULT
        }
    }
}

/// Each engine's strategies: its default, and the switches that change how it manages or checks
/// memory, or which tier runs the guest. Names are the engines' own (checked against the pinned
/// versions in `js-host/NOTES.md`).
fn switches(engine: Engine) -> Vec<Switch> {
    match engine {
        Engine::Node => vec![
            Switch::DEFAULT,
            Switch::flag(
                "no-trap-handler",
                "--disable-wasm-trap-handler",
                &["--disable-wasm-trap-handler"],
            ),
            Switch::flag(
                "bounds-checked",
                "--wasm-enforce-bounds-checks",
                &["--wasm-enforce-bounds-checks"],
            ),
            Switch::flag("liftoff-only", "--liftoff-only", &["--liftoff-only"]),
            Switch::flag("turbofan-only", "--no-liftoff", &["--no-liftoff"]),
        ],
        Engine::Deno => vec![
            Switch::DEFAULT,
            Switch::flag(
                "liftoff-only",
                "--v8-flags=--liftoff-only",
                &["--liftoff-only"],
            ),
            Switch::flag(
                "turbofan-only",
                "--v8-flags=--no-liftoff",
                &["--no-liftoff"],
            ),
        ],
        Engine::Bun => vec![
            Switch::DEFAULT,
            Switch::env(
                "no-fast-memory",
                "BUN_JSC_useWasmFastMemory=0",
                &[("BUN_JSC_useWasmFastMemory", "0")],
            ),
            Switch::env(
                "no-omg",
                "BUN_JSC_useOMGJIT=0",
                &[("BUN_JSC_useOMGJIT", "0")],
            ),
            Switch::env(
                "no-bbq",
                "BUN_JSC_useBBQJIT=0",
                &[("BUN_JSC_useBBQJIT", "0")],
            ),
        ],
        // Chromium's renderer applies --js-flags to V8 as node's command line does; the trap
        // handler is a Chromium feature (V8's own flag is not read there).
        Engine::Browser(Browser::Chromium) => vec![
            Switch::DEFAULT,
            Switch {
                slug: "no-trap-handler",
                knobs: "--disable-features=WebAssemblyTrapHandler",
                args: &["--disable-features=WebAssemblyTrapHandler"],
                ..Switch::DEFAULT
            },
            Switch::flag(
                "bounds-checked",
                "--js-flags=--wasm-enforce-bounds-checks",
                &["--wasm-enforce-bounds-checks"],
            ),
            Switch::flag(
                "liftoff-only",
                "--js-flags=--liftoff-only",
                &["--liftoff-only"],
            ),
            Switch::flag(
                "turbofan-only",
                "--js-flags=--no-liftoff",
                &["--no-liftoff"],
            ),
        ],
        // SpiderMonkey's switches are Firefox preferences (`javascript.options.*`, read at start).
        Engine::Browser(Browser::Firefox) => vec![
            Switch::DEFAULT,
            Switch::pref(
                "no-huge-memory",
                "javascript.options.wasm_disable_huge_memory=true",
                &[("javascript.options.wasm_disable_huge_memory", "true")],
            ),
            Switch::pref(
                "baseline-only",
                "javascript.options.wasm_optimizingjit=false",
                &[("javascript.options.wasm_optimizingjit", "false")],
            ),
            Switch::pref(
                "ion-only",
                "javascript.options.wasm_baselinejit=false",
                &[("javascript.options.wasm_baselinejit", "false")],
            ),
        ],
        // WebKitGTK's web process reads JSC's options from JSC_<option>, as bun from BUN_JSC_.
        Engine::Browser(Browser::WebKit) => vec![
            Switch::DEFAULT,
            Switch::env(
                "no-fast-memory",
                "JSC_useWasmFastMemory=0",
                &[("JSC_useWasmFastMemory", "0")],
            ),
            Switch::env("no-omg", "JSC_useOMGJIT=0", &[("JSC_useOMGJIT", "0")]),
            Switch::env("no-bbq", "JSC_useBBQJIT=0", &[("JSC_useBBQJIT", "0")]),
        ],
    }
}

/// Every JavaScript engine × strategy, in the order the matrix lists them.
pub fn specs() -> Vec<RuntimeSpec> {
    let mut specs = Vec::new();
    for engine in Engine::all() {
        for switch in switches(engine) {
            let build_switch = switch.clone();
            specs.push(RuntimeSpec {
                id: engine.id(),
                strategy: switch.knobs.to_string(),
                slug: switch.slug,
                default: switch.slug == "default",
                native: false,
                interpreter: false,
                grow_bound_pages: None,
                memory_limit_pages: None,
                out_of_process: true,
                build: Box::new(move || {
                    Ok(Box::new(JsRuntime::start(engine, build_switch.clone())?)
                        as Box<dyn Runtime>)
                }),
            });
        }
    }
    specs
}

/// One line per JavaScript engine that is not installed here: `<id>: not installed: <how>`.
pub fn missing() -> Vec<String> {
    Engine::all()
        .filter(|&e| !e.installed())
        .map(|e| format!("{}: not installed: {}", e.id(), e.install_hint()))
        .collect()
}

/// The repository root: where `js-host/` and the project-local `node_modules/` are.
fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The engine's executable: project-local `node_modules/.bin` first, then `PATH`.
fn find(engine: Engine) -> Option<PathBuf> {
    let local = repository_root()
        .join("node_modules/.bin")
        .join(engine.program());
    if local.is_file() {
        return Some(local);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(engine.program()))
        .find(|p| p.is_file())
}

/// How requests reach the host program and its answers come back: one line each way.
pub(crate) trait Channel: Send {
    /// Sends one request line (without its newline).
    fn send_line(&mut self, line: &str) -> Result<()>;
    /// The next answer line, or `None` when the engine closed its end.
    fn read_line(&mut self) -> Result<Option<String>>;
    /// How the engine ended, with the end of what it printed, for errors.
    fn exit_note(&mut self) -> String;
    /// The processes the engine started (none for a pipe's: its process is the engine).
    fn processes(&self) -> Vec<u32> {
        Vec::new()
    }
}

/// The pipe to an engine that runs the host program as a script (node, deno, bun).
struct Pipe {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// Where the engine's stderr goes (read back when it fails).
    stderr_path: PathBuf,
}

impl Channel for Pipe {
    fn send_line(&mut self, line: &str) -> Result<()> {
        self.stdin.write_all(line.as_bytes())?;
        self.stdin.write_all(b"\n")?;
        self.stdin.flush()?;
        Ok(())
    }

    fn read_line(&mut self) -> Result<Option<String>> {
        let mut line = String::new();
        let n = self.stdout.read_line(&mut line)?;
        Ok((n > 0).then_some(line))
    }

    fn exit_note(&mut self) -> String {
        let status = match self.child.try_wait() {
            Ok(Some(status)) => format!("the engine exited: {status}"),
            _ => "the engine is still running".to_string(),
        };
        let mut stderr = String::new();
        if let Ok(mut f) = std::fs::File::open(&self.stderr_path) {
            let _ = f.read_to_string(&mut stderr);
        }
        let tail: String = stderr.lines().rev().take(5).collect::<Vec<_>>().join(" | ");
        if tail.is_empty() {
            status
        } else {
            format!("{status}; stderr: {tail}")
        }
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        // Closing stdin ends the host program; killing makes sure, and `wait` reaps it: no engine
        // outlives the runtime that started it.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.stderr_path);
    }
}

/// One engine process running the host program, and the facts it reported at start.
struct Host {
    channel: Box<dyn Channel>,
    /// Whether the engine can be made to collect garbage (`hello.gc`): Firefox's and WebKit's
    /// pages cannot.
    can_collect: bool,
    seq: u64,
    /// Names for modules and instances in the engine.
    next_id: u64,
    /// The process holding the memories (`hello.pid`, the spawned process, for node, deno and
    /// bun; the process that runs the page, found from outside, for a browser).
    pid: u32,
    /// Instances dropped since the last full collection: their memories stay allocated in the
    /// engine until it collects them.
    uncollected: u32,
    /// Whether an instantiation collects first once [`COLLECT_AFTER_DROPS`] instances await
    /// collection (on, but for checks that watch what the engine does on its own).
    auto_collect: bool,
    /// Whether a fresh instance that got a fallback memory a fresh page would not give is refused
    /// as not measured (benchmarks; `verify` turns it off: its checks hold for any memory).
    refuse_fallback: bool,
    /// The step of the engine's clock, as the host measured it at `hello` (the smallest nonzero
    /// difference of consecutive reads): timed regions must span [`crate::runtime::MIN_TICKS`] of it.
    clock_resolution: Duration,
}

/// How many dropped instances may await collection before the next instantiation collects them
/// first (outside any timing). JSC gives fast memory to a limited number of live memories and
/// silently falls back to bounds-checked heap buffers past it, and dropped memories hold theirs
/// until collected: without this, a benchmark that makes a fresh instance per iteration would
/// measure the fallback after a few iterations instead of what a fresh process gets. (How far
/// dropped memories pile up without a forced collection, and what the fallback costs, are
/// measured apart, by `verify`.)
const COLLECT_AFTER_DROPS: u32 = 4;

impl Host {
    /// Sends one request and returns its response's fields, or the engine's error: a
    /// `WebAssembly.RuntimeError` as a [`Trap`], anything else with its kind and message.
    fn request(&mut self, mut request: Value) -> Result<Value> {
        self.seq += 1;
        request["seq"] = json!(self.seq);
        let line = serde_json::to_string(&request).context("encoding a request")?;
        let op = request["op"].as_str().unwrap_or("?").to_string();
        if let Err(e) = self.channel.send_line(&line) {
            let note = self.channel.exit_note();
            return Err(e.context(format!("sending `{op}` to the engine ({note})")));
        }
        let response = match self.channel.read_line() {
            Ok(Some(response)) => response,
            Ok(None) => bail!(
                "the engine closed its output during `{op}` ({})",
                self.channel.exit_note()
            ),
            Err(e) => {
                let note = self.channel.exit_note();
                return Err(e.context(format!("reading the answer to `{op}` ({note})")));
            }
        };
        let response: Value = serde_json::from_str(&response)
            .with_context(|| format!("the answer to `{op}` is not JSON: {}", response.trim()))?;
        ensure!(
            response["seq"] == json!(self.seq),
            "the answer to `{op}` #{} came back as #{}",
            self.seq,
            response["seq"]
        );
        if response["ok"] == json!(true) {
            return Ok(response);
        }
        let kind = response["error"]["kind"].as_str().unwrap_or("Error");
        let message = response["error"]["message"].as_str().unwrap_or("");
        if kind == "WebAssembly.RuntimeError" {
            return Err(anyhow::Error::new(Trap {
                message: message.to_string(),
            }));
        }
        Err(anyhow::Error::new(EngineError {
            message: format!("{op}: {kind}: {message}"),
            kind: kind.to_string(),
            response,
        }))
    }

    /// Compiles the grow guest for `plan` in the engine and instantiates it, with `memory` as the
    /// imported memory's descriptor (or null): the module's and the instance's ids, for the checks
    /// that ask the engine directly.
    fn grow_guest(&mut self, plan: MemoryPlan, memory: Value) -> Result<(String, String)> {
        let guest = crate::grow::guest(plan)?;
        let wasm = base64::engine::general_purpose::STANDARD.encode(&guest.wasm);
        let module = self.fresh_id("m");
        let id = self.fresh_id("i");
        self.request(json!({"op": "compile", "module": module, "wasm_b64": wasm}))?;
        self.request(json!({
            "op": "instantiate", "module": module, "instance": id, "memory": memory,
        }))?;
        Ok((module, id))
    }

    /// A forced full collection (the host program runs the engine's twice, see `gc` in host.mjs);
    /// `false`, and nothing done, where the engine cannot be made to collect.
    fn collect(&mut self) -> Result<bool> {
        if !self.can_collect {
            return Ok(false);
        }
        self.request(json!({"op": "gc"}))
            .context("forcing a full garbage collection")?;
        self.uncollected = 0;
        Ok(true)
    }

    fn fresh_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }
}

/// An error the engine answered with (other than a trap): its JS kind and message, and the whole
/// response for callers that need more (a failed grow's elapsed time and size after it).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
struct EngineError {
    message: String,
    /// The JS constructor name: `RangeError`, `WebAssembly.CompileError`, ...
    kind: String,
    response: Value,
}

/// An engine process shared by a runtime, its compiled modules and their instances.
type Shared = Arc<Mutex<Host>>;

fn lock(host: &Shared) -> MutexGuard<'_, Host> {
    host.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A nanosecond figure as the host sends it: a decimal string, a fraction allowed.
fn nanos(value: &Value) -> Result<Duration> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => bail!("elapsed_ns is not a number: {other}"),
    };
    let ns: f64 = text
        .parse()
        .with_context(|| format!("elapsed_ns {text:?}"))?;
    ensure!(ns.is_finite() && ns >= 0.0, "elapsed_ns {text:?}");
    Ok(Duration::from_secs_f64(ns / 1e9))
}

/// A JavaScript engine under one strategy.
pub struct JsRuntime {
    engine: Engine,
    switch: Switch,
    host: Shared,
    version: &'static str,
}

impl JsRuntime {
    /// Starts the engine with `switch` and asks it who it is.
    fn start(engine: Engine, switch: Switch) -> Result<Self> {
        let script = repository_root().join("js-host/host.mjs");
        ensure!(
            script.is_file(),
            "the JS host program {} is missing",
            script.display()
        );
        let channel: Box<dyn Channel> = match engine {
            Engine::Browser(b) => Box::new(browser::Session::start(
                b,
                browser::Configuration {
                    v8_flags: switch.flags,
                    args: switch.args,
                    prefs: switch.prefs,
                    env: switch.env,
                },
                &script,
                &repository_root().join("js-host/page.html"),
            )?),
            _ => Box::new(spawn_pipe(engine, &switch, &script)?),
        };
        let mut host = Host {
            channel,
            can_collect: false,
            seq: 0,
            next_id: 0,
            pid: 0,
            uncollected: 0,
            auto_collect: true,
            refuse_fallback: true,
            clock_resolution: Duration::from_nanos(1),
        };
        let hello = host
            .request(json!({"op": "hello"}))
            .with_context(|| format!("starting {} with {}", engine.id(), switch.knobs))?;
        host.can_collect = !hello["gc"].is_null();
        host.clock_resolution = nanos(&hello["clock_resolution_ns"])
            .with_context(|| format!("{}'s clock resolution", engine.id()))?
            .max(Duration::from_nanos(1));
        let text = |key: &str| hello[key].as_str().unwrap_or("?").to_string();
        let version = match engine {
            Engine::Browser(b) => {
                // A page that is not cross-origin isolated has coarse timers and no
                // SharedArrayBuffer: its figures would not be comparable, so it is not measured.
                ensure!(
                    hello["flags"]["crossOriginIsolated"] == json!(true),
                    "{}'s page is not cross-origin isolated (COOP/COEP not honoured)",
                    b.name()
                );
                host.pid = page_process(&mut host, engine)?;
                format!(
                    "{} ({}, page process {}); clock {} (resolution {} ns, cross-origin isolated)",
                    text("engine_version"),
                    text("vm"),
                    host.pid,
                    text("clock"),
                    hello["clock_resolution_ns"]
                )
            }
            _ => {
                host.pid = hello["pid"]
                    .as_u64()
                    .and_then(|p| u32::try_from(p).ok())
                    .context("hello without a pid")?;
                format!(
                    "{} {}, {} {}; clock {} (resolution {} ns)",
                    engine.program(),
                    text("engine_version"),
                    text("vm"),
                    text("vm_version"),
                    text("clock"),
                    hello["clock_resolution_ns"]
                )
            }
        };
        Ok(Self {
            engine,
            switch,
            host: Arc::new(Mutex::new(host)),
            version: Box::leak(version.into_boxed_str()),
        })
    }
}

/// Starts node, deno or bun on the host program with `switch`, on a pipe.
fn spawn_pipe(engine: Engine, switch: &Switch, script: &Path) -> Result<Pipe> {
    let program = find(engine).ok_or_else(|| {
        anyhow::Error::new(NotMeasured::not_installed(format!(
            "{} not installed: {}",
            engine.program(),
            engine.install_hint()
        )))
    })?;
    let mut command = Command::new(&program);
    match engine {
        Engine::Node => {
            // --allow-natives-syntax only lets the host ask V8 which tier compiled a
            // function (the `tier` op); it changes no code V8 generates.
            command
                .args(switch.flags)
                .args(["--expose-gc", "--allow-natives-syntax"])
                .arg(script);
        }
        Engine::Deno => {
            let mut v8 = vec!["--expose-gc", "--allow-natives-syntax"];
            v8.extend(switch.flags);
            command
                .arg("run")
                .arg(format!("--v8-flags={}", v8.join(",")))
                .arg(script)
                .env("DENO_NO_UPDATE_CHECK", "1");
        }
        Engine::Bun => {
            command.arg(script);
        }
        Engine::Browser(b) => bail!(
            "{} runs the host program in a page, not on a pipe",
            b.name()
        ),
    }
    command.envs(switch.env.iter().copied());
    let stderr_path = std::env::temp_dir().join(format!(
        "membench-{}-{}-{}.stderr",
        engine.program(),
        std::process::id(),
        switch.slug
    ));
    let stderr = std::fs::File::create(&stderr_path)
        .with_context(|| format!("creating {}", stderr_path.display()))?;
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr);
    // SAFETY: prctl in the child between fork and exec, async-signal-safe: the engine is
    // killed if this process dies, so an interrupted run leaves no engine behind.
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command
        .spawn()
        .with_context(|| format!("starting {}", program.display()))?;
    let stdin = child.stdin.take().context("the engine's stdin")?;
    let stdout = BufReader::new(child.stdout.take().context("the engine's stdout")?);
    Ok(Pipe {
        child,
        stdin,
        stdout,
        stderr_path,
    })
}

/// The browser process that runs the page: the page writes a block of
/// [`browser::MARKER_BYTES`], and the one process whose resident anonymous memory grew by it is
/// the page's ([`browser::pick_page_process`]). Tried three times: a browser may still be
/// starting helpers whose own growth blurs one reading.
fn page_process(host: &mut Host, engine: Engine) -> Result<u32> {
    let mut last = None;
    for _ in 0..3 {
        let processes = host_processes(host);
        let before: Vec<(u32, u64)> = processes
            .iter()
            .filter_map(|&p| Some((p, procfs::anon_resident_of(p)?)))
            .collect();
        host.request(json!({"op": "marker", "bytes": browser::MARKER_BYTES}))?;
        let after: Vec<(u32, u64)> = processes
            .iter()
            .filter_map(|&p| Some((p, procfs::anon_resident_of(p)?)))
            .collect();
        host.request(json!({"op": "marker", "bytes": 0}))?;
        match browser::pick_page_process(&before, &after, browser::MARKER_BYTES) {
            Ok(pid) => return Ok(pid),
            Err(e) => last = Some(e),
        }
    }
    Err(last.expect("three tries").context(format!(
        "finding the process that runs {}'s page",
        engine.id()
    )))
}

/// The processes the host's engine started (a browser's, for [`page_process`]).
fn host_processes(host: &Host) -> Vec<u32> {
    host.channel.processes()
}

/// What one batch of new memories added to the engine's address space.
#[derive(Clone, Copy, Debug)]
struct Batch {
    /// Memories alive after it.
    total: u64,
    /// Address space added per memory in it, bytes.
    per_memory: u64,
}

impl JsApi for JsRuntime {
    fn tier_after(&self, calls: u64) -> Result<(bool, bool)> {
        let plan = crate::contiguous::MemoryVariant::new(
            MemoryDecl::Defined,
            crate::contiguous::MaxDecl::None,
        )
        .plan_pages(1, 1);
        let mut host = lock(&self.host);
        let (module, id) = host.grow_guest(plan, Value::Null)?;
        let zero = json!({"t": "i32", "v": "0"});
        let called = host.request(json!({
            "op": "call", "instance": id, "export": "size",
            "args": [zero, zero, zero], "repeat": calls.max(1),
        }));
        let tier = called
            .and_then(|_| host.request(json!({"op": "tier", "instance": id, "export": "size"})));
        host.request(json!({"op": "drop", "instance": id}))?;
        host.request(json!({"op": "drop_module", "module": module}))?;
        let tier = tier?;
        Ok((
            tier["liftoff"] == json!(true),
            tier["turbofan"] == json!(true),
        ))
    }

    fn set_auto_collect(&self, on: bool) {
        lock(&self.host).auto_collect = on;
    }

    fn can_collect(&self) -> bool {
        lock(&self.host).can_collect
    }

    fn set_refuse_fallback(&self, on: bool) {
        lock(&self.host).refuse_fallback = on;
    }

    fn detached_on_grow(&self) -> Result<(bool, String)> {
        let plan = MemoryPlan {
            decl: MemoryDecl::Imported,
            initial: 1,
            maximum: Some(2),
            shared: false,
            memory64: false,
            page_size_log2: None,
        };
        let mut host = lock(&self.host);
        let memory = json!({"initial": 1, "maximum": 2, "shared": false});
        let (module, id) = host.grow_guest(plan, memory)?;
        let grown = host.request(json!({"op": "grow", "instance": id, "delta": 1}))?;
        let detached = grown["detached"] == json!(true);
        let old = grown["old_pages"].as_u64();
        let refused = host.request(json!({"op": "grow", "instance": id, "delta": 1}));
        let kind = match &refused {
            Ok(_) => "nothing (the grow past the maximum succeeded)".to_string(),
            Err(e) => e
                .downcast_ref::<EngineError>()
                .map_or_else(|| format!("{e:#}"), |r| r.kind.clone()),
        };
        let after = host.request(json!({"op": "memory", "instance": id}))?;
        let pages = after["pages"].as_u64();
        host.request(json!({"op": "drop", "instance": id}))?;
        host.request(json!({"op": "drop_module", "module": module}))?;
        drop(host);
        let held = detached && old == Some(1) && kind == "RangeError" && pages == Some(2);
        Ok((
            held,
            format!(
                "memory.grow(1) from JS returned {old:?} and the ArrayBuffer taken before it was \
                 {}; growing past the maximum threw {kind}, and the memory stayed at {pages:?} pages",
                if detached { "detached (byteLength 0)" } else { "not detached" }
            ),
        ))
    }

    fn many_memories(&self, limit: u64, limit_ms: u64) -> Result<(bool, String)> {
        // From a collected heap: memories earlier checks dropped must not hold the engine's
        // limited resources (JSC's fast memories) while this counts.
        self.collect_garbage()?;
        // Where a fresh instance cannot be made as a fresh page would make it (WebKit with its fast
        // memories held by dropped ones), that is what this says.
        let alone = self.probe().map_or_else(
            |e| format!("no fresh instance could be measured ({e:#})"),
            |p| p.to_string(),
        );
        // The probe's instances are dropped: collected, they hold no fast memory while the
        // memories are counted.
        self.collect_garbage()?;
        let started = std::time::Instant::now();
        let pid = lock(&self.host).pid;
        let mut batches: Vec<Batch> = Vec::new();
        let mut failure = None;
        let mut total = 0;
        while total < limit && started.elapsed().as_millis() < u128::from(limit_ms) {
            // One at a time at first, where JSC's switch to slow memories shows; then in batches.
            let count = if total < 16 {
                1
            } else {
                256.min(limit - total)
            };
            let before = crate::procfs::read_of(Some(pid))?.virtual_bytes;
            let response = lock(&self.host).request(json!({
                "op": "many_memories", "handle": "many", "count": count, "initial": 1,
                "limit_ms": limit_ms,
            }))?;
            let after = crate::procfs::read_of(Some(pid))?.virtual_bytes;
            let created = response["created"].as_u64().unwrap_or(0);
            total += created;
            if let Some(per_memory) = after.saturating_sub(before).checked_div(created) {
                batches.push(Batch { total, per_memory });
            }
            if !response["failed_with"].is_null() {
                failure = Some(format!(
                    "{}: {}",
                    response["failed_with"]["kind"].as_str().unwrap_or("?"),
                    response["failed_with"]["message"].as_str().unwrap_or("")
                ));
                break;
            }
        }
        let elapsed = started.elapsed();
        // The same probe with every memory still alive: what a fresh instance gets after the
        // engine changed behaviour (or at the limit).
        let crowded = self.probe();
        let mut host = lock(&self.host);
        host.request(json!({"op": "drop_many", "handle": "many"}))?;
        host.collect()?;
        drop(host);
        // At the engine's limit a fresh instance may not be made at all: that is the finding.
        let crowded = crowded.map_or_else(
            |e| format!("no fresh instance could be made ({e:#})"),
            |p| p.to_string(),
        );
        let first = batches.first().context("no memory could be created")?;
        let gib = |b: u64| b as f64 / f64::from(1u32 << 30);
        // A change: more than twice or less than half the first memory's reservation, by more
        // than a page (a few KiB of bookkeeping per memory is not a change of behaviour).
        let change = batches.iter().find(|b| {
            b.per_memory.abs_diff(first.per_memory) > PAGE
                && (b.per_memory * 2 < first.per_memory || b.per_memory > first.per_memory * 2)
        });
        let shape = match change {
            Some(b) => format!(
                "the first memories reserved {:.3} GiB each; by memory {} it was {:.3} GiB each",
                gib(first.per_memory),
                b.total,
                gib(b.per_memory)
            ),
            // VmSize did not move: memories carved from a region reserved at start (V8's sandbox
            // in Chromium, JSC's region in WebKit), or heap buffers.
            None if first.per_memory < PAGE => {
                "no memory moved VmSize (each was carved from address space reserved before, or \
                 is a heap buffer)"
                    .to_string()
            }
            None => format!(
                "every memory reserved about {:.3} GiB",
                gib(first.per_memory)
            ),
        };
        let end = match &failure {
            Some(why) => format!("memory {} was refused ({why})", total + 1),
            None => format!("{total} memories created, no refusal"),
        };
        Ok((
            failure.is_none(),
            format!(
                "{end} in {:.1} s: {shape}; a fresh instance alone: {alone}; beside the {total} \
                 live memories: {crowded}",
                elapsed.as_secs_f64()
            ),
        ))
    }
}

impl JsRuntime {
    /// What a fresh instance gets now: whether its memory has a mapping of its own (fast
    /// memory, or a reservation; not a heap buffer), the engine-timed cost of one `grow(1)` from
    /// the guest at 16 pages (median of 5 fresh instances, 8 grows each), and the throughput of
    /// `seq-read-i64` over 1 MiB on a warm instance (20 calls).
    fn probe(&self) -> Result<Probe> {
        use crate::contiguous::{Kernel, MaxDecl, MemoryVariant, Pattern, Touch, Width};
        use crate::grow::{GrowPattern, Prepared};
        let variant = MemoryVariant::new(MemoryDecl::Defined, MaxDecl::None);
        let grow = Prepared::new(self, GrowPattern::Grow1At(16), variant)?;
        let mut per_grow = Vec::new();
        let mut own_mapping = true;
        for _ in 0..5 {
            let mut instance = grow.fresh()?;
            own_mapping &= instance.memory()?.base.is_some();
            per_grow.push(grow.run(instance.as_mut())? / GrowPattern::Grow1At(16).grows() as u32);
        }
        per_grow.sort();
        let pattern = Pattern {
            kernel: Kernel::SeqRead,
            width: Width::I64,
            touch: Touch::Warm,
        };
        const SIZE: u64 = 1 << 20;
        let mut read = crate::contiguous::Prepared::new(
            self,
            pattern,
            variant,
            SIZE,
            crate::case::GuestBuild::Scalar,
        )?;
        let calls = 20;
        let elapsed = read.run_warm_timed(calls)?;
        Ok(Probe {
            own_mapping,
            grow: per_grow[per_grow.len() / 2],
            bytes_per_second: (crate::contiguous::bytes_per_call(&pattern, SIZE) * calls) as f64
                / elapsed.as_secs_f64(),
        })
    }
}

/// What [`JsRuntime::probe`] found.
struct Probe {
    own_mapping: bool,
    grow: Duration,
    bytes_per_second: f64,
}

impl std::fmt::Display for Probe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "memory in {}, grow(1) at 16 pages {:.2} µs, seq-read-i64 over 1 MiB {:.2} GiB/s",
            if self.own_mapping {
                "a mapping of its own"
            } else {
                "no mapping of its own (a heap buffer)"
            },
            self.grow.as_secs_f64() * 1e6,
            self.bytes_per_second / f64::from(1u32 << 30)
        )
    }
}

impl Runtime for JsRuntime {
    fn id(&self) -> &str {
        self.engine.id()
    }

    fn strategy(&self) -> &str {
        self.switch.knobs
    }

    fn version(&self) -> &'static str {
        self.version
    }

    fn collect_garbage(&self) -> Result<bool> {
        lock(&self.host).collect()
    }

    fn js(&self) -> Option<&dyn JsApi> {
        Some(self)
    }

    fn spec_store(&self) -> Result<Box<dyn SpecStore>> {
        Ok(Box::new(JsSpecStore {
            host: self.host.clone(),
            engine: self.engine,
            instances: Vec::new(),
            registered: HashMap::new(),
            spectest: None,
        }))
    }

    fn compile(&self, module: &GuestModule) -> Result<Box<dyn Compiled>> {
        let mut host = lock(&self.host);
        let id = host.fresh_id("m");
        let wasm = base64::engine::general_purpose::STANDARD.encode(&module.wasm);
        let response = host
            .request(json!({"op": "compile", "module": id, "wasm_b64": wasm}))
            .with_context(|| format!("compiling {}", module.name))?;
        let mut exports = Vec::new();
        for e in response["exports"].as_array().into_iter().flatten() {
            let abi = e["params"] == json!(["i32", "i32", "i32"]) && e["results"] == json!(["i64"]);
            if let (Some(name), true) = (e["name"].as_str(), abi) {
                exports.push(name.to_string());
            }
        }
        Ok(Box::new(JsCompiled {
            host: self.host.clone(),
            id,
            plan: module.memory,
            exports,
            had_own_mapping: AtomicBool::new(false),
        }))
    }
}

/// A module compiled in the engine (`new WebAssembly.Module`).
struct JsCompiled {
    host: Shared,
    id: String,
    plan: MemoryPlan,
    /// Exports with the guest ABI's signature.
    exports: Vec<String>,
    /// Whether an instance of this module has had a memory with a mapping of its own: where a
    /// later one gets none and the engine cannot be made to collect, dropped memories hold what a
    /// fresh page would give it.
    had_own_mapping: AtomicBool,
}

impl Drop for JsCompiled {
    fn drop(&mut self) {
        let _ = lock(&self.host).request(json!({"op": "drop_module", "module": self.id}));
    }
}

impl Compiled for JsCompiled {
    fn instantiate_timed(&self) -> Result<(Box<dyn Instance>, Duration)> {
        let mut host = lock(&self.host);
        let id = host.fresh_id("i");
        let memory = match self.plan.decl {
            MemoryDecl::Imported => json!({
                "initial": self.plan.initial,
                "maximum": self.plan.maximum,
                "shared": self.plan.shared,
            }),
            MemoryDecl::Defined => Value::Null,
        };
        if host.auto_collect && host.uncollected >= COLLECT_AFTER_DROPS {
            host.collect()?;
        }
        let pid = host.pid;
        // The memory is the mapping that appears while the engine creates it: its address in
        // the engine's process, read from outside (never from JS), outside the engine's clock.
        let before = procfs::maps_of(Some(pid))?;
        let response = host.request(json!({
            "op": "instantiate",
            "module": self.id,
            "instance": id,
            "memory": memory,
            "timed": true,
        }))?;
        let after = procfs::maps_of(Some(pid))?;
        let elapsed = nanos(&response["elapsed_ns"])?;
        let found = response["byte_length"]
            .as_u64()
            .map(|len| procfs::appeared(&before, &after, len as usize));
        let base = found.as_ref().and_then(|f| f.as_ref().ok().copied());
        // Nothing of the memory's size appeared: the engine gave it a heap buffer (JSC without
        // fast memory, or past its fast memories).
        let heap_backed = matches!(found, Some(Err(procfs::NotFound::Nothing(_))));
        if base.is_some() {
            self.had_own_mapping.store(true, Ordering::Relaxed);
        }
        // Only a memory that mapped nothing of its own: one whose place could not be told apart
        // (two candidates) is no evidence of a fallback, and keeps only its figures unsupported.
        if heap_backed
            && self.had_own_mapping.load(Ordering::Relaxed)
            && host.auto_collect
            && host.refuse_fallback
            && !host.can_collect
        {
            // WebKit gives fast memory to 8 live memories, and dropped ones keep theirs until a
            // collection no page can force: this instance got the bounds-checked heap buffer a
            // fresh page would not give, so what it measures is not this configuration's.
            let _ = host.request(json!({"op": "drop", "instance": id}));
            return Err(anyhow::Error::new(NotMeasured::unsupported(format!(
                "not measured: this fresh instance got a memory without a mapping of its own \
                 (a heap buffer) where this module's first instances got one: {} dropped \
                 instances still hold theirs, and the engine gives a page no way to force the \
                 collection that frees them",
                host.uncollected
            ))));
        }
        drop(host);
        Ok((
            Box::new(JsInstance {
                host: self.host.clone(),
                id,
                maximum: self.plan.maximum,
                exports: Vec::new(),
                abi: self.exports.clone(),
                pid,
                base,
                heap_backed,
            }),
            elapsed,
        ))
    }

    fn timed_instantiation(&self) -> &'static str {
        "new WebAssembly.Instance(module, imports), timed by the engine's clock (an imported \
         WebAssembly.Memory is created before the clock starts)"
    }

    fn clock_resolution(&self) -> Duration {
        lock(&self.host).clock_resolution
    }

    fn process(&self) -> Option<u32> {
        Some(lock(&self.host).pid)
    }
}

/// An instance in the engine, named by its id there.
struct JsInstance {
    host: Shared,
    id: String,
    maximum: Option<u64>,
    /// Resolved exports: the name is the handle the engine looks up before its clock starts.
    exports: Vec<(String, ())>,
    /// Exports with the guest ABI's signature.
    abi: Vec<String>,
    pid: u32,
    /// Where the memory is in the engine's process, as found when it was created
    /// ([`procfs::appeared`]); `None` when it could not be found or has moved since.
    base: Option<usize>,
    /// Whether nothing of the memory's size was mapped when it was created: a heap buffer.
    heap_backed: bool,
}

impl Drop for JsInstance {
    fn drop(&mut self) {
        let mut host = lock(&self.host);
        if host
            .request(json!({"op": "drop", "instance": self.id}))
            .is_ok()
        {
            host.uncollected += 1;
        }
    }
}

impl Instance for JsInstance {
    fn export(&mut self, name: &str) -> Result<Export> {
        let abi = &self.abi;
        resolve_export(&mut self.exports, name, || {
            ensure!(
                abi.iter().any(|n| n == name),
                "not exported with the guest ABI"
            );
            Ok(())
        })
    }

    fn call_export(&mut self, export: Export, args: [u32; 3]) -> Result<u64> {
        self.call_timed(export, args, 1).map(|(value, _)| value)
    }

    fn call_timed(
        &mut self,
        export: Export,
        args: [u32; 3],
        repeat: u64,
    ) -> Result<(u64, Duration)> {
        let (name, ()) = self
            .exports
            .get(export.index())
            .context("an export handle from another instance")?;
        let args: Vec<Value> = args
            .iter()
            .map(|&a| json!({"t": "i32", "v": (a as i32).to_string()}))
            .collect();
        let response = lock(&self.host)
            .request(json!({
                "op": "call",
                "instance": self.id,
                "export": name,
                "args": args,
                "repeat": repeat.max(1),
            }))
            .with_context(|| format!("calling `{name}`"))?;
        let result = response["results"][0]["v"]
            .as_str()
            .context("a call without an i64 result")?;
        let value: i64 = result
            .parse()
            .with_context(|| format!("i64 result {result:?}"))?;
        Ok((value as u64, nanos(&response["elapsed_ns"])?))
    }

    fn memory(&mut self) -> Result<MemoryInfo> {
        let response = lock(&self.host).request(json!({"op": "memory", "instance": self.id}))?;
        let size_bytes = response["byte_length"]
            .as_u64()
            .context("memory without byte_length")?;
        // Grown in place, the memory's mapping has extended over its new size; moved (a grow
        // that copied it elsewhere), it has not, and where it went is not known.
        if let Some(base) = self.base {
            if !procfs::holds(&procfs::maps_of(Some(self.pid))?, base, size_bytes as usize) {
                self.base = None;
            }
        }
        Ok(MemoryInfo {
            size_bytes,
            maximum_pages: self.maximum,
            base: self.base,
            heap_backed: self.heap_backed,
            process: Some(self.pid),
        })
    }

    fn grow(&mut self, delta_pages: u64) -> Result<u64> {
        let response = lock(&self.host)
            .request(json!({"op": "grow", "instance": self.id, "delta": delta_pages}));
        match response {
            Ok(r) => r["old_pages"].as_u64().context("grow without old_pages"),
            Err(e) => {
                let full = e.downcast_ref::<EngineError>().map(|r| r.response.clone());
                let current = full.as_ref().and_then(|r| r["pages"].as_u64()).unwrap_or(0);
                Err(e.context(grow_error(current, delta_pages, self.maximum)))
            }
        }
    }

    fn grow_repeat_timed(&mut self, delta_pages: u64, count: u64) -> (Result<u64>, Duration) {
        // One request: the engine times its own loop of `memory.grow(delta)`, a failing grow
        // included (its `RangeError` is caught after the engine's clock stopped).
        let count = count.max(1);
        let response = lock(&self.host).request(json!({
            "op": "grow", "instance": self.id, "delta": delta_pages, "repeat": count,
        }));
        match response {
            Ok(r) => {
                let answer = (|| {
                    let old = r["old_pages"].as_u64().context("grow without old_pages")?;
                    let grown = r["grown"].as_u64().context("grow without grown")?;
                    ensure!(
                        grown == count,
                        "the engine made {grown} of {count} grows and answered ok"
                    );
                    Ok((old, nanos(&r["elapsed_ns"])?))
                })();
                match answer {
                    Ok((old, elapsed)) => (Ok(old), elapsed),
                    Err(e) => (Err(e), Duration::ZERO),
                }
            }
            Err(e) => {
                let full = e.downcast_ref::<EngineError>().map(|r| r.response.clone());
                let current = full.as_ref().and_then(|r| r["pages"].as_u64()).unwrap_or(0);
                let done = full.as_ref().and_then(|r| r["grown"].as_u64()).unwrap_or(0);
                let elapsed = full.as_ref().and_then(|r| nanos(&r["elapsed_ns"]).ok());
                let err = crate::runtime::grow_loop_failed(
                    e,
                    done,
                    count,
                    delta_pages,
                    current,
                    self.maximum,
                );
                match elapsed {
                    Some(elapsed) => (Err(err), elapsed),
                    None => (
                        Err(err.context("the engine's answer holds no time for the grows")),
                        Duration::ZERO,
                    ),
                }
            }
        }
    }

    fn grows_refused_timed(&mut self, delta_pages: u64, count: u64) -> (Result<()>, Duration) {
        // One request: the engine times its own loop of refused `memory.grow(delta)`s, each
        // RangeError caught inside the loop and checked after the clock.
        let count = count.max(1);
        let response = lock(&self.host).request(json!({
            "op": "grow", "instance": self.id, "delta": delta_pages, "repeat": count,
            "refused": true,
        }));
        let answer = response.and_then(|r| {
            let refused = r["refused"]
                .as_u64()
                .context("a refused grow without refused")?;
            ensure!(
                refused == count,
                "the engine refused {refused} of {count} grows and answered ok"
            );
            nanos(&r["elapsed_ns"])
        });
        match answer {
            Ok(elapsed) => (Ok(()), elapsed),
            Err(e) => (
                Err(e.context(format!(
                    "{count} host grows by {delta_pages} past the maximum"
                ))),
                Duration::ZERO,
            ),
        }
    }

    fn clock_resolution(&self) -> Duration {
        lock(&self.host).clock_resolution
    }

    fn into_memory(self: Box<Self>) -> Box<dyn KeptMemory> {
        // The engine keeps the instance (and its memory) until told to drop it: this handle does.
        Box::new(JsKept { instance: self })
    }
}

/// A memory kept by holding its instance in the engine.
struct JsKept {
    instance: Box<JsInstance>,
}

impl KeptMemory for JsKept {
    fn read(&mut self, offset: usize, len: usize) -> Result<Vec<u8>> {
        let i = &self.instance;
        let response = lock(&i.host).request(json!({
            "op": "read", "instance": i.id, "offset": offset, "len": len,
        }))?;
        let hex = response["hex"].as_str().context("read without hex")?;
        (0..hex.len())
            .step_by(2)
            .map(|k| u8::from_str_radix(&hex[k..k + 2], 16).context("hex from the engine"))
            .collect()
    }
}

/// The spec runner's store in a JavaScript engine: instances in the engine process, named by ids
/// there, on the runtime's one engine process (a store is cheap: no process per store).
///
/// Values cross bit-exactly: the host calls an export whose signature has an `f32`, `f64` or
/// `v128` through a generated wasm wrapper (`bits_exact`, see `js-host/host.mjs`), as the spec's
/// own JS test harness does (`interpreter/script/js.ml` in WebAssembly/spec), because the JS API
/// lets an engine hand any NaN over when a float becomes a JS Number, and calling a function with
/// a `v128` in its signature from JS throws `TypeError`. So the suite tests the engine's wasm, not
/// the JS boundary (whose NaN handling `js-host/NOTES.md` records).
struct JsSpecStore {
    host: Shared,
    engine: Engine,
    /// Engine-side instance ids, by the store's instance number.
    instances: Vec<String>,
    /// Module names registered in this store, with the engine-side instance each stands for.
    registered: HashMap<String, String>,
    /// This store's own `spectest` module (engine-side id), made when a module first imports
    /// from it: stores do not share its memory, table or globals, as they do not elsewhere.
    spectest: Option<String>,
}

/// How the engines word the traps the spec's tests name: words that all appear (lowercase) in the
/// engine's `WebAssembly.RuntimeError` message, and the spec's wording of that trap. The JS API
/// makes every trap a `RuntimeError` and leaves its message to the engine (the spec's own JS
/// harness checks only the type); the runner compares messages, so a trap an engine words its own
/// way is renamed here, keeping the engine's words. A trap worded any other way is left as it is
/// and fails the assertion. Each entry is a message seen from the engines here (Firefox ESR 153 and
/// the pinned node 20.20.2,
/// deno 2.9.6, bun 1.4.5), not a guess.
const TRAP_WORDING: &[(&[&str], &str)] = &[
    // SpiderMonkey (Firefox 153) says "index out of bounds" for every out-of-bounds access:
    // loads, stores, bulk memory, data segments (and tables, which the memory tests do not
    // reach), so it reads as the memory trap the memory tests expect.
    (&["index out of bounds"], "out of bounds memory access"),
    // V8 (node, deno), loads, stores and bulk memory instructions: "memory access out of bounds".
    // JavaScriptCore says "Out of bounds memory access" already.
    (
        &["memory access out of bounds"],
        "out of bounds memory access",
    ),
    // V8, an active data segment at instantiation: "data segment is out of bounds" (node 20),
    // "data segment 0 is out of bounds (offset 65535, length 2, memory size 65536)" (deno).
    (
        &["data segment", "is out of bounds"],
        "out of bounds memory access",
    ),
    // JavaScriptCore, the same: "Invalid data segment initialization: segment of 2 bytes memory
    // of 65536 bytes, at offset 65535, segment writes outside of memory".
    (
        &[
            "invalid data segment initialization",
            "writes outside of memory",
        ],
        "out of bounds memory access",
    ),
    // call_indirect past the end of the table: V8 "table index is out of bounds", JavaScriptCore
    // "Out of bounds call_indirect".
    (&["table index is out of bounds"], "undefined element"),
    (&["out of bounds call_indirect"], "undefined element"),
];

/// A trap in the spec's words where [`TRAP_WORDING`] knows the engine's; any other error as it is,
/// except the host's `Unsupported` (a value it cannot carry), which becomes a typed *unsupported*
/// error so the runner counts the assertion as not run rather than failed.
fn spec_error(engine: Engine, err: anyhow::Error) -> anyhow::Error {
    if let Some(trap) = err.downcast_ref::<Trap>() {
        let words = trap.message.to_lowercase();
        let known = TRAP_WORDING
            .iter()
            .find(|(all, _)| all.iter().all(|w| words.contains(w)));
        if let Some((_, spec)) = known {
            return anyhow::Error::new(Trap {
                message: format!("{spec} ({} says: {})", engine.id(), trap.message),
            });
        }
        return err;
    }
    match err.downcast_ref::<EngineError>() {
        Some(e) if e.kind == "Unsupported" => {
            anyhow::Error::new(NotMeasured::unsupported(e.message.clone()))
        }
        _ => err,
    }
}

/// A [`Val`] as the host takes it: `{t, v}`, `v` a decimal string (floats and v128 as their bits).
fn val_json(v: &Val) -> Value {
    let (t, v) = match *v {
        Val::I32(v) => ("i32", v.to_string()),
        Val::I64(v) => ("i64", v.to_string()),
        Val::F32(bits) => ("f32", bits.to_string()),
        Val::F64(bits) => ("f64", bits.to_string()),
        Val::V128(bits) => ("v128", bits.to_string()),
    };
    json!({"t": t, "v": v})
}

/// A `{t, v}` value from the host as a [`Val`].
fn val_of(value: &Value) -> Result<Val> {
    let t = value["t"].as_str().unwrap_or("?");
    let v = value["v"]
        .as_str()
        .with_context(|| format!("a {t} value without its digits: {value}"))?;
    let bad = || format!("{t} value {v:?}");
    Ok(match t {
        "i32" => Val::I32(v.parse().with_context(bad)?),
        "i64" => Val::I64(v.parse().with_context(bad)?),
        "f32" => Val::F32(v.parse().with_context(bad)?),
        "f64" => Val::F64(v.parse().with_context(bad)?),
        "v128" => Val::V128(v.parse().with_context(bad)?),
        other => bail!("a {other} value is not supported by the runner"),
    })
}

impl JsSpecStore {
    fn instance(&self, id: usize) -> Result<&str> {
        self.instances
            .get(id)
            .map(String::as_str)
            .context("no such instance")
    }

    /// Compiles `wasm` in the engine under a new module id, returning the id and the response
    /// (imports and exports).
    fn compile_module(host: &mut Host, wasm: &[u8]) -> Result<(String, Value)> {
        let id = host.fresh_id("m");
        let b64 = base64::engine::general_purpose::STANDARD.encode(wasm);
        let response = host.request(json!({"op": "compile", "module": id, "wasm_b64": b64}))?;
        Ok((id, response))
    }
}

impl SpecStore for JsSpecStore {
    fn compile(&mut self, wasm: &[u8]) -> Result<()> {
        let mut host = lock(&self.host);
        let (id, _) = Self::compile_module(&mut host, wasm)?;
        host.request(json!({"op": "drop_module", "module": id}))?;
        Ok(())
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<usize> {
        let mut host = lock(&self.host);
        let (module, compiled) = Self::compile_module(&mut host, wasm)?;
        // Each imported module name resolves to a registered instance, or to this store's own
        // spectest; any other name is left out, and the engine refuses the link.
        let mut link = serde_json::Map::new();
        for import in compiled["imports"].as_array().into_iter().flatten() {
            let Some(name) = import["module"].as_str() else {
                continue;
            };
            if let Some(id) = self.registered.get(name) {
                link.insert(name.to_string(), json!(id));
            } else if name == "spectest" {
                let id = match &self.spectest {
                    Some(id) => id.clone(),
                    None => {
                        let id = host.fresh_id("spectest");
                        host.request(json!({"op": "spectest", "instance": id}))?;
                        self.spectest = Some(id.clone());
                        id
                    }
                };
                link.insert(name.to_string(), json!(id));
            }
        }
        let instance = host.fresh_id("i");
        let made = host.request(json!({
            "op": "instantiate", "module": module, "instance": instance, "link": link,
        }));
        // The instance holds on to its module; the host's entry for it is not needed again.
        host.request(json!({"op": "drop_module", "module": module}))?;
        made.map_err(|e| spec_error(self.engine, e))?;
        self.instances.push(instance);
        Ok(self.instances.len() - 1)
    }

    fn register(&mut self, instance: usize, name: &str) -> Result<()> {
        let id = self.instance(instance)?.to_string();
        self.registered.insert(name.to_string(), id);
        Ok(())
    }

    fn invoke(&mut self, instance: usize, name: &str, args: &[Val]) -> Result<Vec<Val>> {
        let id = self.instance(instance)?;
        let args: Vec<Value> = args.iter().map(val_json).collect();
        let response = lock(&self.host)
            .request(json!({
                "op": "call", "instance": id, "export": name, "args": args, "bits_exact": true,
            }))
            .map_err(|e| spec_error(self.engine, e))
            .with_context(|| format!("calling `{name}`"))?;
        response["results"]
            .as_array()
            .context("a call without results")?
            .iter()
            .map(val_of)
            .collect()
    }

    fn global(&mut self, instance: usize, name: &str) -> Result<Val> {
        let id = self.instance(instance)?;
        let response = lock(&self.host)
            .request(json!({
                "op": "global", "instance": id, "export": name, "bits_exact": true,
            }))
            .map_err(|e| spec_error(self.engine, e))
            .with_context(|| format!("reading global `{name}`"))?;
        val_of(&response["value"])
    }
}

impl Drop for JsSpecStore {
    /// Drops the store's instances (and its spectest) in the engine, so their memories do not pile
    /// up there across the suite's files: the engine frees them at its next collection.
    fn drop(&mut self) {
        let mut host = lock(&self.host);
        for id in self.instances.iter().chain(&self.spectest) {
            let _ = host.request(json!({"op": "drop", "instance": id}));
        }
    }
}
