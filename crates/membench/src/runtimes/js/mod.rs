//! The engines the seed post is about, through the WebAssembly JS API: V8 by node, deno and
//! headless Chromium, JavaScriptCore by bun and WebKitGTK, SpiderMonkey by Firefox.
//!
//! One engine process per runtime × strategy runs `js-host/host.mjs` (one file, unchanged under
//! every engine; protocol and measured engine facts in `js-host/NOTES.md`) and is driven over a
//! channel (`channel.rs`), one JSON request and one JSON response per line: a pipe to node, deno
//! and bun, a WebSocket to a browser's page ([`browser`]). The engine times what a figure names
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
//! [`Instance::call_timed`]: crate::runtime::Instance::call_timed
//! [`Compiled::instantiate_timed`]: crate::runtime::Compiled::instantiate_timed
//! [`Compiled::process`]: crate::runtime::Compiled::process
//! [`procfs::appeared`]: crate::procfs::appeared
//!
//! An engine that is not installed builds to a typed *not installed* error naming the command that
//! installs it: its rows say so and every other runtime runs.
//!
//! One file per part: the adapter (`adapter.rs`), the line protocol (`protocol.rs`) over a
//! channel (`channel.rs`: the pipe; `browser.rs` and `server.rs`: a page over a WebSocket), the
//! spec store (`spec_store.rs`), the checks only these engines have (`probes.rs`), and one
//! launcher per engine (`node.rs`, `deno.rs`, `bun.rs`, `chromium.rs`, `firefox.rs`,
//! `webkitgtk.rs`) saying its own facts over the shared base of `launcher.rs`.

mod adapter;
pub mod browser;
mod bun;
mod channel;
mod chromium;
mod deno;
mod engine;
mod firefox;
mod launcher;
mod node;
mod probes;
mod protocol;
mod server;
mod spec_store;
mod webkitgtk;

pub use adapter::JsRuntime;
pub use engine::Engine;

use crate::runtime::{Runtime, RuntimeSpec};

/// Every JavaScript engine × strategy, in the order the matrix lists them.
pub fn specs() -> Vec<RuntimeSpec> {
    let mut specs = Vec::new();
    for engine in Engine::all() {
        for switch in engine.launcher().switches() {
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
