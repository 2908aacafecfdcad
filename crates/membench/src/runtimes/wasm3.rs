//! wasm3, the C interpreter built for microcontrollers, through the `wasm3x` crate (which
//! vendors wasm3 0.9.0 and binds it with bindgen): behind the `c-runtimes` feature.
//!
//! A wasm3 runtime (wasm3x's `Store`) owns one linear memory, allocated with `malloc` and grown
//! with `realloc`, so a grow may move and copy the whole memory, and its new tail is zeroed with
//! `memset` (`m3_core.c`, `m3_env.c`). The strategies are the runtime's own sizes: the interpreter
//! value stack each store allocates (`Config::stack_size`, 1 MiB by default), part of what a host
//! pays per instance.
//!
//! wasm3x links only host functions, so a memory cannot be imported; its `Memory` has no `grow`,
//! so the host cannot grow one. Those cases are recorded as unsupported, with this reason; the
//! guest's own `memory.grow` works. wasm3x's `Engine` and `Store` are neither `Send` nor `Sync`,
//! so the [`Runtime`](runtime::Runtime) holds only the configuration and each compiled module
//! its engine.
//!
//! Instantiation parses the module again, inside the clock, and nothing here can move it out: a
//! parsed wasm3 module (`IM3Module`) is handed to the one runtime it is loaded into
//! (`m3_LoadModule` takes ownership, and the runtime frees it), so wasm3 itself has no module
//! that instantiates twice, and wasm3x 0.2.1's `Linker::instantiate*` runs `m3_ParseModule` +
//! `m3_LoadModule` + host-function linking in one call from the bytes its `Module` keeps (the
//! parse in `Module::new` only validates and is freed). The instantiate figure is therefore
//! parse + load + link, and its record says so
//! ([`timed_instantiation`](crate::runtime::Compiled::timed_instantiation)); moving the parse
//! before the clock would take a patched wasm3x that splits `instantiate_inner`.
//!
//! wasm3 compiles lazily too: resolving an export (`m3_FindFunction`) compiles that function, and
//! a function it calls is compiled on the call's first execution (`op_Compile`, m3_compile.c),
//! inside the first timed call of every fresh instance (the fragmentation guests' allocators).
//! wasm3x's eager mode (`CompilationMode::Eager`) compiles inside `Linker::instantiate`, inside
//! the instantiation's clock; the vendored wasm3x (`vendor/wasm3x`, see `vendor/README.md`) adds
//! `Instance::compile_all` (`m3_CompileModule`), which every instantiation here calls after its
//! clock stopped. A call site to a callee still starts as `op_Compile`, which on its first
//! execution finds the callee compiled and rewrites itself into `op_Call` (no compilation).

use crate::runtime::{self, RuntimeSpec};

/// What is missing when the binary was built without the `c-runtimes` feature.
pub const NOT_BUILT: &str = "not built: wasm3 is a C library; install libclang-dev \
    (apt-get install -y cmake libclang-dev) and build with `--features c-runtimes`";

/// A value-stack size of wasm3's, as a strategy of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stack(pub usize);

impl Stack {
    /// wasm3x's default (1 MiB) and a 64 KiB stack, as a memory-constrained host would set.
    pub const ALL: [Stack; 2] = [Stack(1 << 20), Stack(64 << 10)];

    /// The knobs as wasm3x's `Config` spells them.
    pub fn knobs(self) -> String {
        match self.0 {
            0x10_0000 => "default".to_string(),
            bytes => format!("Config::stack_size({bytes})"),
        }
    }

    /// The short name in bench ids.
    pub fn slug(self) -> &'static str {
        match self.0 {
            0x10_0000 => "default",
            _ => "stack-64k",
        }
    }
}

/// The matrix entries of wasm3: one per value-stack size.
pub fn specs() -> Vec<RuntimeSpec> {
    Stack::ALL
        .into_iter()
        .map(|stack| RuntimeSpec {
            id: "wasm3-interpreter",
            strategy: stack.knobs(),
            slug: stack.slug(),
            default: stack == Stack::ALL[0],
            native: false,
            interpreter: true,
            // Grows `realloc` the whole memory: at worst a copy per grow.
            grow_bound_pages: None,
            memory_limit_pages: None,
            out_of_process: false,
            build: Box::new(move || build(stack)),
        })
        .collect()
}

#[cfg(feature = "c-runtimes")]
fn build(stack: Stack) -> anyhow::Result<Box<dyn runtime::Runtime>> {
    Ok(Box::new(imp::Wasm3::new(stack)))
}

#[cfg(not(feature = "c-runtimes"))]
fn build(_: Stack) -> anyhow::Result<Box<dyn runtime::Runtime>> {
    Err(anyhow::Error::new(
        crate::record::NotMeasured::not_installed(NOT_BUILT.to_string()),
    ))
}

#[cfg(feature = "c-runtimes")]
mod imp {
    use std::time::{Duration, Instant};

    use anyhow::{Context, Result};
    use wasm3x::{Config, Engine, Linker, Memory, Module, Store, TypedFunc, Val};

    use super::Stack;
    use crate::module::MemoryDecl;
    use crate::record::NotMeasured;
    use crate::runtime::{self, GuestModule, MemoryInfo, SpecStore, Trap};

    /// The reason a host-side grow is not measured on wasm3.
    const NO_HOST_GROW: &str = "wasm3x 0.2.1 binds no host-side grow (its `Memory` has no \
        `grow`): only the guest's memory.grow runs";

    /// The reason an imported memory is not measured on wasm3.
    const NO_MEMORY_IMPORT: &str =
        "wasm3x 0.2.1's Linker defines only host functions: a module cannot import a memory";

    /// A gap in the crate we drive the engine through, not the engine's refusal.
    fn not_in_binding(why: &str) -> anyhow::Error {
        anyhow::Error::new(NotMeasured::binding(why.to_string()))
    }

    /// wasm3 under one configuration.
    pub struct Wasm3 {
        stack: Stack,
        strategy: String,
    }

    impl Wasm3 {
        /// wasm3 with `stack` bytes of value stack per store.
        pub fn new(stack: Stack) -> Self {
            Self {
                stack,
                strategy: stack.knobs(),
            }
        }

        fn engine(&self) -> Engine {
            let mut config = Config::new();
            config.stack_size(self.stack.0);
            Engine::new(&config)
        }
    }

    /// Turns a wasm3x error into ours: a trap into a [`Trap`] with wasm3's words.
    fn error(err: wasm3x::Error) -> anyhow::Error {
        if err.is_trap() {
            anyhow::Error::new(Trap {
                message: err.to_string(),
            })
        } else {
            anyhow::anyhow!("{err}")
        }
    }

    impl runtime::Runtime for Wasm3 {
        fn id(&self) -> &str {
            "wasm3-interpreter"
        }
        fn strategy(&self) -> &str {
            &self.strategy
        }
        fn version(&self) -> &'static str {
            crate::versions::WASM3X
        }
        fn compile(&self, guest: &GuestModule) -> Result<Box<dyn runtime::Compiled>> {
            if guest.memory.decl == MemoryDecl::Imported {
                return Err(not_in_binding(NO_MEMORY_IMPORT));
            }
            let engine = self.engine();
            validate(&engine, &guest.wasm)
                .with_context(|| format!("wasm3 compiling {}", guest.name))?;
            let module = Module::new(&engine, &guest.wasm)
                .map_err(error)
                .with_context(|| format!("wasm3 parsing {}", guest.name))?;
            Ok(Box::new(Compiled {
                engine,
                module,
                guest: guest.clone(),
            }))
        }
        fn spec_store(&self) -> Result<Box<dyn SpecStore>> {
            Ok(Box::new(SpecStoreImpl {
                engine: self.engine(),
                instances: Vec::new(),
            }))
        }
    }

    struct Compiled {
        engine: Engine,
        module: Module,
        guest: GuestModule,
    }

    impl runtime::Compiled for Compiled {
        fn instantiate_timed(&self) -> Result<(Box<dyn runtime::Instance>, Duration)> {
            let linker = Linker::new(&self.engine);
            let start = Instant::now();
            let mut store = Store::new(&self.engine, ());
            let instance = linker.instantiate_and_start(&mut store, &self.module);
            let elapsed = start.elapsed();
            let instance = instance
                .map_err(error)
                .with_context(|| format!("instantiating {}", self.guest.name))?;
            // After the clock: every function compiled now, so no call on this instance compiles.
            instance
                .compile_all(&store)
                .map_err(error)
                .with_context(|| format!("wasm3 compiling {}", self.guest.name))?;
            // wasm3x finds no memory while it has no bytes (a memory of 0 pages): looked up
            // again once it has grown.
            let memory = instance.get_memory(&store);
            Ok((
                Box::new(Instance {
                    store,
                    instance,
                    memory,
                    maximum_pages: self.guest.memory.maximum,
                    funcs: Vec::new(),
                }),
                elapsed,
            ))
        }

        fn timed_instantiation(&self) -> &'static str {
            "Store::new (m3_NewRuntime) + Linker::instantiate_and_start: parse + load + link \
             (m3_ParseModule + m3_LoadModule + m3_LinkRawFunction per host import, none here) + \
             m3_RunStart"
        }
    }

    type GuestFunc = TypedFunc<(i32, i32, i32), i64>;

    struct Instance {
        store: Store<()>,
        instance: wasm3x::Instance,
        /// `None` while the memory has no bytes (wasm3x reports none then).
        memory: Option<Memory>,
        /// The module's declared maximum: wasm3x does not report one.
        maximum_pages: Option<u64>,
        funcs: Vec<(String, GuestFunc)>,
    }

    impl runtime::Instance for Instance {
        fn export(&mut self, name: &str) -> Result<runtime::Export> {
            let (instance, store) = (self.instance, &self.store);
            runtime::resolve_export(&mut self.funcs, name, || {
                instance
                    .get_typed_func::<(i32, i32, i32), i64>(store, name)
                    .map_err(error)
            })
        }

        fn call_export(&mut self, export: runtime::Export, args: [u32; 3]) -> Result<u64> {
            let (name, func) = &self.funcs[export.index()];
            let [a, b, c] = args.map(|v| v as i32);
            func.call(&mut self.store, (a, b, c))
                .map(|v| v as u64)
                .map_err(error)
                .with_context(|| format!("calling `{name}`"))
        }

        fn memory(&mut self) -> Result<MemoryInfo> {
            if self.memory.is_none() {
                self.memory = self.instance.get_memory(&self.store);
            }
            let data = match self.memory {
                Some(memory) => memory.data(&self.store),
                None => &[],
            };
            Ok(MemoryInfo {
                size_bytes: data.len() as u64,
                maximum_pages: self.maximum_pages,
                base: (!data.is_empty()).then_some(data.as_ptr() as usize),
                // `malloc`ed and grown by `realloc`: a heap buffer.
                heap_backed: true,
                process: None,
            })
        }

        fn grow(&mut self, _delta_pages: u64) -> Result<u64> {
            Err(not_in_binding(NO_HOST_GROW))
        }

        fn into_memory(self: Box<Self>) -> Box<dyn runtime::KeptMemory> {
            // The memory belongs to the store (a wasm3 runtime).
            Box::new(Kept {
                store: self.store,
                instance: self.instance,
            })
        }
    }

    struct Kept {
        store: Store<()>,
        instance: wasm3x::Instance,
    }

    impl runtime::KeptMemory for Kept {
        fn read(&mut self, offset: usize, len: usize) -> Result<Vec<u8>> {
            let memory = self
                .instance
                .get_memory(&self.store)
                .context("the memory has no bytes")?;
            let mut buf = vec![0; len];
            memory.read(&self.store, offset, &mut buf).map_err(error)?;
            Ok(buf)
        }
    }

    /// The spec tests' store: a wasm3 runtime per instance (all modules of one runtime share its
    /// one memory), linking `spectest`'s functions. wasm3x links only host functions, so a module
    /// importing a global, table or memory, or another instance's exports, cannot be
    /// instantiated: those assertions are listed deviations.
    struct SpecStoreImpl {
        engine: Engine,
        instances: Vec<(Store<()>, wasm3x::Instance)>,
    }

    impl SpecStoreImpl {
        fn linker(&self) -> Result<Linker<()>> {
            let mut linker = Linker::new(&self.engine);
            let s = "spectest";
            linker.func_wrap(s, "print", || {}).map_err(error)?;
            linker
                .func_wrap(s, "print_i32", |_: i32| {})
                .map_err(error)?;
            linker
                .func_wrap(s, "print_i64", |_: i64| {})
                .map_err(error)?;
            linker
                .func_wrap(s, "print_f32", |_: f32| {})
                .map_err(error)?;
            linker
                .func_wrap(s, "print_f64", |_: f64| {})
                .map_err(error)?;
            linker
                .func_wrap(s, "print_i32_f32", |_: i32, _: f32| {})
                .map_err(error)?;
            linker
                .func_wrap(s, "print_f64_f64", |_: f64, _: f64| {})
                .map_err(error)?;
            Ok(linker)
        }
    }

    impl SpecStore for SpecStoreImpl {
        fn compile(&mut self, wasm: &[u8]) -> Result<()> {
            validate(&self.engine, wasm)
        }

        fn instantiate(&mut self, wasm: &[u8]) -> Result<usize> {
            refuse_memory_import(wasm)?;
            let module = Module::new(&self.engine, wasm).map_err(error)?;
            let mut store = Store::new(&self.engine, ());
            let instance = self
                .linker()?
                .instantiate_and_start(&mut store, &module)
                .map_err(error)?;
            self.instances.push((store, instance));
            Ok(self.instances.len() - 1)
        }

        fn register(&mut self, _id: usize, name: &str) -> Result<()> {
            anyhow::bail!(
                "wasm3x links only host functions: instance exports cannot be registered as `{name}`"
            )
        }

        fn invoke(
            &mut self,
            id: usize,
            name: &str,
            args: &[runtime::Val],
        ) -> Result<Vec<runtime::Val>> {
            let (store, instance) = self.instances.get_mut(id).context("no such instance")?;
            let func = instance
                .get_func(&*store, name)
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
                            return Err(anyhow::Error::new(NotMeasured::unsupported(
                                "wasm3 has no v128 values (no SIMD)".to_string(),
                            )))
                        }
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let ty = func.ty(&*store).map_err(error)?;
            let mut results = ty
                .results()
                .iter()
                .map(|t| Val::default_for_ty(*t).context("a reference-typed result"))
                .collect::<Result<Vec<_>>>()?;
            func.call(store, &args, &mut results)
                .map_err(error)
                .with_context(|| format!("calling `{name}`"))?;
            results.iter().map(from_val).collect()
        }

        fn global(&mut self, id: usize, name: &str) -> Result<runtime::Val> {
            let (store, instance) = self.instances.get(id).context("no such instance")?;
            let global = instance
                .get_global(store, name)
                .with_context(|| format!("no global export `{name}`"))?;
            from_val(&global.get(store).map_err(error)?)
        }
    }

    /// Compiles every function of `wasm` now. wasm3 compiles a function on its first call (or
    /// lookup), so a module with an instruction it lacks (SIMD) parses and instantiates, and only
    /// its export goes missing; loading it into a store with eager compilation refuses it here,
    /// with wasm3's reason. (A module that imports a memory is refused before it is loaded.)
    fn validate(engine: &Engine, wasm: &[u8]) -> Result<()> {
        refuse_memory_import(wasm)?;
        let mut config = engine.config().clone();
        config.compilation_mode(wasm3x::CompilationMode::Eager);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, wasm).map_err(error)?;
        let mut store = Store::new(&engine, ());
        Linker::new(&engine)
            .instantiate(&mut store, &module)
            .map_err(error)?;
        Ok(())
    }

    /// Refuses a module that imports a memory: wasm3 leaves an imported memory unallocated for
    /// the embedder to install, wasm3x has no call to install one, and its `instantiate` still
    /// succeeds, so the first call of any export dereferences the missing memory (a segfault in
    /// `op_Entry`, m3_exec.h).
    fn refuse_memory_import(wasm: &[u8]) -> Result<()> {
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            if let wasmparser::Payload::ImportSection(imports) = payload? {
                for import in imports.into_imports() {
                    let import = import?;
                    if matches!(import.ty, wasmparser::TypeRef::Memory(_)) {
                        anyhow::bail!(
                            "the module imports memory `{}.{}`: {NO_MEMORY_IMPORT}",
                            import.module,
                            import.name
                        );
                    }
                }
            }
        }
        Ok(())
    }

    fn from_val(v: &Val) -> Result<runtime::Val> {
        Ok(match *v {
            Val::I32(v) => runtime::Val::I32(v),
            Val::I64(v) => runtime::Val::I64(v),
            Val::F32(v) => runtime::Val::F32(v.to_bits()),
            Val::F64(v) => runtime::Val::F64(v.to_bits()),
            Val::FuncRef(_) => {
                anyhow::bail!("a reference result is not supported by the runner")
            }
        })
    }
}
