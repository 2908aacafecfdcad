//! WAMR (the WebAssembly Micro Runtime) through the `wamrx` crate, which builds WAMR's C sources
//! with cmake and binds them with bindgen: behind the `c-runtimes` feature.
//!
//! What WAMR does with memory is decided twice. At build time, once for the process (the one C
//! library linked into the binary): wamrx 0.3.0 builds WAMR's fast interpreter
//! (`WAMR_BUILD_FAST_INTERP=1`, no AOT or JIT) with software bounds checks (its `hw-bound-check`
//! feature is off, so `WAMR_DISABLE_HW_BOUND_CHECK=1` and no signal handler joins wasmtime's and
//! wasmer's), bulk memory and reference types on, shared memory off. [`BUILD`] names this in
//! every record's version. At instantiation, per instance: `InstanceConfig`'s sizes, of which the
//! interpreter stack is the strategy here ([`ExecStack`], which says why the app heap is not).
//!
//! wamrx binds fewer of WAMR's memory calls than the other runtimes' crates offer. Its `Linker`
//! defines only host functions, so a memory cannot be imported; its `Memory` has no `grow`, so
//! the host cannot grow one (`wasm_runtime_enlarge_memory` is not bound). Those cases are
//! recorded as gaps in our binding (`FailureKind::Binding`), with this reason. The guest's own `memory.grow` works.
//!
//! wamrx is patched here (`vendor/wamrx`, see `vendor/README.md`): 0.3.0 never clears WAMR's
//! exception, so after one trap every later call on the instance failed; and its `Func::call`
//! collected the arguments and the results into a `Vec` each, two allocations inside every timed
//! call, where the patched one converts them in buffers on the stack. A resolved call
//! ([`Instance::call_export`](runtime::Instance::call_export)) passes its three arguments and one
//! result as slices of arrays, so it allocates nothing.
//!
//! wamrx's `Engine` is neither `Send` nor `Sync` (WAMR's runtime is a process-wide singleton,
//! reference-counted by wamrx), so the [`Runtime`](runtime::Runtime) holds only its
//! configuration and each compiled module holds an engine. A `Module` is consumed by its one
//! instantiation, so each instance loads the module again, outside the timed region.

use crate::runtime::{self, RuntimeSpec};

/// WAMR as wamrx 0.3.0 builds it, for every record.
pub const BUILD: &str = "WAMR 2.4.3 fast interpreter, software bounds checks \
    (WAMR_DISABLE_HW_BOUND_CHECK=1), bulk memory and reference types on, shared memory off";

/// What is missing when the binary was built without the `c-runtimes` feature.
pub const NOT_BUILT: &str = "not built: WAMR is a C library; install cmake and libclang-dev \
    (apt-get install -y cmake libclang-dev) and build with `--features c-runtimes`";

/// An interpreter stack size of WAMR's, as a strategy of the matrix: the buffer
/// `wasm_runtime_create_exec_env` allocates per instance, part of what a host pays for each.
///
/// WAMR's other per-instance size, the app heap (`InstanceConfig::heap_size`), is not a strategy:
/// WAMR places it inside the instance's linear memory 0 (`memory_instantiate`, WAMR 2.4.3
/// `wasm_runtime.c`), so the guest sees a memory larger than it declares (16 pages more for a
/// 1 MiB heap; 227 of the spec's memory assertions answer differently). It changes the guest, not
/// how the host keeps the same memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExecStack(pub u32);

impl ExecStack {
    /// wamrx's default (8 MiB) and 64 KiB, as a memory-constrained host would set.
    pub const ALL: [ExecStack; 2] = [ExecStack(8 << 20), ExecStack(64 << 10)];

    /// The knobs as wamrx's `InstanceConfig` spells them.
    pub fn knobs(self) -> String {
        if self == Self::ALL[0] {
            "default".to_string()
        } else {
            format!("InstanceConfig::exec_stack_size({})", self.0)
        }
    }

    /// The short name in bench ids.
    pub fn slug(self) -> &'static str {
        if self == Self::ALL[0] {
            "default"
        } else {
            "exec-stack-64k"
        }
    }
}

/// The matrix entries of WAMR: one per interpreter stack size.
pub fn specs() -> Vec<RuntimeSpec> {
    ExecStack::ALL
        .into_iter()
        .map(|stack| RuntimeSpec {
            id: "wamr-fast-interp",
            strategy: stack.knobs(),
            slug: stack.slug(),
            default: stack == ExecStack::ALL[0],
            native: false,
            interpreter: true,
            grow_bound_pages: None,
            memory_limit_pages: None,
            out_of_process: false,
            build: Box::new(move || build(stack)),
        })
        .collect()
}

#[cfg(feature = "c-runtimes")]
fn build(stack: ExecStack) -> anyhow::Result<Box<dyn runtime::Runtime>> {
    Ok(Box::new(imp::Wamr::new(stack)?))
}

#[cfg(not(feature = "c-runtimes"))]
fn build(_: ExecStack) -> anyhow::Result<Box<dyn runtime::Runtime>> {
    Err(anyhow::Error::new(
        crate::record::NotMeasured::not_installed(NOT_BUILT.to_string()),
    ))
}

#[cfg(feature = "c-runtimes")]
mod imp {
    use std::time::{Duration, Instant};

    use anyhow::{Context, Result};
    use wamrx::{Engine, Func, InstanceConfig, Linker, Module, Val};

    use super::{ExecStack, BUILD};
    use crate::module::MemoryDecl;
    use crate::record::NotMeasured;
    use crate::runtime::{self, GuestModule, MemoryInfo, SpecStore, Trap};

    /// The reason a host-side grow is not measured on WAMR.
    const NO_HOST_GROW: &str = "wamrx 0.3.0 binds no host-side grow (its `Memory` has no `grow`; \
        WAMR's wasm_runtime_enlarge_memory is not bound): only the guest's memory.grow runs";

    /// The reason an imported memory is not measured on WAMR.
    const NO_MEMORY_IMPORT: &str = "wamrx 0.3.0's Linker defines only host functions: a module \
        cannot import a memory";

    /// A gap in the crate we drive the engine through, not the engine's refusal.
    fn not_in_binding(why: &str) -> anyhow::Error {
        anyhow::Error::new(NotMeasured::binding(why.to_string()))
    }

    /// WAMR under one instantiation configuration.
    pub struct Wamr {
        stack: ExecStack,
        strategy: String,
        version: &'static str,
    }

    impl Wamr {
        /// Checks that WAMR's runtime initialises here, and keeps the configuration.
        pub fn new(stack: ExecStack) -> Result<Self> {
            Engine::new().context("initialising WAMR's runtime")?;
            Ok(Self {
                stack,
                strategy: stack.knobs(),
                version: version(),
            })
        }

        fn config(&self) -> InstanceConfig {
            let mut config = InstanceConfig::new();
            config.exec_stack_size(self.stack.0);
            config
        }
    }

    /// `wamrx <version> (<BUILD>)`, made once.
    fn version() -> &'static str {
        static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        VERSION.get_or_init(|| format!("{} ({BUILD})", crate::versions::WAMRX))
    }

    /// Turns a wamrx error into ours: a trap into a [`Trap`] with WAMR's exception text.
    fn error(err: wamrx::Error) -> anyhow::Error {
        match err {
            wamrx::Error::Trap(message) => anyhow::Error::new(Trap { message }),
            other => anyhow::Error::new(other),
        }
    }

    impl runtime::Runtime for Wamr {
        fn id(&self) -> &str {
            "wamr-fast-interp"
        }
        fn strategy(&self) -> &str {
            &self.strategy
        }
        fn version(&self) -> &'static str {
            self.version
        }
        fn compile(&self, guest: &GuestModule) -> Result<Box<dyn runtime::Compiled>> {
            if guest.memory.decl == MemoryDecl::Imported {
                return Err(not_in_binding(NO_MEMORY_IMPORT));
            }
            let engine = Engine::new().map_err(error)?;
            // Loaded once here to refuse a module WAMR cannot load before any instance is asked
            // for; each instance loads its own (wamrx consumes a `Module` per instantiation).
            Module::new(&engine, &guest.wasm)
                .map_err(error)
                .with_context(|| format!("WAMR loading {}", guest.name))?;
            Ok(Box::new(Compiled {
                engine,
                config: self.config(),
                guest: guest.clone(),
            }))
        }
        fn spec_store(&self) -> Result<Box<dyn SpecStore>> {
            Ok(Box::new(SpecStoreImpl {
                engine: Engine::new().map_err(error)?,
                config: self.config(),
                instances: Vec::new(),
            }))
        }
    }

    struct Compiled {
        engine: Engine,
        config: InstanceConfig,
        guest: GuestModule,
    }

    impl runtime::Compiled for Compiled {
        fn instantiate_timed(&self) -> Result<(Box<dyn runtime::Instance>, Duration)> {
            let module = Module::new(&self.engine, &self.guest.wasm)
                .map_err(error)
                .with_context(|| format!("WAMR loading {}", self.guest.name))?;
            let linker = Linker::new(&self.engine);
            let start = Instant::now();
            let instance = linker.instantiate_with(module, &self.config);
            let elapsed = start.elapsed();
            let instance = instance
                .map_err(error)
                .with_context(|| format!("instantiating {}", self.guest.name))?;
            instance
                .get_memory(runtime::MEMORY_EXPORT)
                .map_err(error)
                .with_context(|| format!("{} exports no memory named `memory`", self.guest.name))?;
            Ok((
                Box::new(Instance {
                    live: Live::new(instance, |_| Vec::new()),
                }),
                elapsed,
            ))
        }

        fn timed_instantiation(&self) -> &'static str {
            "Linker::instantiate_with (wasm_runtime_instantiate + wasm_runtime_create_exec_env)"
        }
    }

    /// The exports an instance resolved, borrowing it.
    type Funcs<'a> = Vec<(String, Func<'a>)>;

    self_cell::self_cell!(
        /// An instance and the exports resolved from it (wamrx's `Func` borrows its instance).
        struct Live {
            owner: wamrx::Instance,
            #[covariant]
            dependent: Funcs,
        }
    );

    struct Instance {
        live: Live,
    }

    fn memory_info(instance: &wamrx::Instance) -> Result<MemoryInfo> {
        let memory = instance.get_memory(runtime::MEMORY_EXPORT).map_err(error)?;
        let data = memory.data();
        Ok(MemoryInfo {
            size_bytes: data.len() as u64,
            // As declared in the module's bytes (wamrx reads them there: WAMR rewrites its own
            // copy of the type for a memory that never grows).
            maximum_pages: memory.ty().maximum(),
            base: (!data.is_empty()).then_some(data.as_ptr() as usize),
            // WAMR maps a memory's pages itself (os_mmap) rather than taking heap memory.
            heap_backed: false,
            process: None,
        })
    }

    impl runtime::Instance for Instance {
        fn export(&mut self, name: &str) -> Result<runtime::Export> {
            use wamrx::ValType::{I32, I64};
            let mut found = None;
            self.live.with_dependent_mut(|instance, funcs| {
                found = Some(runtime::resolve_export(funcs, name, || {
                    let func = instance.get_func(name).map_err(error)?;
                    let ty = func.ty();
                    anyhow::ensure!(
                        ty.params() == [I32, I32, I32] && ty.results() == [I64],
                        "its type is {ty:?}"
                    );
                    Ok(func)
                }));
            });
            found.expect("the closure ran")
        }

        fn call_export(&mut self, export: runtime::Export, args: [u32; 3]) -> Result<u64> {
            let (name, func) = &self.live.borrow_dependent()[export.index()];
            let [a, b, c] = args.map(|v| Val::I32(v as i32));
            let mut result = [Val::I64(0)];
            func.call(&[a, b, c], &mut result)
                .map_err(error)
                .with_context(|| format!("calling `{name}`"))?;
            match result[0] {
                Val::I64(v) => Ok(v as u64),
                other => anyhow::bail!("`{name}` returned {other:?}"),
            }
        }

        fn memory(&mut self) -> Result<MemoryInfo> {
            memory_info(self.live.borrow_owner())
        }

        fn grow(&mut self, _delta_pages: u64) -> Result<u64> {
            Err(not_in_binding(NO_HOST_GROW))
        }

        fn into_memory(self: Box<Self>) -> Box<dyn runtime::KeptMemory> {
            // The memory belongs to the instance: keeping it keeps the instance.
            Box::new(Kept(self.live.into_owner()))
        }
    }

    struct Kept(wamrx::Instance);

    impl runtime::KeptMemory for Kept {
        fn read(&mut self, offset: usize, len: usize) -> Result<Vec<u8>> {
            let memory = self.0.get_memory(runtime::MEMORY_EXPORT).map_err(error)?;
            offset
                .checked_add(len)
                .and_then(|end| memory.data().get(offset..end))
                .map(<[u8]>::to_vec)
                .with_context(|| format!("{len} bytes at {offset}: past the memory's end"))
        }
    }

    /// The spec tests' store. wamrx links only host functions and one module per instance (no
    /// `register`), so a module importing anything but `spectest`'s functions cannot be
    /// instantiated: those assertions are listed deviations.
    struct SpecStoreImpl {
        engine: Engine,
        config: InstanceConfig,
        instances: Vec<wamrx::Instance>,
    }

    impl SpecStoreImpl {
        fn linker(&self) -> Result<Linker> {
            use wamrx::{FuncType, ValType as T};
            let mut linker = Linker::new(&self.engine);
            for (name, params) in [
                ("print", vec![]),
                ("print_i32", vec![T::I32]),
                ("print_i64", vec![T::I64]),
                ("print_f32", vec![T::F32]),
                ("print_f64", vec![T::F64]),
                ("print_i32_f32", vec![T::I32, T::F32]),
                ("print_f64_f64", vec![T::F64, T::F64]),
            ] {
                linker
                    .define_func("spectest", name, FuncType::new(params, []), |_, _| {})
                    .map_err(error)?;
            }
            Ok(linker)
        }

        fn instance(&self, id: usize) -> Result<&wamrx::Instance> {
            self.instances.get(id).context("no such instance")
        }
    }

    impl SpecStore for SpecStoreImpl {
        fn compile(&mut self, wasm: &[u8]) -> Result<()> {
            Module::new(&self.engine, wasm).map_err(error)?;
            Ok(())
        }

        fn instantiate(&mut self, wasm: &[u8]) -> Result<usize> {
            let module = Module::new(&self.engine, wasm).map_err(error)?;
            let instance = self
                .linker()?
                .instantiate_with(module, &self.config)
                .map_err(error)?;
            self.instances.push(instance);
            Ok(self.instances.len() - 1)
        }

        fn register(&mut self, _id: usize, name: &str) -> Result<()> {
            anyhow::bail!(
                "wamrx links only host functions: instance exports cannot be registered as `{name}`"
            )
        }

        fn invoke(
            &mut self,
            id: usize,
            name: &str,
            args: &[runtime::Val],
        ) -> Result<Vec<runtime::Val>> {
            let instance = self.instance(id)?;
            let func = instance
                .get_func(name)
                .map_err(error)
                .with_context(|| format!("no function export `{name}`"))?;
            let args = args
                .iter()
                .map(|a| {
                    Ok(match *a {
                        runtime::Val::I32(v) => Val::I32(v),
                        runtime::Val::I64(v) => Val::I64(v),
                        runtime::Val::F32(v) => Val::F32(f32::from_bits(v)),
                        runtime::Val::F64(v) => Val::F64(f64::from_bits(v)),
                        runtime::Val::V128(_) => {
                            return Err(not_in_binding("wamrx's values are i32, i64, f32 and f64"))
                        }
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let mut results: Vec<Val> = func
                .ty()
                .results()
                .iter()
                .map(|t| t.default_value())
                .collect();
            func.call(&args, &mut results)
                .map_err(error)
                .with_context(|| format!("calling `{name}`"))?;
            Ok(results.iter().map(from_val).collect())
        }

        fn global(&mut self, id: usize, name: &str) -> Result<runtime::Val> {
            let global = self
                .instance(id)?
                .get_global(name)
                .map_err(error)
                .with_context(|| format!("no global export `{name}`"))?;
            Ok(from_val(&global.get()))
        }
    }

    fn from_val(v: &Val) -> runtime::Val {
        match *v {
            Val::I32(v) => runtime::Val::I32(v),
            Val::I64(v) => runtime::Val::I64(v),
            Val::F32(v) => runtime::Val::F32(v.to_bits()),
            Val::F64(v) => runtime::Val::F64(v.to_bits()),
        }
    }
}
