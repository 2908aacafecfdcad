//! wasmtime, with its three execution engines: Cranelift (optimising JIT), Winch (baseline JIT) and
//! Pulley (wasmtime's portable interpreter, selected as the `pulley64` compilation target).

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, InstancePre, Linker, Memory, MemoryType, Module,
    PoolingAllocationConfig, SharedMemory, Store, Strategy, TypedFunc,
};

use crate::module::MemoryDecl;
use crate::runtime::{self, GuestModule, MemoryInfo, RuntimeSpec, Trap};
use crate::runtime::{SpecStore, Val};

/// A host memory strategy: its name (the knobs, spelled as `wasmtime::Config` spells them), how to
/// apply it, and the cap on grow cases where grows move the memory.
struct Knobs {
    name: &'static str,
    /// The short name in bench ids.
    slug: &'static str,
    apply: fn(&mut Config),
    grow_bound_pages: Option<u64>,
    memory_limit_pages: Option<u64>,
}

/// Cranelift runs every strategy; Winch and Pulley the default (Winch requires signals-based traps,
/// and Pulley forces them off and guard pages to zero, so most knobs do not apply to them).
const CRANELIFT_KNOBS: &[Knobs] = &[
    Knobs {
        name: "default",
        slug: "default",
        apply: |_| {},
        grow_bound_pages: None,
        memory_limit_pages: None,
    },
    Knobs {
        name: "memory_reservation=0,memory_guard_size=0",
        slug: "bounds-checked",
        apply: |c| {
            c.memory_reservation(0).memory_guard_size(0);
        },
        grow_bound_pages: None,
        memory_limit_pages: None,
    },
    Knobs {
        name: "memory_reservation=0,memory_guard_size=0,memory_reservation_for_growth=64MiB",
        slug: "growth-64MiB",
        apply: |c| {
            c.memory_reservation(0)
                .memory_guard_size(0)
                .memory_reservation_for_growth(64 << 20);
        },
        grow_bound_pages: Some(4096),
        memory_limit_pages: None,
    },
    Knobs {
        name: "memory_reservation=0,memory_guard_size=0,memory_reservation_for_growth=0",
        slug: "growth-0",
        apply: |c| {
            c.memory_reservation(0)
                .memory_guard_size(0)
                .memory_reservation_for_growth(0);
        },
        grow_bound_pages: Some(64),
        memory_limit_pages: None,
    },
    Knobs {
        name: "memory_may_move=false",
        slug: "no-move",
        apply: |c| {
            c.memory_may_move(false);
        },
        grow_bound_pages: None,
        memory_limit_pages: None,
    },
    Knobs {
        name: "allocation_strategy=Pooling,max_memory_size=2GiB",
        slug: "pooling",
        apply: |c| {
            let mut pool = PoolingAllocationConfig::new();
            pool.total_memories(16)
                .total_core_instances(16)
                .total_tables(16)
                .max_memory_size(2 << 30);
            c.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        },
        grow_bound_pages: None,
        memory_limit_pages: Some((2 << 30) / 65536),
    },
    Knobs {
        name: "signals_based_traps=false",
        slug: "no-signals",
        apply: |c| {
            c.signals_based_traps(false);
        },
        grow_bound_pages: None,
        memory_limit_pages: None,
    },
    Knobs {
        name: "memory_init_cow=false",
        slug: "no-cow",
        apply: |c| {
            c.memory_init_cow(false);
        },
        grow_bound_pages: None,
        memory_limit_pages: None,
    },
];

/// The matrix entries of wasmtime: every engine × the strategies it runs.
pub fn specs() -> Vec<RuntimeSpec> {
    let engines = [
        (
            WasmtimeEngine::Cranelift,
            "wasmtime-cranelift",
            CRANELIFT_KNOBS,
        ),
        (
            WasmtimeEngine::Winch,
            "wasmtime-winch",
            &CRANELIFT_KNOBS[..1],
        ),
        (
            WasmtimeEngine::Pulley,
            "wasmtime-pulley",
            &CRANELIFT_KNOBS[..1],
        ),
    ];
    let mut specs = Vec::new();
    for (engine, id, knobs) in engines {
        for knobs in knobs {
            let (name, apply) = (knobs.name, knobs.apply);
            specs.push(RuntimeSpec {
                id,
                strategy: name.to_string(),
                slug: knobs.slug,
                default: name == "default",
                native: false,
                interpreter: engine == WasmtimeEngine::Pulley,
                grow_bound_pages: knobs.grow_bound_pages,
                memory_limit_pages: knobs.memory_limit_pages,
                out_of_process: false,
                build: Box::new(move || Ok(Box::new(Wasmtime::new(engine, name, apply)?))),
            });
        }
    }
    specs
}

/// Which wasmtime engine compiles the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WasmtimeEngine {
    /// `Strategy::Cranelift`.
    Cranelift,
    /// `Strategy::Winch`.
    Winch,
    /// `Config::target("pulley64")`.
    Pulley,
}

/// wasmtime under one engine and one memory configuration.
pub struct Wasmtime {
    id: String,
    strategy: String,
    engine: Engine,
    /// With epoch interruption: every call may run for at most about this long.
    deadline: Option<std::time::Duration>,
}

impl Wasmtime {
    /// Builds the engine; `configure` applies the host memory strategy (named `strategy`) on top of
    /// the engine selection.
    pub fn new(
        engine: WasmtimeEngine,
        strategy: &str,
        configure: impl FnOnce(&mut Config),
    ) -> Result<Self> {
        let mut config = Config::new();
        let name = match engine {
            WasmtimeEngine::Cranelift => {
                config.strategy(Strategy::Cranelift);
                "cranelift"
            }
            WasmtimeEngine::Winch => {
                config.strategy(Strategy::Winch);
                "winch"
            }
            WasmtimeEngine::Pulley => {
                config
                    .target("pulley64")
                    .map_err(trap)
                    .context("selecting the pulley64 target")?;
                "pulley"
            }
        };
        // Lets the host create a `SharedMemory` (the threads proposal's validation is on by
        // default; creating one is not). It gates `SharedMemory::new` alone and changes nothing
        // an unshared memory compiles to, so it is on under every strategy rather than being a
        // strategy of its own; a strategy that cannot hold a shared memory (the pooling
        // allocator) refuses it with wasmtime's own error, recorded as *unsupported*.
        config.shared_memory(true);
        // The custom-page-sizes proposal (off by default) only lets a module declare 1-byte
        // pages; a 64 KiB-page memory compiles as without it. On under every strategy likewise.
        config.wasm_custom_page_sizes(true);
        configure(&mut config);
        let engine = Engine::new(&config)
            .map_err(trap)
            .with_context(|| format!("configuring wasmtime-{name} with {strategy}"))?;
        Ok(Self {
            id: format!("wasmtime-{name}"),
            strategy: strategy.to_string(),
            engine,
            deadline: None,
        })
    }

    /// An engine with `epoch_interruption(true)` and a ticker thread advancing the epoch every
    /// `deadline`, so a call that runs away (an infinite loop) traps after one to two periods. Not
    /// part of the benchmark matrix: epoch checks change the generated code.
    pub fn with_deadline(engine: WasmtimeEngine, deadline: std::time::Duration) -> Result<Self> {
        let mut runtime = Self::new(engine, "epoch_interruption=true", |c| {
            c.epoch_interruption(true);
        })?;
        let weak = runtime.engine.weak();
        std::thread::Builder::new()
            .name("membench-epoch".into())
            .spawn(move || {
                // Ends when the engine is gone.
                while let Some(engine) = weak.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(deadline);
                }
            })
            .context("starting the epoch ticker")?;
        runtime.deadline = Some(deadline);
        Ok(runtime)
    }
}

impl runtime::Runtime for Wasmtime {
    fn id(&self) -> &str {
        &self.id
    }
    fn strategy(&self) -> &str {
        &self.strategy
    }
    fn version(&self) -> &'static str {
        crate::versions::WASMTIME
    }
    fn compile(&self, guest: &GuestModule) -> Result<Box<dyn runtime::Compiled>> {
        let module = Module::new(&self.engine, &guest.wasm)
            .map_err(trap)
            .with_context(|| format!("{} compiling {}", self.id, guest.name))?;
        // A defined memory needs no imports: link once here, so instantiation is timed alone. An
        // imported memory belongs to one store, so each instance links its own (`Instance::new`
        // with the import list, no `Linker`).
        let pre = match guest.memory.decl {
            MemoryDecl::Defined => Some(
                Linker::new(&self.engine)
                    .instantiate_pre(&module)
                    .map_err(trap)
                    .with_context(|| format!("{} linking {}", self.id, guest.name))?,
            ),
            MemoryDecl::Imported => None,
        };
        Ok(Box::new(Compiled {
            engine: self.engine.clone(),
            module,
            pre,
            guest: guest.clone(),
            deadline: self.deadline,
        }))
    }
    fn spec_store(&self) -> Result<Box<dyn SpecStore>> {
        SpecStoreImpl::new(&self.engine).map(|s| Box::new(s) as Box<dyn SpecStore>)
    }
}

/// The spec tests' store: one `Store`, a `Linker` holding `spectest` and every registered instance.
struct SpecStoreImpl {
    store: Store<()>,
    linker: Linker<()>,
    instances: Vec<wasmtime::Instance>,
}

impl SpecStoreImpl {
    fn new(engine: &Engine) -> Result<Self> {
        use wasmtime::{Global, GlobalType, Mutability, Ref, Table, TableType, Val, ValType};
        let mut store = Store::new(engine, ());
        let mut linker = Linker::new(engine);
        linker.allow_shadowing(true);
        let s = "spectest";
        linker.func_wrap(s, "print", || {}).map_err(trap)?;
        linker
            .func_wrap(s, "print_i32", |_: i32| {})
            .map_err(trap)?;
        linker
            .func_wrap(s, "print_i64", |_: i64| {})
            .map_err(trap)?;
        linker
            .func_wrap(s, "print_f32", |_: f32| {})
            .map_err(trap)?;
        linker
            .func_wrap(s, "print_f64", |_: f64| {})
            .map_err(trap)?;
        linker
            .func_wrap(s, "print_i32_f32", |_: i32, _: f32| {})
            .map_err(trap)?;
        linker
            .func_wrap(s, "print_f64_f64", |_: f64, _: f64| {})
            .map_err(trap)?;
        for (name, ty, val) in [
            ("global_i32", ValType::I32, Val::I32(666)),
            ("global_i64", ValType::I64, Val::I64(666)),
            ("global_f32", ValType::F32, Val::F32(666.6f32.to_bits())),
            ("global_f64", ValType::F64, Val::F64(666.6f64.to_bits())),
        ] {
            let global = Global::new(&mut store, GlobalType::new(ty, Mutability::Const), val)
                .map_err(trap)?;
            linker.define(&store, s, name, global).map_err(trap)?;
        }
        let table = Table::new(
            &mut store,
            TableType::new(wasmtime::RefType::FUNCREF, 10, Some(20)),
            Ref::Func(None),
        )
        .map_err(trap)?;
        linker.define(&store, s, "table", table).map_err(trap)?;
        let memory = Memory::new(&mut store, MemoryType::new(1, Some(2))).map_err(trap)?;
        linker.define(&store, s, "memory", memory).map_err(trap)?;
        Ok(Self {
            store,
            linker,
            instances: Vec::new(),
        })
    }

    fn instance(&self, id: usize) -> Result<wasmtime::Instance> {
        self.instances.get(id).copied().context("no such instance")
    }
}

impl SpecStore for SpecStoreImpl {
    fn compile(&mut self, wasm: &[u8]) -> Result<()> {
        Module::new(self.store.engine(), wasm).map_err(trap)?;
        Ok(())
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<usize> {
        let module = Module::new(self.store.engine(), wasm).map_err(trap)?;
        let instance = self
            .linker
            .instantiate(&mut self.store, &module)
            .map_err(trap)?;
        self.instances.push(instance);
        Ok(self.instances.len() - 1)
    }

    fn register(&mut self, id: usize, name: &str) -> Result<()> {
        let instance = self.instance(id)?;
        self.linker
            .instance(&mut self.store, name, instance)
            .map_err(trap)?;
        Ok(())
    }

    fn invoke(&mut self, id: usize, name: &str, args: &[Val]) -> Result<Vec<Val>> {
        use wasmtime::Val as W;
        let func = self
            .instance(id)?
            .get_func(&mut self.store, name)
            .with_context(|| format!("no function export `{name}`"))?;
        let args: Vec<W> = args
            .iter()
            .map(|a| match *a {
                Val::I32(v) => W::I32(v),
                Val::I64(v) => W::I64(v),
                Val::F32(v) => W::F32(v),
                Val::F64(v) => W::F64(v),
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
            .get_global(&mut self.store, name)
            .with_context(|| format!("no global export `{name}`"))?;
        from_val(&global.get(&mut self.store))
    }
}

fn from_val(v: &wasmtime::Val) -> Result<Val> {
    use wasmtime::Val as W;
    Ok(match v {
        W::I32(v) => Val::I32(*v),
        W::I64(v) => Val::I64(*v),
        W::F32(v) => Val::F32(*v),
        W::F64(v) => Val::F64(*v),
        W::V128(v) => Val::V128(v.as_u128()),
        other => anyhow::bail!("a reference result ({other:?}) is not supported by the runner"),
    })
}

struct Compiled {
    engine: Engine,
    module: Module,
    /// The module linked once (defined memories); `None` for an imported memory.
    pre: Option<InstancePre<()>>,
    guest: GuestModule,
    deadline: Option<Duration>,
}

impl runtime::Compiled for Compiled {
    fn instantiate_timed(&self) -> Result<(Box<dyn runtime::Instance>, Duration)> {
        let imported = match self.pre {
            Some(_) => None,
            None => Some(crate::module::limits32(&self.guest.memory)?),
        };
        let start = Instant::now();
        let mut store = Store::new(&self.engine, ());
        let instance = match (&self.pre, imported) {
            (Some(pre), _) => pre.instantiate(&mut store),
            // A shared memory is a `SharedMemory`: it belongs to the engine, not to the store.
            (None, Some((initial, Some(maximum)))) if self.guest.memory.shared => {
                SharedMemory::new(&self.engine, MemoryType::shared(initial, maximum)).and_then(
                    |memory| wasmtime::Instance::new(&mut store, &self.module, &[memory.into()]),
                )
            }
            (None, Some((initial, maximum))) => {
                Memory::new(&mut store, MemoryType::new(initial, maximum)).and_then(|memory| {
                    wasmtime::Instance::new(&mut store, &self.module, &[memory.into()])
                })
            }
            (None, None) => unreachable!("an imported memory has limits"),
        };
        let elapsed = start.elapsed();
        let instance = instance
            .map_err(trap)
            .with_context(|| format!("instantiating {}", self.guest.name))?;
        if self.deadline.is_some() {
            store.epoch_deadline_trap();
            store.set_epoch_deadline(1);
        }
        let memory = if self.guest.memory.shared {
            instance
                .get_shared_memory(&mut store, runtime::MEMORY_EXPORT)
                .map(GuestMemory::Shared)
        } else {
            instance
                .get_memory(&mut store, runtime::MEMORY_EXPORT)
                .map(GuestMemory::Unshared)
        }
        .with_context(|| format!("{} exports no memory named `memory`", self.guest.name))?;
        let instance = Instance {
            store,
            instance,
            memory,
            funcs: Vec::new(),
            deadline: self.deadline,
        };
        Ok((Box::new(instance), elapsed))
    }

    fn timed_instantiation(&self) -> &'static str {
        match self.pre {
            Some(_) => "Store::new + InstancePre::instantiate",
            None => "Store::new + Memory::new + Instance::new (imported memory: no InstancePre)",
        }
    }
}

/// A guest export with the guest ABI's signature, resolved once.
type GuestFunc = TypedFunc<(i32, i32, i32), i64>;

/// The guest's memory: wasmtime gives a shared memory a type of its own, owned by the engine.
#[derive(Clone)]
enum GuestMemory {
    Unshared(Memory),
    Shared(SharedMemory),
}

impl GuestMemory {
    fn info(&self, store: &Store<()>) -> MemoryInfo {
        let (size_bytes, maximum_pages, base) = match self {
            GuestMemory::Unshared(m) => (
                m.data_size(store),
                m.ty(store).maximum(),
                m.data_ptr(store) as usize,
            ),
            GuestMemory::Shared(m) => (m.data_size(), m.ty().maximum(), m.data().as_ptr() as usize),
        };
        MemoryInfo {
            size_bytes: size_bytes as u64,
            maximum_pages,
            base: Some(base),
            heap_backed: false,
            process: None,
        }
    }

    fn size(&self, store: &Store<()>) -> u64 {
        match self {
            GuestMemory::Unshared(m) => m.size(store),
            GuestMemory::Shared(m) => m.size(),
        }
    }

    fn maximum(&self, store: &Store<()>) -> Option<u64> {
        match self {
            GuestMemory::Unshared(m) => m.ty(store).maximum(),
            GuestMemory::Shared(m) => m.ty().maximum(),
        }
    }

    fn grow(&self, store: &mut Store<()>, delta_pages: u64) -> wasmtime::Result<u64> {
        match self {
            GuestMemory::Unshared(m) => m.grow(store, delta_pages),
            GuestMemory::Shared(m) => m.grow(delta_pages),
        }
    }

    fn read(&self, store: &Store<()>, offset: usize, len: usize) -> Result<Vec<u8>> {
        match self {
            GuestMemory::Unshared(m) => {
                let mut buf = vec![0; len];
                m.read(store, offset, &mut buf)?;
                Ok(buf)
            }
            GuestMemory::Shared(m) => {
                let cells = offset
                    .checked_add(len)
                    .and_then(|end| m.data().get(offset..end))
                    .with_context(|| {
                        format!("{len} bytes at {offset} are past the memory's end")
                    })?;
                // SAFETY: no wasm runs while the host holds the kept memory, and no other
                // thread was given it: these plain reads race with no write.
                Ok(cells.iter().map(|c| unsafe { *c.get() }).collect())
            }
        }
    }
}

struct Instance {
    store: Store<()>,
    instance: wasmtime::Instance,
    memory: GuestMemory,
    funcs: Vec<(String, GuestFunc)>,
    /// With epoch interruption: the deadline each call gets, for the message when it runs out.
    deadline: Option<Duration>,
}

impl runtime::Instance for Instance {
    fn export(&mut self, name: &str) -> Result<runtime::Export> {
        let (instance, store) = (self.instance, &mut self.store);
        runtime::resolve_export(&mut self.funcs, name, || {
            instance
                .get_typed_func::<(i32, i32, i32), i64>(&mut *store, name)
                .map_err(trap)
        })
    }

    fn call_export(&mut self, export: runtime::Export, args: [u32; 3]) -> Result<u64> {
        let (name, func) = &self.funcs[export.index()];
        let [a, b, c] = args.map(|v| v as i32);
        if self.deadline.is_some() {
            self.store.set_epoch_deadline(1);
        }
        func.call(&mut self.store, (a, b, c))
            .map(|v| v as u64)
            .map_err(|e| match (self.deadline, e.downcast_ref::<wasmtime::Trap>()) {
                (Some(limit), Some(wasmtime::Trap::Interrupt)) => anyhow::Error::new(Trap {
                    message: format!(
                        "stopped by the deadline: ran past {limit:?} (epoch interruption, --deadline)"
                    ),
                }),
                _ => trap(e),
            })
            .with_context(|| format!("calling `{name}`"))
    }

    fn memory(&mut self) -> Result<MemoryInfo> {
        Ok(self.memory.info(&self.store))
    }

    fn grow(&mut self, delta_pages: u64) -> Result<u64> {
        let maximum = self.memory.maximum(&self.store);
        self.memory
            .grow(&mut self.store, delta_pages)
            .map_err(trap)
            .with_context(|| {
                runtime::grow_error(self.memory.size(&self.store), delta_pages, maximum)
            })
    }

    fn grow_repeat_timed(&mut self, delta_pages: u64, count: u64) -> (Result<u64>, Duration) {
        // The runtime's own grow alone inside the clock (one loop per memory type, so no branch
        // is timed); the error's context (type, size) after it.
        let count = count.max(1);
        let timed = match &self.memory {
            GuestMemory::Unshared(m) => {
                runtime::time_grows(count, || m.grow(&mut self.store, delta_pages))
            }
            GuestMemory::Shared(m) => runtime::time_grows(count, || m.grow(delta_pages)),
        };
        runtime::grow_loop_timed(timed, count, delta_pages, |e| {
            let maximum = self.memory.maximum(&self.store);
            (trap(e), self.memory.size(&self.store), maximum)
        })
    }

    fn grows_refused_timed(&mut self, delta_pages: u64, count: u64) -> (Result<()>, Duration) {
        let timed = match &self.memory {
            GuestMemory::Unshared(m) => {
                runtime::time_refused_grows(count, || m.grow(&mut self.store, delta_pages))
            }
            GuestMemory::Shared(m) => runtime::time_refused_grows(count, || m.grow(delta_pages)),
        };
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
    store: Store<()>,
    memory: GuestMemory,
}

impl runtime::KeptMemory for Kept {
    fn read(&mut self, offset: usize, len: usize) -> Result<Vec<u8>> {
        self.memory.read(&self.store, offset, len)
    }
}

/// Turns a wasmtime trap into our [`Trap`], other errors into `anyhow` errors.
fn trap(err: wasmtime::Error) -> anyhow::Error {
    match err.downcast_ref::<wasmtime::Trap>() {
        // wasmtime's own text may already say "wasm trap: "; ours adds it once.
        Some(t) => anyhow::Error::new(Trap {
            message: t.to_string().trim_start_matches("wasm trap: ").to_string(),
        }),
        None => err.into(),
    }
}
