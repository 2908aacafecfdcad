//! wasmi, the register-machine interpreter: the runtime to measure when a JIT is not an option.

use std::collections::HashMap;

use anyhow::{Context, Result};
use wasmi::{Config, Engine, Linker, Memory, MemoryType, Module, Store, TypedFunc};

use crate::module::MemoryDecl;
use crate::runtime::{self, GuestModule, MemoryInfo, Trap};

/// wasmi under one configuration.
pub struct Wasmi {
    strategy: String,
    engine: Engine,
}

impl Wasmi {
    /// An engine with `config` (the strategy named `strategy`).
    pub fn new(strategy: &str, config: &Config) -> Self {
        Self {
            strategy: strategy.to_string(),
            engine: Engine::new(config),
        }
    }
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
            let memory = Memory::new(&mut store, ty).context("creating the host memory")?;
            let (module, name) = crate::module::MEMORY_IMPORT;
            linker.define(module, name, memory)?;
        }
        let instance = linker
            .instantiate_and_start(&mut store, &self.module)
            .map_err(trap)
            .with_context(|| format!("instantiating {}", self.guest.name))?;
        let memory = instance
            .get_memory(&store, runtime::MEMORY_EXPORT)
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
    instance: wasmi::Instance,
    memory: Memory,
    funcs: HashMap<String, TypedFunc<(i32, i32, i32), i64>>,
}

impl runtime::Instance for Instance {
    fn call(&mut self, name: &str, args: [u32; 3]) -> Result<u64> {
        let func = match self.funcs.get(name) {
            Some(f) => *f,
            None => {
                let f = self
                    .instance
                    .get_typed_func::<(i32, i32, i32), i64>(&self.store, name)
                    .with_context(|| runtime::export_error(name))?;
                self.funcs.insert(name.to_string(), f);
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

/// Turns a wasmi trap into our [`Trap`], other errors into `anyhow` errors.
fn trap(err: wasmi::Error) -> anyhow::Error {
    match err.as_trap_code() {
        Some(code) => anyhow::Error::new(Trap {
            message: code.to_string(),
        }),
        None => err.into(),
    }
}
