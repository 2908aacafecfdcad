//! wasmtime, with its three execution engines: Cranelift (optimising JIT), Winch (baseline JIT) and
//! Pulley (wasmtime's portable interpreter, selected as the `pulley64` compilation target).

use std::collections::HashMap;

use anyhow::{Context, Result};
use wasmtime::{Config, Engine, Linker, Memory, MemoryType, Module, Store, Strategy, TypedFunc};

use crate::module::MemoryDecl;
use crate::runtime::{self, GuestModule, MemoryInfo, Trap};

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
                config.target("pulley64").map_err(trap).context("selecting the pulley64 target")?;
                "pulley"
            }
        };
        configure(&mut config);
        let engine = Engine::new(&config)
            .map_err(trap)
            .with_context(|| format!("configuring wasmtime-{name} with {strategy}"))?;
        Ok(Self {
            id: format!("wasmtime-{name}"),
            strategy: strategy.to_string(),
            engine,
        })
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
        Ok(Box::new(Compiled {
            engine: self.engine.clone(),
            module,
            guest: guest.clone(),
        }))
    }
}

struct Compiled {
    engine: Engine,
    module: Module,
    guest: GuestModule,
}

impl runtime::Compiled for Compiled {
    fn instantiate(&self) -> Result<Box<dyn runtime::Instance>> {
        let mut store = Store::new(&self.engine, ());
        let mut linker = Linker::new(&self.engine);
        if self.guest.memory.decl == MemoryDecl::Imported {
            let (initial, maximum) = self.guest.memory.limits32()?;
            let ty = MemoryType::new(initial, maximum);
            let memory = Memory::new(&mut store, ty).map_err(trap).context("creating the host memory")?;
            let (module, name) = crate::module::MEMORY_IMPORT;
            linker.define(&store, module, name, memory).map_err(trap)?;
        }
        let instance = linker
            .instantiate(&mut store, &self.module)
            .map_err(trap)
            .with_context(|| format!("instantiating {}", self.guest.name))?;
        let memory = instance
            .get_memory(&mut store, runtime::MEMORY_EXPORT)
            .with_context(|| format!("{} exports no memory named `memory`", self.guest.name))?;
        Ok(Box::new(Instance {
            store,
            instance,
            memory,
            funcs: HashMap::new(),
        }))
    }
}

struct Instance {
    store: Store<()>,
    instance: wasmtime::Instance,
    memory: Memory,
    funcs: HashMap<String, TypedFunc<(i32, i32, i32), i64>>,
}

impl runtime::Instance for Instance {
    fn call(&mut self, name: &str, args: [u32; 3]) -> Result<u64> {
        let func = match self.funcs.get(name) {
            Some(f) => f.clone(),
            None => {
                let f = self
                    .instance
                    .get_typed_func::<(i32, i32, i32), i64>(&mut self.store, name)
                    .map_err(trap)
                    .with_context(|| runtime::export_error(name))?;
                self.funcs.insert(name.to_string(), f.clone());
                f
            }
        };
        let [a, b, c] = args.map(|v| v as i32);
        func.call(&mut self.store, (a, b, c))
            .map(|v| v as u64)
            .map_err(trap)
            .with_context(|| format!("calling `{name}`"))
    }

    fn memory(&mut self) -> Result<MemoryInfo> {
        Ok(MemoryInfo {
            size_bytes: self.memory.data_size(&self.store) as u64,
            maximum_pages: self.memory.ty(&self.store).maximum(),
        })
    }
}

/// Turns a wasmtime trap into our [`Trap`], other errors into `anyhow` errors.
fn trap(err: wasmtime::Error) -> anyhow::Error {
    match err.downcast_ref::<wasmtime::Trap>() {
        Some(t) => anyhow::Error::new(Trap {
            message: t.to_string(),
        }),
        None => err.into(),
    }
}

