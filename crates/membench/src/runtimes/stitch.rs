//! stitch (`makepad-stitch`), a threaded-code interpreter in pure Rust whose memory is one
//! `Vec<u8>` grown by `resize`. It has no memory configuration: one strategy, its default.
//!
//! Stitch dispatches by sibling calls it relies on LLVM to turn into jumps; without optimisation
//! the chain of calls overflows the stack, so the workspace builds it optimised in every profile
//! (`[profile.dev.package.makepad-stitch]` in `Cargo.toml`).
//!
//! stitch compiles a function to threaded code on its first call, and the compiled code belongs to
//! the function's entity in the `Store`, made afresh by every instantiation (`Module::instantiate`
//! pushes `Code::Uncompiled` per function, src/module.rs): it is per instance, not per module, so
//! the first call of every function on every new instance compiled it, inside the timed call of
//! each first-touch, grow and fragmentation sample. The published crate has no call that compiles
//! ahead; the vendored copy (`vendor/makepad-stitch`, see `vendor/README.md`) adds
//! `Instance::compile_all`, which every instantiation here calls after its clock stopped. It reads
//! only the module's code: no memory, table or global is touched. What stays in a first call is
//! stitch's own call-site rewrite: a call instruction to another Wasm function starts as
//! `compile`, which on its first execution finds the callee compiled and patches itself into a
//! direct call (a few stores, no compilation).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use makepad_stitch::{
    Engine, Error, ExternVal, Func, Limits, Linker, Mem, MemType, Module, Store, Val as S,
};

use crate::module::MemoryDecl;
use crate::runtime::{self, GuestModule, MemoryInfo, RuntimeSpec, SpecStore, Trap, Val};

/// The matrix entry of stitch: its one configuration.
pub fn specs() -> Vec<RuntimeSpec> {
    vec![RuntimeSpec {
        id: "stitch-interpreter",
        strategy: "default".to_string(),
        slug: "default",
        default: true,
        native: false,
        interpreter: true,
        grow_bound_pages: None,
        memory_limit_pages: None,
        out_of_process: false,
        build: Box::new(|| Ok(Box::new(Stitch::new()))),
    }]
}

/// stitch. Its `Engine` is neither `Send` nor `Sync` (it pools compilers holding raw pointers),
/// so each compiled module gets an engine of its own.
pub struct Stitch;

impl Stitch {
    /// stitch (it has no configuration).
    pub fn new() -> Self {
        Self
    }
}

impl Default for Stitch {
    fn default() -> Self {
        Self::new()
    }
}

impl runtime::Runtime for Stitch {
    fn id(&self) -> &str {
        "stitch-interpreter"
    }
    fn strategy(&self) -> &str {
        "default"
    }
    fn version(&self) -> &'static str {
        crate::versions::STITCH
    }
    fn compile(&self, guest: &GuestModule) -> Result<Box<dyn runtime::Compiled>> {
        let engine = Engine::new();
        let module = Module::new(&engine, &guest.wasm)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("stitch decoding {}", guest.name))?;
        Ok(Box::new(Compiled {
            engine,
            module,
            guest: guest.clone(),
        }))
    }
    fn spec_store(&self) -> Result<Box<dyn SpecStore>> {
        Ok(Box::new(SpecStoreImpl::new(Engine::new())))
    }
}

/// The spec's name for each of stitch's traps, where stitch words it differently: the spec
/// runner matches a trap by the spec's words, and the record keeps stitch's own beside them.
const TRAP_WORDING: &[(&str, &str)] = &[
    ("memory access out of bounds", "out of bounds memory access"),
    ("table access out of bounds", "out of bounds table access"),
    ("element uninitialized", "uninitialized element"),
    ("type mismatch", "indirect call type mismatch"),
    ("stack overflow", "call stack exhausted"),
];

/// Turns a stitch error into ours: a trap into a [`Trap`] with the spec's words for it (and
/// stitch's own in brackets where they differ), anything else into an `anyhow` error.
fn error(err: Error) -> anyhow::Error {
    match err {
        Error::Trap(trap) => {
            let words = trap.to_string();
            let message = match TRAP_WORDING.iter().find(|(own, _)| *own == words) {
                Some((own, spec)) => format!("{spec} (stitch: {own})"),
                None => words,
            };
            anyhow::Error::new(Trap { message })
        }
        Error::Decode(e) => anyhow::anyhow!("decode error: {e}"),
        Error::Instantiate(e) => anyhow::anyhow!("instantiate error: {e}"),
        Error::Func(e) => anyhow::anyhow!("function error: {e}"),
        Error::Table(e) => anyhow::anyhow!("table error: {e}"),
        Error::Memory(e) => anyhow::anyhow!("memory error: {e}"),
        Error::Global(e) => anyhow::anyhow!("global error: {e}"),
    }
}

struct Compiled {
    engine: Engine,
    module: Module,
    guest: GuestModule,
}

impl runtime::Compiled for Compiled {
    fn instantiate_timed(&self) -> Result<(Box<dyn runtime::Instance>, Duration)> {
        let imported = match self.guest.memory.decl {
            MemoryDecl::Imported => Some(crate::module::limits32(&self.guest.memory)?),
            MemoryDecl::Defined => None,
        };
        let start = Instant::now();
        let mut store = Store::new(self.engine.clone());
        let mut linker = Linker::new();
        if let Some((min, max)) = imported {
            let memory = Mem::new(
                &mut store,
                MemType {
                    limits: Limits { min, max },
                },
            );
            linker.define("env", runtime::MEMORY_EXPORT, memory);
        }
        let instance = linker.instantiate(&mut store, &self.module);
        let elapsed = start.elapsed();
        let instance = instance
            .map_err(error)
            .with_context(|| format!("instantiating {}", self.guest.name))?;
        let memory = instance
            .exported_mem(runtime::MEMORY_EXPORT)
            .with_context(|| format!("{} exports no memory named `memory`", self.guest.name))?;
        // After the clock: every function compiled now, so no call on this instance compiles.
        instance.compile_all(&mut store);
        Ok((
            Box::new(Instance {
                store,
                instance,
                memory,
                funcs: Vec::new(),
            }),
            elapsed,
        ))
    }

    fn timed_instantiation(&self) -> &'static str {
        match self.guest.memory.decl {
            MemoryDecl::Defined => "Store::new + Linker::new + Linker::instantiate",
            MemoryDecl::Imported => "Store::new + Linker::new + Mem::new + Linker::instantiate",
        }
    }
}

struct Instance {
    store: Store,
    instance: makepad_stitch::Instance,
    memory: Mem,
    funcs: Vec<(String, Func)>,
}

impl Instance {
    /// The memory's size and declared maximum, in pages.
    fn pages(&self) -> (u64, Option<u64>) {
        let current = u64::from(self.memory.size(&self.store));
        let maximum = self.memory.type_(&self.store).limits.max.map(u64::from);
        (current, maximum)
    }
}

impl runtime::Instance for Instance {
    fn export(&mut self, name: &str) -> Result<runtime::Export> {
        use makepad_stitch::ValType::{I32, I64};
        let (instance, store) = (&self.instance, &self.store);
        runtime::resolve_export(&mut self.funcs, name, || {
            let func = instance.exported_func(name).context("no such export")?;
            let ty = func.type_(store);
            anyhow::ensure!(
                ty.params() == [I32, I32, I32] && ty.results() == [I64],
                "its type is {ty:?}"
            );
            Ok(func)
        })
    }

    fn call_export(&mut self, export: runtime::Export, args: [u32; 3]) -> Result<u64> {
        let (name, func) = &self.funcs[export.index()];
        let [a, b, c] = args.map(|v| S::I32(v as i32));
        let mut result = [S::I64(0)];
        func.call(&mut self.store, &[a, b, c], &mut result)
            .map_err(error)
            .with_context(|| format!("calling `{name}`"))?;
        match result[0] {
            S::I64(v) => Ok(v as u64),
            other => anyhow::bail!("`{name}` returned {other:?}"),
        }
    }

    fn memory(&mut self) -> Result<MemoryInfo> {
        let bytes = self.memory.bytes(&self.store);
        Ok(MemoryInfo {
            size_bytes: bytes.len() as u64,
            maximum_pages: self.memory.type_(&self.store).limits.max.map(u64::from),
            base: Some(bytes.as_ptr() as usize),
            // stitch keeps linear memory in a `Vec<u8>` on the heap (no mapping of its own).
            heap_backed: true,
            process: None,
        })
    }

    fn grow(&mut self, delta_pages: u64) -> Result<u64> {
        let count = u32::try_from(delta_pages).context("a grow of more than u32::MAX pages")?;
        self.memory
            .grow(&mut self.store, count)
            .map(u64::from)
            .map_err(|e| {
                let (current, maximum) = self.pages();
                anyhow::anyhow!("{e}").context(runtime::grow_error(current, delta_pages, maximum))
            })
    }

    fn grow_repeat_timed(&mut self, delta_pages: u64, count: u64) -> (Result<u64>, Duration) {
        // `Mem::grow` alone inside the clock; the error's context (type, size) after it.
        let Ok(delta) = u32::try_from(delta_pages) else {
            let e = anyhow::anyhow!("a grow of {delta_pages} pages: more than u32::MAX");
            return (Err(e), Duration::ZERO);
        };
        let count = count.max(1);
        let (memory, store) = (self.memory, &mut self.store);
        let timed = runtime::time_grows(count, || memory.grow(store, delta).map(u64::from));
        runtime::grow_loop_timed(timed, count, delta_pages, |e| {
            let (current, maximum) = self.pages();
            (anyhow::anyhow!("{e}"), current, maximum)
        })
    }

    fn grows_refused_timed(&mut self, delta_pages: u64, count: u64) -> (Result<()>, Duration) {
        let Ok(delta) = u32::try_from(delta_pages) else {
            let e = anyhow::anyhow!("a grow of {delta_pages} pages: more than u32::MAX");
            return (Err(e), Duration::ZERO);
        };
        let (memory, store) = (self.memory, &mut self.store);
        let timed = runtime::time_refused_grows(count, || memory.grow(store, delta).map(u64::from));
        runtime::refused_grows_timed(timed, delta_pages)
    }

    fn into_memory(self: Box<Self>) -> Box<dyn runtime::KeptMemory> {
        Box::new(Kept {
            store: self.store,
            memory: self.memory,
        })
    }
}

/// A memory and the store that owns it, its instance dropped.
struct Kept {
    store: Store,
    memory: Mem,
}

impl runtime::KeptMemory for Kept {
    fn read(&mut self, offset: usize, len: usize) -> Result<Vec<u8>> {
        let bytes = self.memory.bytes(&self.store);
        offset
            .checked_add(len)
            .and_then(|end| bytes.get(offset..end))
            .map(<[u8]>::to_vec)
            .with_context(|| format!("{len} bytes at {offset}: past the memory's end"))
    }
}

/// The spec tests' store: one `Store`, every definition importable by name (`spectest` and each
/// registered instance's exports; a later registration shadows an earlier one), and a `Linker`
/// built from them per instantiation (stitch's `Linker::define` refuses a name twice).
struct SpecStoreImpl {
    store: Store,
    defs: BTreeMap<(String, String), ExternVal>,
    instances: Vec<makepad_stitch::Instance>,
}

impl SpecStoreImpl {
    fn new(engine: Engine) -> Self {
        use makepad_stitch::{
            FuncRef, Global, GlobalType, Mut, Ref, RefType, Table, TableType, ValType,
        };
        let mut store = Store::new(engine);
        let mut defs = BTreeMap::new();
        let mut def = |name: &str, val: ExternVal| {
            defs.insert(("spectest".to_string(), name.to_string()), val);
        };
        def("print", Func::wrap(&mut store, || {}).into());
        def("print_i32", Func::wrap(&mut store, |_: i32| {}).into());
        def("print_i64", Func::wrap(&mut store, |_: i64| {}).into());
        def("print_f32", Func::wrap(&mut store, |_: f32| {}).into());
        def("print_f64", Func::wrap(&mut store, |_: f64| {}).into());
        def(
            "print_i32_f32",
            Func::wrap(&mut store, |_: i32, _: f32| {}).into(),
        );
        def(
            "print_f64_f64",
            Func::wrap(&mut store, |_: f64, _: f64| {}).into(),
        );
        for (name, val, ty) in [
            ("global_i32", S::I32(666), ValType::I32),
            ("global_i64", S::I64(666), ValType::I64),
            ("global_f32", S::F32(666.6), ValType::F32),
            ("global_f64", S::F64(666.6), ValType::F64),
        ] {
            let global = Global::new(
                &mut store,
                GlobalType {
                    mut_: Mut::Const,
                    val: ty,
                },
                val,
            )
            .expect("a constant global of its own type");
            def(name, global.into());
        }
        let table = Table::new(
            &mut store,
            TableType {
                limits: Limits {
                    min: 10,
                    max: Some(20),
                },
                elem: RefType::FuncRef,
            },
            Ref::FuncRef(FuncRef::null()),
        )
        .expect("a table of null function references");
        def("table", table.into());
        let memory = Mem::new(
            &mut store,
            MemType {
                limits: Limits {
                    min: 1,
                    max: Some(2),
                },
            },
        );
        def("memory", memory.into());
        Self {
            store,
            defs,
            instances: Vec::new(),
        }
    }

    fn instance(&self, id: usize) -> Result<&makepad_stitch::Instance> {
        self.instances.get(id).context("no such instance")
    }
}

impl SpecStore for SpecStoreImpl {
    fn compile(&mut self, wasm: &[u8]) -> Result<()> {
        Module::new(self.store.engine(), wasm).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(())
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<usize> {
        let module = Module::new(self.store.engine(), wasm).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut linker = Linker::new();
        for ((module, name), val) in &self.defs {
            linker.define(module, name, *val);
        }
        let instance = linker
            .instantiate(&mut self.store, &module)
            .map_err(error)?;
        self.instances.push(instance);
        Ok(self.instances.len() - 1)
    }

    fn register(&mut self, id: usize, name: &str) -> Result<()> {
        let exports: Vec<(String, ExternVal)> = self
            .instance(id)?
            .exports()
            .map(|(export, val)| (export.to_string(), val))
            .collect();
        for (export, val) in exports {
            self.defs.insert((name.to_string(), export), val);
        }
        Ok(())
    }

    fn invoke(&mut self, id: usize, name: &str, args: &[Val]) -> Result<Vec<Val>> {
        let func = self
            .instance(id)?
            .exported_func(name)
            .with_context(|| format!("no function export `{name}`"))?;
        let args = args
            .iter()
            .map(|a| {
                Ok(match *a {
                    Val::I32(v) => S::I32(v),
                    Val::I64(v) => S::I64(v),
                    Val::F32(v) => S::F32(f32::from_bits(v)),
                    Val::F64(v) => S::F64(f64::from_bits(v)),
                    Val::V128(_) => {
                        return Err(anyhow::Error::new(crate::record::NotMeasured::unsupported(
                            "stitch has no v128 values (no SIMD)".to_string(),
                        )))
                    }
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let ty = func.type_(&self.store);
        let mut results: Vec<S> = ty.results().iter().map(|t| S::default(*t)).collect();
        func.call(&mut self.store, &args, &mut results)
            .map_err(error)
            .with_context(|| format!("calling `{name}`"))?;
        results.iter().map(from_val).collect()
    }

    fn global(&mut self, id: usize, name: &str) -> Result<Val> {
        let global = self
            .instance(id)?
            .exported_global(name)
            .with_context(|| format!("no global export `{name}`"))?;
        from_val(&global.get(&self.store))
    }
}

fn from_val(v: &S) -> Result<Val> {
    Ok(match *v {
        S::I32(v) => Val::I32(v),
        S::I64(v) => Val::I64(v),
        S::F32(v) => Val::F32(v.to_bits()),
        S::F64(v) => Val::F64(v.to_bits()),
        ref other => {
            anyhow::bail!("a reference result ({other:?}) is not supported by the runner")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An export that calls a helper: two Wasm functions, neither touching memory.
    const TWO_FUNCS: &str = r#"(module
      (memory (export "memory") 1)
      (func $helper (param i32) (result i64) (i64.extend_i32_u (local.get 0)))
      (func (export "run") (param i32 i32 i32) (result i64) (call $helper (local.get 0))))"#;

    /// The vendored stitch compiles every function of a fresh instance ahead (the published one
    /// cannot: its stand-in here compiles none), each once, and the instance still runs.
    #[test]
    fn every_function_of_a_fresh_instance_compiles_ahead_once() {
        let engine = Engine::new();
        let module = Module::new(&engine, &wat::parse_str(TWO_FUNCS).unwrap()).unwrap();
        let mut store = Store::new(engine);
        let instance = Linker::new().instantiate(&mut store, &module).unwrap();
        assert_eq!(
            instance.compile_all(&mut store),
            2,
            "makepad-stitch is not the vendored copy: add `makepad-stitch = {{ path = \
             \"vendor/makepad-stitch\" }}` to the root Cargo.toml's [patch.crates-io]"
        );
        assert_eq!(instance.compile_all(&mut store), 0, "compiled twice");
        let run = instance.exported_func("run").unwrap();
        let mut result = [S::I64(0)];
        run.call(&mut store, &[S::I32(41), S::I32(0), S::I32(0)], &mut result)
            .unwrap();
        assert_eq!(result[0], S::I64(41));
    }
}
