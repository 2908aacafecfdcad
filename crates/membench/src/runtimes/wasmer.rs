//! wasmer (sys backend), with its Cranelift (optimising) and Singlepass (one-pass baseline) compilers.

use std::time::{Duration, Instant};

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
use crate::runtime::{SpecStore, Val};

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
                slug: match guard {
                    None => "default",
                    Some(0) => "dynamic",
                    Some(_) => "dynamic-64KiB",
                },
                default: guard.is_none(),
                native: false,
                interpreter: false,
                // A dynamic memory reserves only its current size plus guard: every grow moves it.
                grow_bound_pages: guard.map(|_| 64),
                memory_limit_pages: None,
                out_of_process: false,
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
    compiler: WasmerCompiler,
    engine: Engine,
    /// With the metering middleware: the operators each call may execute.
    points: Option<u64>,
}

impl Wasmer {
    /// An engine for `compiler`. With `dynamic_guard`, custom `Tunables` give every memory
    /// `MemoryStyle::Dynamic { offset_guard_size }` (explicit bounds checks, reservation of the
    /// current size only); without, wasmer's `BaseTunables` (`MemoryStyle::Static`: a large
    /// reservation and guard pages). Tunables fix the style at compile time, so they are set here.
    pub fn new(compiler: WasmerCompiler, dynamic_guard: Option<u64>) -> Self {
        Self::build(compiler, dynamic_guard, None)
    }

    /// An engine whose compiler runs wasmer's `Metering` middleware (one point per operator), and
    /// whose every call gets `points`, so a call that runs away (an infinite loop) traps when they
    /// are spent. Not part of the benchmark matrix: metering adds a count and a check to every
    /// block.
    pub fn with_metering(compiler: WasmerCompiler, points: u64) -> Self {
        Self::build(compiler, None, Some(points))
    }

    fn build(compiler: WasmerCompiler, dynamic_guard: Option<u64>, points: Option<u64>) -> Self {
        use wasmer::sys::CompilerConfig;
        let metering = |config: &mut dyn CompilerConfig| {
            if let Some(points) = points {
                config.push_middleware(std::sync::Arc::new(wasmer_middlewares::Metering::new(
                    points,
                    |_: &wasmer::wasmparser::Operator| 1,
                )));
            }
        };
        let (name, mut engine): (&str, Engine) = match compiler {
            WasmerCompiler::Cranelift => {
                let mut config = Cranelift::default();
                metering(&mut config);
                ("cranelift", EngineBuilder::new(config).engine().into())
            }
            WasmerCompiler::Singlepass => {
                let mut config = Singlepass::default();
                metering(&mut config);
                ("singlepass", EngineBuilder::new(config).engine().into())
            }
        };
        let strategy = match (dynamic_guard, points) {
            (_, Some(points)) => format!("Metering(points={points})"),
            (None, None) => "default".to_string(),
            (Some(offset_guard_size), None) => {
                engine.set_tunables(DynamicTunables { offset_guard_size });
                format!("MemoryStyle::Dynamic{{offset_guard_size={offset_guard_size}}}")
            }
        };
        Self {
            id: format!("wasmer-{name}"),
            strategy,
            compiler,
            engine,
            points,
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
        // A `Metering` middleware serves one module only (it panics on a second), so a metered
        // engine is made afresh for each module.
        let engine = match self.points {
            Some(points) => Self::build(self.compiler, None, Some(points)).engine,
            None => self.engine.clone(),
        };
        let module = Module::new(&engine, &guest.wasm)
            .with_context(|| format!("{} compiling {}", self.id, guest.name))?;
        Ok(Box::new(Compiled {
            engine,
            module,
            guest: guest.clone(),
            points: self.points,
        }))
    }
    fn spec_store(&self) -> Result<Box<dyn SpecStore>> {
        Ok(Box::new(SpecStoreImpl::new(&self.engine)?))
    }
}

/// A trap raised while instantiating (a start function, or a segment out of bounds) becomes our
/// [`Trap`]; a link error stays an error.
fn instantiation_error(e: wasmer::InstantiationError) -> anyhow::Error {
    match e {
        wasmer::InstantiationError::Start(t) => runtime_error(t),
        other => other.into(),
    }
}

/// A `RuntimeError` is our [`Trap`] only when the guest trapped (it carries a trap code); a host
/// function's error or any other failure stays a plain error.
fn runtime_error(e: wasmer::RuntimeError) -> anyhow::Error {
    match e.clone().to_trap() {
        Some(code) => anyhow::Error::new(Trap {
            message: code.message().to_string(),
        }),
        None => anyhow::anyhow!("{}", e.message()),
    }
}

/// The spec tests' store: one `Store`, and an `Imports` holding `spectest` and every registered
/// instance's exports.
struct SpecStoreImpl {
    store: Store,
    imports: wasmer::Imports,
    instances: Vec<wasmer::Instance>,
}

impl SpecStoreImpl {
    fn new(engine: &Engine) -> Result<Self> {
        use wasmer::{Function, Global, Table, Type, Value};
        let mut store = Store::new(engine.clone());
        let st = &mut store;
        let table = Table::new(
            st,
            TableType::new(Type::FuncRef, 10, Some(20)),
            Value::FuncRef(None),
        );
        let memory = Memory::new(st, MemoryType::new(1, Some(2), false));
        let mut imports = imports! {
            "spectest" => {
                "print" => Function::new_typed(st, || {}),
                "print_i32" => Function::new_typed(st, |_: i32| {}),
                "print_i64" => Function::new_typed(st, |_: i64| {}),
                "print_f32" => Function::new_typed(st, |_: f32| {}),
                "print_f64" => Function::new_typed(st, |_: f64| {}),
                "print_i32_f32" => Function::new_typed(st, |_: i32, _: f32| {}),
                "print_f64_f64" => Function::new_typed(st, |_: f64, _: f64| {}),
                "global_i32" => Global::new(st, Value::I32(666)),
                "global_i64" => Global::new(st, Value::I64(666)),
                "global_f32" => Global::new(st, Value::F32(666.6)),
                "global_f64" => Global::new(st, Value::F64(666.6)),
            }
        };
        let table = table.context("creating spectest's table")?;
        let memory = memory.context("creating spectest's memory")?;
        imports.define("spectest", "table", table);
        imports.define("spectest", "memory", memory);
        Ok(Self {
            store,
            imports,
            instances: Vec::new(),
        })
    }

    fn instance(&self, id: usize) -> Result<&wasmer::Instance> {
        self.instances.get(id).context("no such instance")
    }
}

impl SpecStore for SpecStoreImpl {
    fn compile(&mut self, wasm: &[u8]) -> Result<()> {
        Module::new(&self.store, wasm)?;
        Ok(())
    }

    fn instantiate(&mut self, wasm: &[u8]) -> Result<usize> {
        let module = Module::new(&self.store, wasm)?;
        let instance = wasmer::Instance::new(&mut self.store, &module, &self.imports)
            .map_err(instantiation_error)?;
        self.instances.push(instance);
        Ok(self.instances.len() - 1)
    }

    fn register(&mut self, id: usize, name: &str) -> Result<()> {
        let exports: Vec<(String, wasmer::Extern)> = self
            .instance(id)?
            .exports
            .iter()
            .map(|(n, e)| (n.clone(), e.clone()))
            .collect();
        self.imports.register_namespace(name, exports);
        Ok(())
    }

    fn invoke(&mut self, id: usize, name: &str, args: &[Val]) -> Result<Vec<Val>> {
        use wasmer::Value as W;
        let func = self.instance(id)?.exports.get_function(name)?.clone();
        let args: Vec<W> = args
            .iter()
            .map(|a| match *a {
                Val::I32(v) => W::I32(v),
                Val::I64(v) => W::I64(v),
                Val::F32(v) => W::F32(f32::from_bits(v)),
                Val::F64(v) => W::F64(f64::from_bits(v)),
                Val::V128(v) => W::V128(v),
            })
            .collect();
        let results = func
            .call(&mut self.store, &args)
            .map_err(runtime_error)
            .with_context(|| format!("calling `{name}`"))?;
        results.iter().map(from_value).collect()
    }

    fn global(&mut self, id: usize, name: &str) -> Result<Val> {
        let global = self.instance(id)?.exports.get_global(name)?.clone();
        from_value(&global.get(&mut self.store))
    }
}

fn from_value(v: &wasmer::Value) -> Result<Val> {
    use wasmer::Value as W;
    Ok(match v {
        W::I32(v) => Val::I32(*v),
        W::I64(v) => Val::I64(*v),
        W::F32(v) => Val::F32(v.to_bits()),
        W::F64(v) => Val::F64(v.to_bits()),
        W::V128(v) => Val::V128(*v),
        other => anyhow::bail!("a reference result ({other:?}) is not supported by the runner"),
    })
}

struct Compiled {
    engine: Engine,
    module: Module,
    guest: GuestModule,
    points: Option<u64>,
}

impl runtime::Compiled for Compiled {
    fn instantiate_timed(&self) -> Result<(Box<dyn runtime::Instance>, Duration)> {
        let imported = match self.guest.memory.decl {
            MemoryDecl::Imported => Some(crate::module::limits32(&self.guest.memory)?),
            MemoryDecl::Defined => None,
        };
        // Built before timing: wasmer has no pre-linked instance, but an empty import object is
        // all a defined memory needs.
        let mut imports = imports! {};
        let start = Instant::now();
        let mut store = Store::new(self.engine.clone());
        let instance = match imported {
            Some((initial, maximum)) => Memory::new(
                &mut store,
                MemoryType::new(initial, maximum, self.guest.memory.shared),
            )
            .map_err(anyhow::Error::new)
            .and_then(|memory| {
                imports.define("env", "memory", memory);
                wasmer::Instance::new(&mut store, &self.module, &imports)
                    .map_err(instantiation_error)
            }),
            None => wasmer::Instance::new(&mut store, &self.module, &imports)
                .map_err(instantiation_error),
        };
        let elapsed = start.elapsed();
        let instance = instance.with_context(|| format!("instantiating {}", self.guest.name))?;
        let memory = instance
            .exports
            .get_memory(runtime::MEMORY_EXPORT)
            .with_context(|| format!("{} exports no memory named `memory`", self.guest.name))?
            .clone();
        let instance = Instance {
            store,
            instance,
            memory,
            funcs: Vec::new(),
            points: self.points,
        };
        Ok((Box::new(instance), elapsed))
    }

    fn timed_instantiation(&self) -> &'static str {
        match self.guest.memory.decl {
            MemoryDecl::Defined => "Store::new + Instance::new (wasmer has no pre-linked instance)",
            MemoryDecl::Imported => "Store::new + Memory::new + Instance::new",
        }
    }
}

/// A guest export with the guest ABI's signature, resolved once.
type GuestFunc = TypedFunction<(i32, i32, i32), i64>;

struct Instance {
    store: Store,
    instance: wasmer::Instance,
    memory: Memory,
    funcs: Vec<(String, GuestFunc)>,
    points: Option<u64>,
}

impl runtime::Instance for Instance {
    fn export(&mut self, name: &str) -> Result<runtime::Export> {
        let (instance, store) = (&self.instance, &self.store);
        runtime::resolve_export(&mut self.funcs, name, || {
            Ok(instance
                .exports
                .get_typed_function::<(i32, i32, i32), i64>(store, name)?)
        })
    }

    fn call_export(&mut self, export: runtime::Export, args: [u32; 3]) -> Result<u64> {
        let (name, func) = &self.funcs[export.index()];
        let [a, b, c] = args.map(|v| v as i32);
        if let Some(points) = self.points {
            wasmer_middlewares::metering::set_remaining_points(
                &mut self.store,
                &self.instance,
                points,
            );
        }
        func.call(&mut self.store, a, b, c)
            .map(|v| v as u64)
            .map_err(|e| match self.points {
                // Metering ends a runaway call with `unreachable`; say what really stopped it.
                Some(points)
                    if wasmer_middlewares::metering::get_remaining_points(
                        &mut self.store,
                        &self.instance,
                    ) == wasmer_middlewares::metering::MeteringPoints::Exhausted =>
                {
                    anyhow::Error::new(Trap {
                        message: format!(
                            "stopped by metering: ran out of its {points} points, one per operator (--fuel)"
                        ),
                    })
                }
                _ => runtime_error(e),
            })
            .with_context(|| format!("calling `{name}`"))
    }

    fn memory(&mut self) -> Result<MemoryInfo> {
        let ty = self.memory.ty(&self.store);
        Ok(MemoryInfo {
            size_bytes: self.memory.view(&self.store).data_size(),
            maximum_pages: ty.maximum.map(|p| u64::from(p.0)),
            base: Some(self.memory.view(&self.store).data_ptr() as usize),
            heap_backed: false,
            process: None,
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

    fn grow_repeat_timed(&mut self, delta_pages: u64, count: u64) -> (Result<u64>, Duration) {
        // `Memory::grow` alone inside the clock; the error's context (type, size) after it.
        let count = count.max(1);
        let delta = match u32::try_from(delta_pages) {
            Ok(delta) => Pages(delta),
            Err(e) => {
                let e = anyhow::Error::new(e).context(format!("a grow of {delta_pages} pages"));
                return (Err(e), Duration::ZERO);
            }
        };
        let timed = runtime::time_grows(count, || {
            self.memory
                .grow(&mut self.store, delta)
                .map(|old| u64::from(old.0))
        });
        runtime::grow_loop_timed(timed, count, delta_pages, |e| {
            let maximum = self.memory.ty(&self.store).maximum.map(|p| u64::from(p.0));
            let current = u64::from(self.memory.view(&self.store).size().0);
            (anyhow::Error::new(e), current, maximum)
        })
    }

    fn grows_refused_timed(&mut self, delta_pages: u64, count: u64) -> (Result<()>, Duration) {
        let Ok(delta) = u32::try_from(delta_pages).map(Pages) else {
            // Past what a grow can even ask for: refused before it is made.
            return (Ok(()), Duration::ZERO);
        };
        let timed = runtime::time_refused_grows(count, || {
            self.memory
                .grow(&mut self.store, delta)
                .map(|old| u64::from(old.0))
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
        let mut buf = vec![0; len];
        self.memory
            .view(&self.store)
            .read(offset as u64, &mut buf)?;
        Ok(buf)
    }
}
