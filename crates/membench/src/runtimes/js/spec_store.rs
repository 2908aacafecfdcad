//! The spec runner's store in a JavaScript engine ([`JsSpecStore`]), the engines' trap wording in
//! the spec's words ([`TRAP_WORDING`]), and values as the host carries them.

use std::collections::HashMap;

use anyhow::{bail, Context, Result};
use base64::Engine as _;
use serde_json::{json, Value};

use super::engine::Engine;
use super::protocol::{lock, EngineError, Host, Shared};
use crate::record::NotMeasured;
use crate::runtime::{SpecStore, Trap, Val};

/// The spec runner's store in a JavaScript engine: instances in the engine process, named by ids
/// there, on the runtime's one engine process (a store is cheap: no process per store).
///
/// Values cross bit-exactly: the host calls an export whose signature has an `f32`, `f64` or
/// `v128` through a generated wasm wrapper (`bits_exact`, see `js-host/host.mjs`), as the spec's
/// own JS test harness does (`interpreter/script/js.ml` in WebAssembly/spec), because the JS API
/// lets an engine hand any NaN over when a float becomes a JS Number, and calling a function with
/// a `v128` in its signature from JS throws `TypeError`. So the suite tests the engine's wasm, not
/// the JS boundary (whose NaN handling `js-host/NOTES.md` records).
pub(crate) struct JsSpecStore {
    pub host: Shared,
    pub engine: Engine,
    /// Engine-side instance ids, by the store's instance number.
    pub instances: Vec<String>,
    /// Module names registered in this store, with the engine-side instance each stands for.
    pub registered: HashMap<String, String>,
    /// This store's own `spectest` module (engine-side id), made when a module first imports
    /// from it: stores do not share its memory, table or globals, as they do not elsewhere.
    pub spectest: Option<String>,
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
