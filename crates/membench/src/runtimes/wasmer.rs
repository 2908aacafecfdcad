//! wasmer (sys backend), with its Cranelift (optimising) and Singlepass (one-pass baseline) compilers.

use std::collections::HashMap;

use anyhow::{Context, Result};
use wasmer::sys::{Cranelift, EngineBuilder, NativeEngineExt, Singlepass, Tunables};
use wasmer::{imports, Engine, Memory, MemoryType, Module, Store, TypedFunction};

use crate::module::MemoryDecl;
use crate::runtime::{self, GuestModule, MemoryInfo, Trap};

/// Which wasmer compiler compiles the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WasmerCompiler {
    /// `wasmer::sys::Cranelift`.
    Cranelift,
    /// `wasmer::sys::Singlepass`.
    Singlepass,
}

/// wasmer under one compiler and one set of `Tunables`.
pub struct Wasmer {
    id: String,
    strategy: String,
    engine: Engine,
}

impl Wasmer {
    /// An engine for `compiler`; `tunables`, when given, replaces wasmer's default `BaseTunables`
    /// (named `strategy`). Tunables fix the memory style at compile time, so they are set here,
    /// before any module is compiled.
    pub fn new(
        compiler: WasmerCompiler,
        strategy: &str,
        tunables: Option<Box<dyn FnOnce() -> Box<dyn TunablesObj>>>,
    ) -> Self {
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
        if let Some(tunables) = tunables {
            engine.set_tunables(Boxed(tunables()));
        }
        Self {
            id: format!("wasmer-{name}"),
            strategy: strategy.to_string(),
            engine,
        }
    }
}

/// Object-safe alias for the `Tunables` an engine may be given.
pub trait TunablesObj: Tunables + Send + Sync {}
impl<T: Tunables + Send + Sync> TunablesObj for T {}

/// Forwards every `Tunables` method to a boxed implementation.
struct Boxed(Box<dyn TunablesObj>);

impl Tunables for Boxed {
    fn memory_style(&self, memory: &MemoryType) -> wasmer::MemoryStyle {
        self.0.memory_style(memory)
    }
    fn table_style(&self, table: &wasmer::TableType) -> wasmer::TableStyle {
        self.0.table_style(table)
    }
    fn create_host_memory(
        &self,
        ty: &MemoryType,
        style: &wasmer::MemoryStyle,
    ) -> Result<wasmer::sys::vm::VMMemory, wasmer::MemoryError> {
        self.0.create_host_memory(ty, style)
    }
    unsafe fn create_vm_memory(
        &self,
        ty: &MemoryType,
        style: &wasmer::MemoryStyle,
        location: std::ptr::NonNull<wasmer::sys::vm::VMMemoryDefinition>,
    ) -> Result<wasmer::sys::vm::VMMemory, wasmer::MemoryError> {
        // SAFETY: forwarded unchanged; the caller upholds the contract of `create_vm_memory`.
        unsafe { self.0.create_vm_memory(ty, style, location) }
    }
    fn create_host_table(
        &self,
        ty: &wasmer::TableType,
        style: &wasmer::TableStyle,
    ) -> Result<wasmer::sys::vm::VMTable, String> {
        self.0.create_host_table(ty, style)
    }
    unsafe fn create_vm_table(
        &self,
        ty: &wasmer::TableType,
        style: &wasmer::TableStyle,
        location: std::ptr::NonNull<wasmer::sys::vm::VMTableDefinition>,
    ) -> Result<wasmer::sys::vm::VMTable, String> {
        // SAFETY: forwarded unchanged; the caller upholds the contract of `create_vm_table`.
        unsafe { self.0.create_vm_table(ty, style, location) }
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
                wasmer::InstantiationError::Start(t) => anyhow::Error::new(Trap { message: t.message() }),
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
            .map_err(|e| anyhow::Error::new(Trap { message: e.message() }))
            .with_context(|| format!("calling `{name}`"))
    }

    fn memory(&mut self) -> Result<MemoryInfo> {
        let ty = self.memory.ty(&self.store);
        Ok(MemoryInfo {
            size_bytes: self.memory.view(&self.store).data_size(),
            maximum_pages: ty.maximum.map(|p| u64::from(p.0)),
        })
    }
}

