//! wasmer (sys backend), with its Cranelift (optimising) and Singlepass (one-pass baseline) compilers.

use std::collections::HashMap;

use anyhow::{Context, Result};
use std::ptr::NonNull;

use wasmer::sys::vm::{VMMemory, VMMemoryDefinition, VMTable, VMTableDefinition};
use wasmer::sys::{BaseTunables, Cranelift, EngineBuilder, NativeEngineExt, Singlepass, Tunables};
use wasmer::{
    imports, Engine, Memory, MemoryError, MemoryStyle, MemoryType, Module, Pages, Store,
    TableStyle, TableType, TypedFunction,
};

use crate::module::MemoryDecl;
use crate::runtime::{self, GuestModule, MemoryInfo, RuntimeSpec, Trap};

/// Which wasmer compiler compiles the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WasmerCompiler {
    /// `wasmer::sys::Cranelift`.
    Cranelift,
    /// `wasmer::sys::Singlepass`.
    Singlepass,
}

/// The matrix entries of wasmer: both compilers × wasmer's default `MemoryStyle::Static` and
/// `MemoryStyle::Dynamic` without and with an offset guard.
pub fn specs() -> Vec<RuntimeSpec> {
    let styles = [
        None,
        Some(0),
        Some(64 << 10), // one wasm page of guard, a multiple of the OS page as wasmer requires
    ];
    let mut specs = Vec::new();
    for (compiler, id) in [
        (WasmerCompiler::Cranelift, "wasmer-cranelift"),
        (WasmerCompiler::Singlepass, "wasmer-singlepass"),
    ] {
        for guard in styles {
            let wasmer = move || Wasmer::new(compiler, guard);
            specs.push(RuntimeSpec {
                id,
                strategy: wasmer().strategy,
                native: false,
                interpreter: false,
                // A dynamic memory reserves only its current size plus guard: every grow moves it.
                grow_bound_pages: guard.map(|_| 64),
                memory_limit_pages: None,
                build: Box::new(move || Ok(Box::new(wasmer()))),
            });
        }
    }
    specs
}

/// wasmer under one compiler and one memory style.
pub struct Wasmer {
    id: String,
    strategy: String,
    engine: Engine,
}

impl Wasmer {
    /// An engine for `compiler`. With `dynamic_guard`, custom `Tunables` give every memory
    /// `MemoryStyle::Dynamic { offset_guard_size }` (explicit bounds checks, reservation of the
    /// current size only); without, wasmer's `BaseTunables` (`MemoryStyle::Static`: a large
    /// reservation and guard pages). Tunables fix the style at compile time, so they are set here.
    pub fn new(compiler: WasmerCompiler, dynamic_guard: Option<u64>) -> Self {
        let (name, mut engine): (&str, Engine) = match compiler {
            WasmerCompiler::Cranelift => (
                "cranelift",
                EngineBuilder::new(Cranelift::default()).engine().into(),
            ),
            WasmerCompiler::Singlepass => (
                "singlepass",
                EngineBuilder::new(Singlepass::default()).engine().into(),
            ),
        };
        let strategy = match dynamic_guard {
            None => "default".to_string(),
            Some(offset_guard_size) => {
                engine.set_tunables(DynamicTunables { offset_guard_size });
                format!("MemoryStyle::Dynamic{{offset_guard_size={offset_guard_size}}}")
            }
        };
        Self {
            id: format!("wasmer-{name}"),
            strategy,
            engine,
        }
    }
}

/// `BaseTunables` in all but the memory style, which is always `Dynamic`.
struct DynamicTunables {
    offset_guard_size: u64,
}

impl Tunables for DynamicTunables {
    fn memory_style(&self, _memory: &MemoryType) -> MemoryStyle {
        MemoryStyle::Dynamic {
            offset_guard_size: self.offset_guard_size,
        }
    }
    fn table_style(&self, table: &TableType) -> TableStyle {
        BaseTunables::new().table_style(table)
    }
    fn create_host_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
    ) -> Result<VMMemory, MemoryError> {
        BaseTunables::new().create_host_memory(ty, style)
    }
    unsafe fn create_vm_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
        location: NonNull<VMMemoryDefinition>,
    ) -> Result<VMMemory, MemoryError> {
        // SAFETY: forwarded unchanged; the caller upholds the contract of `create_vm_memory`.
        unsafe { BaseTunables::new().create_vm_memory(ty, style, location) }
    }
    fn create_host_table(&self, ty: &TableType, style: &TableStyle) -> Result<VMTable, String> {
        BaseTunables::new().create_host_table(ty, style)
    }
    unsafe fn create_vm_table(
        &self,
        ty: &TableType,
        style: &TableStyle,
        location: NonNull<VMTableDefinition>,
    ) -> Result<VMTable, String> {
        // SAFETY: forwarded unchanged; the caller upholds the contract of `create_vm_table`.
        unsafe { BaseTunables::new().create_vm_table(ty, style, location) }
    }
}

impl runtime::Runtime for Wasmer {
    fn id(&self) -> &str {
        &self.id
    }
    fn strategy(&self) -> &str {
        &self.strategy
    }
    fn version(&self) -> &'static str {
        crate::versions::WASMER
    }
    fn compile(&self, guest: &GuestModule) -> Result<Box<dyn runtime::Compiled>> {
        let module = Module::new(&self.engine, &guest.wasm)
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
        let mut store = Store::new(self.engine.clone());
        let imports = if self.guest.memory.decl == MemoryDecl::Imported {
            let (initial, maximum) = self.guest.memory.limits32()?;
            let ty = MemoryType::new(initial, maximum, false);
            let memory = Memory::new(&mut store, ty).context("creating the host memory")?;
            imports! { "env" => { "memory" => memory } }
        } else {
            imports! {}
        };
        let instance = wasmer::Instance::new(&mut store, &self.module, &imports)
            .map_err(|e| match e {
                wasmer::InstantiationError::Start(t) => anyhow::Error::new(Trap {
                    message: t.message(),
                }),
                other => other.into(),
            })
            .with_context(|| format!("instantiating {}", self.guest.name))?;
        let memory = instance
            .exports
            .get_memory(runtime::MEMORY_EXPORT)
            .with_context(|| format!("{} exports no memory named `memory`", self.guest.name))?
            .clone();
        Ok(Box::new(Instance {
            store,
            instance,
            memory,
            funcs: HashMap::new(),
        }))
    }
}

struct Instance {
    store: Store,
    instance: wasmer::Instance,
    memory: Memory,
    funcs: HashMap<String, TypedFunction<(i32, i32, i32), i64>>,
}

impl runtime::Instance for Instance {
    fn call(&mut self, name: &str, args: [u32; 3]) -> Result<u64> {
        let func = match self.funcs.get(name) {
            Some(f) => f.clone(),
            None => {
                let f = self
                    .instance
                    .exports
                    .get_typed_function::<(i32, i32, i32), i64>(&self.store, name)
                    .with_context(|| runtime::export_error(name))?;
                self.funcs.insert(name.to_string(), f.clone());
                f
            }
        };
        let [a, b, c] = args.map(|v| v as i32);
        func.call(&mut self.store, a, b, c)
            .map(|v| v as u64)
            .map_err(|e| {
                anyhow::Error::new(Trap {
                    message: e.message(),
                })
            })
            .with_context(|| format!("calling `{name}`"))
    }

    fn memory(&mut self) -> Result<MemoryInfo> {
        let ty = self.memory.ty(&self.store);
        Ok(MemoryInfo {
            size_bytes: self.memory.view(&self.store).data_size(),
            maximum_pages: ty.maximum.map(|p| u64::from(p.0)),
            base: self.memory.view(&self.store).data_ptr() as usize,
        })
    }

    fn grow(&mut self, delta_pages: u64) -> Result<u64> {
        let ty = self.memory.ty(&self.store);
        let current = u64::from(self.memory.view(&self.store).size().0);
        let context =
            || runtime::grow_error(current, delta_pages, ty.maximum.map(|p| u64::from(p.0)));
        let delta = u32::try_from(delta_pages)
            .map_err(anyhow::Error::new)
            .with_context(context)?;
        self.memory
            .grow(&mut self.store, Pages(delta))
            .map(|old| u64::from(old.0))
            .map_err(anyhow::Error::new)
            .with_context(context)
    }
}
