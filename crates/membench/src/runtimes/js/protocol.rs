//! The host program's protocol: one JSON request and one JSON response per line over a
//! [`Channel`] ([`Host::request`]), the engine's errors ([`EngineError`]; a
//! `WebAssembly.RuntimeError` is a [`Trap`]), and its nanosecond figures ([`nanos`]).

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use base64::Engine as _;
use serde_json::{json, Value};

use super::channel::Channel;
use crate::module::MemoryPlan;
use crate::runtime::Trap;

/// One engine process running the host program, and the facts it reported at start.
pub(crate) struct Host {
    pub channel: Box<dyn Channel>,
    /// Whether the engine can be made to collect garbage (`hello.gc`): Firefox's and WebKit's
    /// pages cannot.
    pub can_collect: bool,
    pub seq: u64,
    /// Names for modules and instances in the engine.
    pub next_id: u64,
    /// The process holding the memories (`hello.pid`, the spawned process, for node, deno and
    /// bun; the process that runs the page, found from outside, for a browser).
    pub pid: u32,
    /// Instances dropped since the last full collection: their memories stay allocated in the
    /// engine until it collects them.
    pub uncollected: u32,
    /// Whether an instantiation collects first once [`COLLECT_AFTER_DROPS`] instances await
    /// collection (on, but for checks that watch what the engine does on its own).
    pub auto_collect: bool,
    /// Whether a fresh instance that got a fallback memory a fresh page would not give is refused
    /// as not measured (benchmarks; `verify` turns it off: its checks hold for any memory).
    pub refuse_fallback: bool,
    /// The step of the engine's clock, as the host measured it at `hello` (the smallest nonzero
    /// difference of consecutive reads): timed regions must span [`crate::runtime::MIN_TICKS`] of it.
    pub clock_resolution: Duration,
}

/// How many dropped instances may await collection before the next instantiation collects them
/// first (outside any timing). JSC gives fast memory to a limited number of live memories and
/// silently falls back to bounds-checked heap buffers past it, and dropped memories hold theirs
/// until collected: without this, a benchmark that makes a fresh instance per iteration would
/// measure the fallback after a few iterations instead of what a fresh process gets. (How far
/// dropped memories pile up without a forced collection, and what the fallback costs, are
/// measured apart, by `verify`.)
pub(crate) const COLLECT_AFTER_DROPS: u32 = 4;

impl Host {
    /// Sends one request and returns its response's fields, or the engine's error: a
    /// `WebAssembly.RuntimeError` as a [`Trap`], anything else with its kind and message.
    pub(crate) fn request(&mut self, mut request: Value) -> Result<Value> {
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
    pub(crate) fn grow_guest(
        &mut self,
        plan: MemoryPlan,
        memory: Value,
    ) -> Result<(String, String)> {
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
    pub(crate) fn collect(&mut self) -> Result<bool> {
        if !self.can_collect {
            return Ok(false);
        }
        self.request(json!({"op": "gc"}))
            .context("forcing a full garbage collection")?;
        self.uncollected = 0;
        Ok(true)
    }

    pub(crate) fn fresh_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }
}

/// An error the engine answered with (other than a trap): its JS kind and message, and the whole
/// response for callers that need more (a failed grow's elapsed time and size after it).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct EngineError {
    pub message: String,
    /// The JS constructor name: `RangeError`, `WebAssembly.CompileError`, ...
    pub kind: String,
    pub response: Value,
}

/// An engine process shared by a runtime, its compiled modules and their instances.
pub(crate) type Shared = Arc<Mutex<Host>>;

pub(crate) fn lock(host: &Shared) -> MutexGuard<'_, Host> {
    host.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A nanosecond figure as the host sends it: a decimal string, a fraction allowed.
pub(crate) fn nanos(value: &Value) -> Result<Duration> {
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
