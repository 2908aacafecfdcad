//! The adapter behind [`crate::runtime::Runtime`]: a runtime ([`JsRuntime`]) is one engine
//! process under one strategy; its compiled modules ([`JsCompiled`]) and their instances
//! ([`JsInstance`]) are named by ids in that process, each request sent through the one
//! [`Host`] they share.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use base64::Engine as _;
use serde_json::{json, Value};

use super::browser::{self, Session};
use super::channel::{spawn_pipe, Channel};
use super::engine::{Engine, Runs};
use super::launcher::{repository_root, Configuration, Switch};
use super::protocol::{lock, nanos, EngineError, Host, Shared, COLLECT_AFTER_DROPS};
use super::spec_store::JsSpecStore;
use crate::module::{MemoryDecl, MemoryPlan};
use crate::procfs;
use crate::record::NotMeasured;
use crate::runtime::{
    grow_error, resolve_export, Compiled, Export, GuestModule, Instance, JsApi, KeptMemory,
    MemoryInfo, Runtime, SpecStore,
};

/// A JavaScript engine under one strategy.
pub struct JsRuntime {
    engine: Engine,
    switch: Switch,
    pub(crate) host: Shared,
    version: &'static str,
}

impl JsRuntime {
    /// Starts the engine with `switch` and asks it who it is.
    pub(crate) fn start(engine: Engine, switch: Switch) -> Result<Self> {
        let script = repository_root().join("js-host/host.mjs");
        ensure!(
            script.is_file(),
            "the JS host program {} is missing",
            script.display()
        );
        let channel: Box<dyn Channel> = match engine.runs() {
            Runs::Page(b) => Box::new(Session::start(
                b,
                Configuration {
                    v8_flags: switch.flags,
                    args: switch.args,
                    prefs: switch.prefs,
                    env: switch.env,
                },
                &script,
                &repository_root().join("js-host/page.html"),
            )?),
            Runs::Pipe(p) => Box::new(spawn_pipe(p, &switch, &script)?),
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
        let version = match engine.runs() {
            Runs::Page(b) => {
                // A page that is not cross-origin isolated has coarse timers and no
                // SharedArrayBuffer: its figures would not be comparable, so it is not measured.
                ensure!(
                    hello["flags"]["crossOriginIsolated"] == json!(true),
                    "{}'s page is not cross-origin isolated (COOP/COEP not honoured)",
                    b.name()
                );
                host.pid = browser::page_process(&mut host, b)?;
                format!(
                    "{} ({}, page process {}); clock {} (resolution {} ns, cross-origin isolated)",
                    text("engine_version"),
                    text("vm"),
                    host.pid,
                    text("clock"),
                    hello["clock_resolution_ns"]
                )
            }
            Runs::Pipe(_) => {
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
