//! tinywasm, a small pure-Rust interpreter, under each of its memory backends: the strategy axis
//! this project is about, offered as a run-time switch (`Config::with_memory_backend`).
//!
//! - `MemoryBackend::vec()`, the default: one `Vec<u8>`, grown by `try_reserve_exact` + `resize`,
//!   so a grow may move and copy the whole memory.
//! - `MemoryBackend::paged(chunk_size)`: chunks allocated as they are written; a grow copies
//!   nothing, every access finds its chunk first.
//! - `LazyLinearMemory` over `vec()` (through `MemoryBackend::custom`): the memory is allocated
//!   on its first write; until then reads return zeroes.
//!
//! Calls go through `Function::call_into`, which the vendored tinywasm adds (`vendor/tinywasm`,
//! see `vendor/README.md`): the published 0.10.0's `FunctionTyped::call` collects the arguments
//! and the results into a `Vec` each, two allocations inside every timed call; `call_into` takes
//! the arguments as a slice and writes the results into one, so a resolved call allocates nothing.
//!
//! tinywasm's API gives no address of a memory's bytes (`Memory` has `read`/`write` and a cursor,
//! no pointer), so the figures read per page where the memory lives (residency, canaries) are
//! recorded as unsupported here, saying so; the process-wide figures are measured.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tinywasm::types::{MemoryArch, MemoryType, WasmValue};
use tinywasm::{
    Engine, Extern, Function, Imports, LazyLinearMemory, Memory, MemoryBackend, Module,
    ModuleInstance, Store,
};

use crate::module::MemoryDecl;
use crate::runtime::{self, GuestModule, MemoryInfo, RuntimeSpec, SpecStore, Trap, Val};

/// A memory backend of tinywasm's, as a strategy of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// `MemoryBackend::vec()`: tinywasm's default.
    Vec,
    /// `MemoryBackend::paged(chunk_size)`, with chunks of this many bytes.
    Paged(usize),
    /// `LazyLinearMemory::try_new(ty, MemoryBackend::vec())` through `MemoryBackend::custom`.
    LazyVec,
}

impl Backend {
    /// Every backend the matrix runs: the default, paged by a wasm page and by a host page, and
    /// lazy.
    pub const ALL: [Backend; 4] = [
        Backend::Vec,
        Backend::Paged(65536),
        Backend::Paged(4096),
        Backend::LazyVec,
    ];

    /// The switch as tinywasm's API spells it.
    pub fn knobs(self) -> String {
        match self {
            Backend::Vec => "default".to_string(),
            Backend::Paged(chunk) => format!("memory_backend=MemoryBackend::paged({chunk})"),
            Backend::LazyVec => {
                "memory_backend=MemoryBackend::custom(LazyLinearMemory::try_new(ty, MemoryBackend::vec()))"
                    .to_string()
            }
        }
    }

    /// The short name in bench ids.
    pub fn slug(self) -> &'static str {
        match self {
            Backend::Vec => "default",
            Backend::Paged(65536) => "paged-64k",
            Backend::Paged(4096) => "paged-4k",
            Backend::Paged(_) => "paged",
            Backend::LazyVec => "lazy-vec",
        }
    }

    fn memory_backend(self) -> MemoryBackend {
        match self {
            Backend::Vec => MemoryBackend::vec(),
            Backend::Paged(chunk) => MemoryBackend::paged(chunk),
            Backend::LazyVec => MemoryBackend::custom(|ty: MemoryType| {
                LazyLinearMemory::try_new(ty, MemoryBackend::vec())
            }),
        }
    }
}

/// The matrix entries of tinywasm: one per memory backend.
pub fn specs() -> Vec<RuntimeSpec> {
    Backend::ALL
        .into_iter()
        .map(|backend| RuntimeSpec {
            id: "tinywasm-interpreter",
            strategy: backend.knobs(),
            slug: backend.slug(),
            default: backend == Backend::Vec,
            native: false,
            interpreter: true,
            // A `Vec` grown by `resize` reallocates and copies as it grows (amortised by the
            // allocator's doubling only where `realloc` can extend in place).
            grow_bound_pages: None,
            memory_limit_pages: None,
            out_of_process: false,
            build: Box::new(move || Ok(Box::new(Tinywasm::new(backend)))),
        })
        .collect()
}

/// tinywasm with one memory backend.
pub struct Tinywasm {
    strategy: String,
    engine: Engine,
}

impl Tinywasm {
    /// An engine whose every memory uses `backend`.
    pub fn new(backend: Backend) -> Self {
        let config = tinywasm::engine::Config::new().with_memory_backend(backend.memory_backend());
        Self {
            strategy: backend.knobs(),
            engine: Engine::new(config),
        }
    }
}

impl runtime::Runtime for Tinywasm {
    fn id(&self) -> &str {
        "tinywasm-interpreter"
    }
    fn strategy(&self) -> &str {
        &self.strategy
    }
    fn version(&self) -> &'static str {
        crate::versions::TINYWASM
    }
    fn compile(&self, guest: &GuestModule) -> Result<Box<dyn runtime::Compiled>> {
        let module =
            parse(&guest.wasm).with_context(|| format!("tinywasm parsing {}", guest.name))?;
        Ok(Box::new(Compiled {
            engine: self.engine.clone(),
            module,
            guest: guest.clone(),
        }))
    }
    fn spec_store(&self) -> Result<Box<dyn SpecStore>> {
        Ok(Box::new(SpecStoreImpl::new(self.engine.clone())?))
    }
}

/// Parses (and validates) a module.
fn parse(wasm: &[u8]) -> Result<Module> {
    tinywasm::parse_bytes(wasm).map_err(|e| error(tinywasm::Error::Parser(e)))
}

/// Turns a tinywasm error into ours: a trap into a [`Trap`] carrying tinywasm's words, anything
/// else into an `anyhow` error with its text.
fn error(err: tinywasm::Error) -> anyhow::Error {
    match err {
        tinywasm::Error::Trap(trap) => anyhow::Error::new(Trap {
            message: trap.to_string(),
        }),
        other => anyhow::anyhow!("{other}"),
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
        let instance = match imported {
            Some((initial, maximum)) => Memory::new(
                &mut store,
                MemoryType::new(
                    MemoryArch::I32,
                    u64::from(initial),
                    maximum.map(u64::from),
                    None,
                ),
            )
            .and_then(|memory| {
                let mut imports = Imports::new();
                imports.define("env", runtime::MEMORY_EXPORT, memory);
                ModuleInstance::instantiate(&mut store, &self.module, Some(imports))
            }),
            None => ModuleInstance::instantiate(&mut store, &self.module, None),
        };
        let elapsed = start.elapsed();
        let instance = instance
            .map_err(error)
            .with_context(|| format!("instantiating {}", self.guest.name))?;
        let memory = instance
            .memory(runtime::MEMORY_EXPORT)
            .map_err(error)
            .with_context(|| format!("{} exports no memory named `memory`", self.guest.name))?;
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
            MemoryDecl::Defined => "Store::new + ModuleInstance::instantiate(None)",
            MemoryDecl::Imported => {
                "Store::new + Memory::new + ModuleInstance::instantiate(Some(imports))"
            }
        }
    }
}

/// A guest export with the guest ABI's signature, resolved once (its type checked by
/// `ModuleInstance::func::<(i32, i32, i32), i64>`), called untyped through `call_into`.
type GuestFunc = Function;

struct Instance {
    store: Store,
    instance: ModuleInstance,
    memory: Memory,
    funcs: Vec<(String, GuestFunc)>,
}

impl Instance {
    /// The size in pages, and the declared maximum. tinywasm answers `page_count_max()` with
    /// 65536 for a memory that declares none; the type equals itself with the maximum cleared
    /// exactly when none was declared.
    fn pages(&self) -> Result<(u64, Option<u64>)> {
        let pages = self.memory.page_count(&self.store).map_err(error)? as u64;
        let ty = self.memory.ty(&self.store).map_err(error)?;
        let declared = ty != ty.with_page_count_max(None);
        Ok((pages, declared.then(|| ty.page_count_max())))
    }
}

impl runtime::Instance for Instance {
    fn export(&mut self, name: &str) -> Result<runtime::Export> {
        let (instance, store) = (&self.instance, &self.store);
        runtime::resolve_export(&mut self.funcs, name, || {
            instance
                .func::<(i32, i32, i32), i64>(store, name)
                .map(|typed| typed.func)
                .map_err(error)
        })
    }

    fn call_export(&mut self, export: runtime::Export, args: [u32; 3]) -> Result<u64> {
        let (name, func) = &self.funcs[export.index()];
        // On the stack: `call_into` neither collects the arguments nor returns a `Vec`.
        let params = args.map(|v| WasmValue::I32(v as i32));
        let mut result = [WasmValue::I64(0)];
        func.call_into(&mut self.store, &params, &mut result)
            .map_err(error)
            .with_context(|| format!("calling `{name}`"))?;
        match result[0] {
            WasmValue::I64(v) => Ok(v as u64),
            other => anyhow::bail!("`{name}` returned {other:?}"),
        }
    }

    fn memory(&mut self) -> Result<MemoryInfo> {
        let (_, maximum_pages) = self.pages()?;
        Ok(MemoryInfo {
            size_bytes: self.memory.len(&self.store).map_err(error)? as u64,
            maximum_pages,
            base: None,
            // Every backend is heap memory (a `Vec`, or chunks of it): no mapping of its own.
            heap_backed: true,
            process: None,
        })
    }

    fn grow(&mut self, delta_pages: u64) -> Result<u64> {
        let delta = i64::try_from(delta_pages).context("a grow of more than i64::MAX pages")?;
        match self.memory.grow(&mut self.store, delta).map_err(error)? {
            Some(old) => Ok(old as u64),
            None => {
                let (current, maximum) = self.pages()?;
                Err(anyhow::anyhow!("tinywasm's Memory::grow returned None")
                    .context(runtime::grow_error(current, delta_pages, maximum)))
            }
        }
    }

    fn grow_repeat_timed(&mut self, delta_pages: u64, count: u64) -> (Result<u64>, Duration) {
        // `Memory::grow` alone inside the clock; the error's context (type, size) after it.
        let Ok(delta) = i64::try_from(delta_pages) else {
            let e = anyhow::anyhow!("a grow of {delta_pages} pages: more than i64::MAX");
            return (Err(e), Duration::ZERO);
        };
        let count = count.max(1);
        let (memory, store) = (self.memory, &mut self.store);
        let timed = runtime::time_grows(count, || match memory.grow(store, delta) {
            Ok(Some(old)) => Ok(old as u64),
            Ok(None) => Err(None),
            Err(e) => Err(Some(e)),
        });
        runtime::grows_timed(timed, |done, e| {
            let e = e.map_or_else(
                || anyhow::anyhow!("tinywasm's Memory::grow returned None"),
                error,
            );
            match self.pages() {
                Ok((current, maximum)) => {
                    runtime::grow_loop_failed(e, done, count, delta_pages, current, maximum)
                }
                Err(size) => runtime::grow_loop_error(
                    e.context(format!("{size:#}")),
                    done,
                    count,
                    delta_pages,
                ),
            }
        })
    }

    fn grows_refused_timed(&mut self, delta_pages: u64, count: u64) -> (Result<()>, Duration) {
        let Ok(delta) = i64::try_from(delta_pages) else {
            let e = anyhow::anyhow!("a grow of {delta_pages} pages: more than i64::MAX");
            return (Err(e), Duration::ZERO);
        };
        let (memory, store) = (self.memory, &mut self.store);
        let timed = runtime::time_refused_grows(count, || match memory.grow(store, delta) {
            Ok(Some(old)) => Ok(old as u64),
            Ok(None) => Err(None),
            Err(e) => Err(Some(e)),
        });
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
    memory: Memory,
}

impl runtime::KeptMemory for Kept {
    fn read(&mut self, offset: usize, len: usize) -> Result<Vec<u8>> {
        self.memory
            .read_vec(&self.store, offset, len)
            .map_err(error)
    }
}

/// The spec tests' store: one `Store`, the `spectest` imports, and every registered instance.
struct SpecStoreImpl {
    store: Store,
    imports: Imports,
    instances: Vec<ModuleInstance>,
}

impl SpecStoreImpl {
    fn new(engine: Engine) -> Result<Self> {
        use tinywasm::types::{GlobalType, TableType, WasmType};
        use tinywasm::{Global, HostFunction, Table};
        let mut store = Store::new(engine);
        let mut imports = Imports::new();
        let s = "spectest";
        imports.define(s, "print", HostFunction::from(&mut store, |_, ()| Ok(())));
        imports.define(
            s,
            "print_i32",
            HostFunction::from(&mut store, |_, _: i32| Ok(())),
        );
        imports.define(
            s,
            "print_i64",
            HostFunction::from(&mut store, |_, _: i64| Ok(())),
        );
        imports.define(
            s,
            "print_f32",
            HostFunction::from(&mut store, |_, _: f32| Ok(())),
        );
        imports.define(
            s,
            "print_f64",
            HostFunction::from(&mut store, |_, _: f64| Ok(())),
        );
        imports.define(
            s,
            "print_i32_f32",
            HostFunction::from(&mut store, |_, _: (i32, f32)| Ok(())),
        );
        imports.define(
            s,
            "print_f64_f64",
            HostFunction::from(&mut store, |_, _: (f64, f64)| Ok(())),
        );
        for (name, val) in [
            ("global_i32", WasmValue::I32(666)),
            ("global_i64", WasmValue::I64(666)),
            ("global_f32", WasmValue::F32(666.6)),
            ("global_f64", WasmValue::F64(666.6)),
        ] {
            let ty = GlobalType {
                mutable: false,
                ty: WasmType::from(val),
            };
            let global = Global::new(&mut store, ty, val).map_err(error)?;
            imports.define(s, name, global);
        }
        let table = Table::new(
            &mut store,
            TableType::new(WasmType::RefFunc, 10, Some(20)),
            WasmValue::RefFunc(tinywasm::types::FuncRef::null()),
        )
        .map_err(error)?;
        imports.define(s, "table", table);
        let memory = Memory::new(
            &mut store,
            MemoryType::new(MemoryArch::I32, 1, Some(2), None),
        )
        .map_err(error)?;
        imports.define(s, "memory", Extern::Memory(memory));
        Ok(Self {
            store,
            imports,
            instances: Vec::new(),
        })
    }

    fn instance(&self, id: usize) -> Result<&ModuleInstance> {
        self.instances.get(id).context("no such instance")
    }
}

impl SpecStore for SpecStoreImpl {
    fn compile(&mut self, wasm: &[u8]) -> Result<()> {
        parse(wasm)?;
        Ok(())
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<usize> {
        let module = parse(wasm)?;
        let instance =
            ModuleInstance::instantiate(&mut self.store, &module, Some(self.imports.clone()))
                .map_err(error)?;
        self.instances.push(instance);
        Ok(self.instances.len() - 1)
    }

    fn register(&mut self, id: usize, name: &str) -> Result<()> {
        let instance = self.instance(id)?.clone();
        self.imports.link_module(name, instance).map_err(error)?;
        Ok(())
    }

    fn invoke(&mut self, id: usize, name: &str, args: &[Val]) -> Result<Vec<Val>> {
        let func = self
            .instance(id)?
            .func_untyped(&self.store, name)
            .map_err(error)
            .with_context(|| format!("no function export `{name}`"))?;
        let args: Vec<WasmValue> = args
            .iter()
            .map(|a| match *a {
                Val::I32(v) => WasmValue::I32(v),
                Val::I64(v) => WasmValue::I64(v),
                Val::F32(v) => WasmValue::F32(f32::from_bits(v)),
                Val::F64(v) => WasmValue::F64(f64::from_bits(v)),
                Val::V128(v) => WasmValue::V128(v.to_le_bytes()),
            })
            .collect();
        let results = func
            .call(&mut self.store, &args)
            .map_err(error)
            .with_context(|| format!("calling `{name}`"))?;
        results.iter().map(from_val).collect()
    }

    fn global(&mut self, id: usize, name: &str) -> Result<Val> {
        let value = self
            .instance(id)?
            .global_get(&self.store, name)
            .map_err(error)
            .with_context(|| format!("no global export `{name}`"))?;
        from_val(&value)
    }
}

fn from_val(v: &WasmValue) -> Result<Val> {
    Ok(match *v {
        WasmValue::I32(v) => Val::I32(v),
        WasmValue::I64(v) => Val::I64(v),
        WasmValue::F32(v) => Val::F32(v.to_bits()),
        WasmValue::F64(v) => Val::F64(v.to_bits()),
        WasmValue::V128(v) => Val::V128(u128::from_le_bytes(v)),
        ref other => {
            anyhow::bail!("a reference result ({other:?}) is not supported by the runner")
        }
    })
}
