//! wasmi, the register-machine interpreter: the runtime to measure when a JIT is not an option.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use wasmi::{
    Engine, Linker, Memory, MemoryType, Module, Store, StoreLimits, StoreLimitsBuilder, TypedFunc,
};

use crate::module::MemoryDecl;
use crate::runtime::{self, GuestModule, MemoryInfo, RuntimeSpec, Trap};
use crate::runtime::{SpecStore, Val};

/// The memory size the limits-configured store allows, in bytes.
pub const LIMIT_BYTES: usize = 1 << 30;

/// The matrix entries of wasmi: its default store, and a store with `StoreLimits` capping memory.
///
/// wasmi's other memory knob, `Memory::new_static` over a caller-owned `&'static mut [u8]`, is left
/// out: it needs a buffer leaked per instance, which a benchmark instantiating thousands of times
/// cannot afford.
pub fn specs() -> Vec<RuntimeSpec> {
    [None, Some(LIMIT_BYTES)]
        .into_iter()
        .map(|limit| {
            let wasmi = move || Wasmi::new(limit);
            RuntimeSpec {
                id: "wasmi-interpreter",
                strategy: wasmi().strategy,
                slug: if limit.is_some() {
                    "store-limits"
                } else {
                    "default"
                },
                default: limit.is_none(),
                native: false,
                interpreter: true,
                grow_bound_pages: None,
                memory_limit_pages: limit.map(|bytes| bytes as u64 / 65536),
                out_of_process: false,
                build: Box::new(move || Ok(Box::new(wasmi()))),
            }
        })
        .collect()
}

/// wasmi under one configuration.
pub struct Wasmi {
    strategy: String,
    engine: Engine,
    memory_limit: Option<usize>,
    /// With `consume_fuel(true)`: the fuel each call gets.
    fuel: Option<u64>,
}

impl Wasmi {
    /// wasmi's default engine; with `memory_limit`, every store gets
    /// `StoreLimitsBuilder::memory_size(memory_limit)` as its limiter.
    pub fn new(memory_limit: Option<usize>) -> Self {
        Self {
            strategy: match memory_limit {
                None => "default".to_string(),
                Some(bytes) => format!("StoreLimits(memory_size={bytes})"),
            },
            engine: Engine::new(&config()),
            memory_limit,
            fuel: None,
        }
    }

    /// An engine with `consume_fuel(true)` whose every call gets `fuel`, so a call that runs away
    /// (an infinite loop) traps when the fuel is spent. Not part of the benchmark matrix: fuel
    /// accounting slows every instruction.
    pub fn with_fuel(fuel: u64) -> Self {
        let mut config = config();
        config.consume_fuel(true);
        Self {
            strategy: format!("consume_fuel=true,fuel={fuel}"),
            engine: Engine::new(&config),
            memory_limit: None,
            fuel: Some(fuel),
        }
    }
}

/// wasmi's default configuration with the custom-page-sizes proposal on (off by default): the
/// proposal only lets a module declare 1-byte pages, and a 64 KiB-page memory is the same as
/// without it, so it is part of every strategy rather than a strategy of its own.
fn config() -> wasmi::Config {
    let mut config = wasmi::Config::default();
    config.wasm_custom_page_sizes(true);
    config
}

impl runtime::Runtime for Wasmi {
    fn id(&self) -> &str {
        "wasmi-interpreter"
    }
    fn strategy(&self) -> &str {
        &self.strategy
    }
    fn version(&self) -> &'static str {
        crate::versions::WASMI
    }
    fn compile(&self, guest: &GuestModule) -> Result<Box<dyn runtime::Compiled>> {
        let module = Module::new(&self.engine, &guest.wasm)
            .with_context(|| format!("wasmi compiling {}", guest.name))?;
        Ok(Box::new(Compiled {
            engine: self.engine.clone(),
            module,
            guest: guest.clone(),
            memory_limit: self.memory_limit,
            fuel: self.fuel,
        }))
    }
    fn spec_store(&self) -> Result<Box<dyn SpecStore>> {
        Ok(Box::new(SpecStoreImpl::new(
            &self.engine,
            new_store(&self.engine, self.memory_limit),
        )?))
    }
}

/// A store under this configuration's limits: `StoreLimits` as the limiter when a limit is set.
fn new_store(engine: &Engine, memory_limit: Option<usize>) -> Store<StoreLimits> {
    let limits = match memory_limit {
        Some(bytes) => StoreLimitsBuilder::new().memory_size(bytes).build(),
        None => StoreLimits::default(),
    };
    let mut store = Store::new(engine, limits);
    if memory_limit.is_some() {
        store.limiter(|limits| limits);
    }
    store
}

/// The spec tests' store: one `Store`, a `Linker` holding `spectest` and every registered instance.
struct SpecStoreImpl {
    store: Store<StoreLimits>,
    linker: Linker<StoreLimits>,
    instances: Vec<wasmi::Instance>,
}

impl SpecStoreImpl {
    fn new(engine: &Engine, mut store: Store<StoreLimits>) -> Result<Self> {
        use wasmi::{Global, Mutability, Ref, RefType, Table, TableType, Val as W, F32, F64};
        let mut linker = Linker::new(engine);
        linker.allow_shadowing(true);
        let s = "spectest";
        linker.func_wrap(s, "print", || {})?;
        linker.func_wrap(s, "print_i32", |_: i32| {})?;
        linker.func_wrap(s, "print_i64", |_: i64| {})?;
        linker.func_wrap(s, "print_f32", |_: f32| {})?;
        linker.func_wrap(s, "print_f64", |_: f64| {})?;
        linker.func_wrap(s, "print_i32_f32", |_: i32, _: f32| {})?;
        linker.func_wrap(s, "print_f64_f64", |_: f64, _: f64| {})?;
        for (name, val) in [
            ("global_i32", W::I32(666)),
            ("global_i64", W::I64(666)),
            ("global_f32", W::F32(F32::from_bits(666.6f32.to_bits()))),
            ("global_f64", W::F64(F64::from_bits(666.6f64.to_bits()))),
        ] {
            let global = Global::new(&mut store, val, Mutability::Const);
            linker.define(s, name, global)?;
        }
        let table = Table::new(
            &mut store,
            TableType::new(RefType::Func, 10, Some(20)),
            Ref::Func(wasmi::Nullable::Null),
        )?;
        linker.define(s, "table", table)?;
        let memory = Memory::new(&mut store, MemoryType::new(1, Some(2)))?;
        linker.define(s, "memory", memory)?;
        Ok(Self {
            store,
            linker,
            instances: Vec::new(),
        })
    }

    fn instance(&self, id: usize) -> Result<wasmi::Instance> {
        self.instances.get(id).copied().context("no such instance")
    }
}

impl SpecStore for SpecStoreImpl {
    fn compile(&mut self, wasm: &[u8]) -> Result<()> {
        Module::new(self.store.engine(), wasm)?;
        Ok(())
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<usize> {
        let module = Module::new(self.store.engine(), wasm)?;
        let instance = self
            .linker
            .instantiate_and_start(&mut self.store, &module)
            .map_err(trap)?;
        self.instances.push(instance);
        Ok(self.instances.len() - 1)
    }

    fn register(&mut self, id: usize, name: &str) -> Result<()> {
        let instance = self.instance(id)?;
        self.linker.instance(&mut self.store, name, instance)?;
        Ok(())
    }

    fn invoke(&mut self, id: usize, name: &str, args: &[Val]) -> Result<Vec<Val>> {
        use wasmi::{Val as W, F32, F64};
        let func = self
            .instance(id)?
            .get_func(&self.store, name)
            .with_context(|| format!("no function export `{name}`"))?;
        let args: Vec<W> = args
            .iter()
            .map(|a| match *a {
                Val::I32(v) => W::I32(v),
                Val::I64(v) => W::I64(v),
                Val::F32(v) => W::F32(F32::from_bits(v)),
                Val::F64(v) => W::F64(F64::from_bits(v)),
                Val::V128(v) => W::V128(v.into()),
            })
            .collect();
        let mut results = vec![W::I32(0); func.ty(&self.store).results().len()];
        func.call(&mut self.store, &args, &mut results)
            .map_err(trap)
            .with_context(|| format!("calling `{name}`"))?;
        results.iter().map(from_val).collect()
    }

    fn global(&mut self, id: usize, name: &str) -> Result<Val> {
        let global = self
            .instance(id)?
            .get_global(&self.store, name)
            .with_context(|| format!("no global export `{name}`"))?;
        from_val(&global.get(&self.store))
    }
}

fn from_val(v: &wasmi::Val) -> Result<Val> {
    use wasmi::Val as W;
    Ok(match v {
        W::I32(v) => Val::I32(*v),
        W::I64(v) => Val::I64(*v),
        W::F32(v) => Val::F32(v.to_bits()),
        W::F64(v) => Val::F64(v.to_bits()),
        W::V128(v) => Val::V128(v.as_u128()),
        other => anyhow::bail!("a reference result ({other:?}) is not supported by the runner"),
    })
}

struct Compiled {
    engine: Engine,
    module: Module,
    guest: GuestModule,
    memory_limit: Option<usize>,
    fuel: Option<u64>,
}

impl runtime::Compiled for Compiled {
    fn instantiate_timed(&self) -> Result<(Box<dyn runtime::Instance>, Duration)> {
        let imported = match self.guest.memory.decl {
            MemoryDecl::Imported => Some(crate::module::limits32(&self.guest.memory)?),
            MemoryDecl::Defined => None,
        };
        let start = Instant::now();
        let mut store = new_store(&self.engine, self.memory_limit);
        // `Instance::new` with the import list: the module's imports are known, so no `Linker`
        // resolves them by name.
        let instance = match imported {
            Some((initial, maximum)) => Memory::new(&mut store, MemoryType::new(initial, maximum))
                .and_then(|memory| {
                    wasmi::Instance::new(&mut store, &self.module, &[memory.into()])
                }),
            None => wasmi::Instance::new(&mut store, &self.module, &[]),
        };
        let elapsed = start.elapsed();
        let instance = instance
            .map_err(trap)
            .with_context(|| format!("instantiating {}", self.guest.name))?;
        if let Some(fuel) = self.fuel {
            store.set_fuel(fuel)?;
        }
        let memory = instance
            .get_memory(&store, runtime::MEMORY_EXPORT)
            .with_context(|| format!("{} exports no memory named `memory`", self.guest.name))?;
        let instance = Instance {
            store,
            instance,
            memory,
            funcs: Vec::new(),
            fuel: self.fuel,
        };
        Ok((Box::new(instance), elapsed))
    }

    fn timed_instantiation(&self) -> &'static str {
        match self.guest.memory.decl {
            MemoryDecl::Defined => "Store::new + Instance::new(&[])",
            MemoryDecl::Imported => "Store::new + Memory::new + Instance::new(&[memory])",
        }
    }
}

/// A guest export with the guest ABI's signature, resolved once.
type GuestFunc = TypedFunc<(i32, i32, i32), i64>;

struct Instance {
    store: Store<StoreLimits>,
    instance: wasmi::Instance,
    memory: Memory,
    funcs: Vec<(String, GuestFunc)>,
    fuel: Option<u64>,
}

impl runtime::Instance for Instance {
    fn export(&mut self, name: &str) -> Result<runtime::Export> {
        let (instance, store) = (self.instance, &self.store);
        runtime::resolve_export(&mut self.funcs, name, || {
            Ok(instance.get_typed_func::<(i32, i32, i32), i64>(store, name)?)
        })
    }

    fn call_export(&mut self, export: runtime::Export, args: [u32; 3]) -> Result<u64> {
        let (name, func) = &self.funcs[export.index()];
        let [a, b, c] = args.map(|v| v as i32);
        if let Some(fuel) = self.fuel {
            self.store.set_fuel(fuel)?;
        }
        func.call(&mut self.store, (a, b, c))
            .map(|v| v as u64)
            .map_err(|e| match (self.fuel, e.as_trap_code()) {
                (Some(fuel), Some(wasmi::TrapCode::OutOfFuel)) => anyhow::Error::new(Trap {
                    message: format!("stopped by fuel: ran out of its {fuel} units (--fuel)"),
                }),
                _ => trap(e),
            })
            .with_context(|| format!("calling `{name}`"))
    }

    fn memory(&mut self) -> Result<MemoryInfo> {
        Ok(MemoryInfo {
            size_bytes: self.memory.data_size(&self.store) as u64,
            maximum_pages: self.memory.ty(&self.store).maximum(),
            base: Some(self.memory.data_ptr(&self.store) as usize),
            // wasmi keeps linear memory in a `Vec<u8>` on the heap (no mapping of its own).
            heap_backed: true,
            process: None,
        })
    }

    fn grow(&mut self, delta_pages: u64) -> Result<u64> {
        let current = self.memory.size(&self.store);
        let maximum = self.memory.ty(&self.store).maximum();
        self.memory
            .grow(&mut self.store, delta_pages)
            .map_err(anyhow::Error::new)
            .with_context(|| runtime::grow_error(current, delta_pages, maximum))
    }

    fn grow_repeat_timed(&mut self, delta_pages: u64, count: u64) -> (Result<u64>, Duration) {
        // `Memory::grow` alone inside the clock; the error's context (type, size) after it.
        let count = count.max(1);
        let timed = runtime::time_grows(count, || self.memory.grow(&mut self.store, delta_pages));
        runtime::grow_loop_timed(timed, count, delta_pages, |e| {
            let maximum = self.memory.ty(&self.store).maximum();
            (
                anyhow::Error::new(e),
                self.memory.size(&self.store),
                maximum,
            )
        })
    }

    fn grows_refused_timed(&mut self, delta_pages: u64, count: u64) -> (Result<()>, Duration) {
        let timed =
            runtime::time_refused_grows(count, || self.memory.grow(&mut self.store, delta_pages));
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
    store: Store<StoreLimits>,
    memory: Memory,
}

impl runtime::KeptMemory for Kept {
    fn read(&mut self, offset: usize, len: usize) -> Result<Vec<u8>> {
        let mut buf = vec![0; len];
        self.memory
            .read(&self.store, offset, &mut buf)
            .map_err(anyhow::Error::new)?;
        Ok(buf)
    }
}

/// Turns a wasmi trap into our [`Trap`], other errors into `anyhow` errors.
fn trap(err: wasmi::Error) -> anyhow::Error {
    match err.as_trap_code() {
        Some(code) => anyhow::Error::new(Trap {
            message: code.to_string(),
        }),
        None => err.into(),
    }
}
