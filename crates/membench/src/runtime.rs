//! The one abstraction every measurement goes through: a runtime under a memory configuration.
//!
//! Three phases, kept apart so a benchmark can time exactly one of them: [`Runtime::compile`] (module
//! bytes to code), [`Compiled::instantiate`] (a fresh instance with fresh memory), and
//! [`Instance::call`] (the guest's hot loop). Every guest export follows one ABI,
//! `(i32, i32, i32) -> i64`, so calls are typed and cheap on every runtime and a module that does not
//! follow it is refused with the export's name.

use std::fmt;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::module::{self, MemoryPlan};

/// The signature every guest export has, as wasm types: `(i32, i32, i32) -> i64`.
pub const EXPORT_SIGNATURE: &str = "(i32, i32, i32) -> i64";
/// The name a guest exports its memory under (what rustc's wasm32 linker emits).
pub use crate::module::MEMORY_EXPORT;

/// A guest as the runtimes receive it: the wasm bytes already rewritten for one memory plan, plus the
/// native build of the same source when there is one.
#[derive(Clone)]
pub struct GuestModule {
    /// A short name for errors and records (`contiguous`, or a file name).
    pub name: String,
    /// The module bytes, with the memory declared as in `memory`.
    pub wasm: Vec<u8>,
    /// The memory the module declares or imports.
    pub memory: MemoryPlan,
    /// The same guest compiled natively, for the baseline; `None` for a module given as a file.
    pub native: Option<guest_abi::native::Build>,
}

impl fmt::Debug for GuestModule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GuestModule")
            .field("name", &self.name)
            .field("wasm_bytes", &self.wasm.len())
            .field("memory", &self.memory)
            .field("native", &self.native.is_some())
            .finish()
    }
}

impl GuestModule {
    /// A module given as it is (a file on the command line): its memory stays as it declares it,
    /// and there is no native build. It must follow the guest ABI (see [`module::check_guest_abi`]).
    pub fn as_is(name: &str, wasm: Vec<u8>, required: &[&str]) -> Result<Self> {
        module::check_guest_abi(&wasm, required)?;
        Ok(Self {
            name: name.to_string(),
            memory: module::declared_memory(&wasm)?,
            wasm,
            native: None,
        })
    }

    /// Rewrites `wasm` for `plan` (see [`module::with_memory`]).
    pub fn new(
        name: &str,
        wasm: &[u8],
        plan: MemoryPlan,
        native: Option<guest_abi::native::Build>,
    ) -> Result<Self> {
        Ok(Self {
            name: name.to_string(),
            wasm: module::with_memory(wasm, &plan)?,
            memory: plan,
            native,
        })
    }
}

/// A runtime-engine under one host memory strategy, e.g. wasmtime's Cranelift with its default
/// memory configuration.
pub trait Runtime: Send + Sync {
    /// `<runtime>-<engine>`, e.g. `wasmtime-cranelift`; used verbatim in bench ids and records.
    fn id(&self) -> &str;
    /// The host memory strategy, named as the runtime's API names its knobs (`default`, or e.g.
    /// `memory_reservation=0,memory_guard_size=0`).
    fn strategy(&self) -> &str;
    /// The version of the runtime crate this adapter was built against.
    fn version(&self) -> &'static str;
    /// Compiles (or, for interpreters, validates and translates) the module.
    fn compile(&self, module: &GuestModule) -> Result<Box<dyn Compiled>>;
    /// Runs the engine's garbage collector to completion, where memory is garbage collected:
    /// `Ok(true)` when it ran (the JavaScript engines: `gc()`, `Bun.gc(true)`), `Ok(false)` for a
    /// runtime that frees a memory when its instance is dropped and has nothing to collect.
    fn collect_garbage(&self) -> Result<bool> {
        Ok(false)
    }

    /// The JavaScript engine behind this runtime, for the claims only the JS API can be asked
    /// about (a detached `ArrayBuffer`, many live `WebAssembly.Memory` objects); `None` elsewhere.
    fn js(&self) -> Option<&dyn JsApi> {
        None
    }

    /// A new store for the spec's tests, whose functions take any value types and import from
    /// `spectest` and from each other (see [`crate::spec`]). The native baseline runs no wasm.
    fn spec_store(&self) -> Result<Box<dyn SpecStore>> {
        anyhow::bail!("{} runs no WebAssembly modules", self.id())
    }
}

/// What only the WebAssembly JS API can be asked about (a detached `ArrayBuffer`, many live
/// `WebAssembly.Memory` objects, which tier compiled a function), and the switches its checks
/// need; implemented by the JavaScript engines' adapter, so this trait names no adapter.
pub trait JsApi {
    /// Which of V8's tiers compiled a guest function after `calls` calls: `(liftoff, turbofan)`,
    /// asked through V8's test natives; an error saying so on an engine that cannot tell (JSC).
    /// For checking that a tier switch (`--liftoff-only`, `--no-liftoff`) does what it claims.
    fn tier_after(&self, calls: u64) -> Result<(bool, bool)>;

    /// Turns off (or back on) the collection an instantiation makes once
    /// `COLLECT_AFTER_DROPS` (`runtimes::js`) dropped instances await it, for a check that watches how far
    /// dropped memories pile up when the engine is left to collect on its own.
    fn set_auto_collect(&self, on: bool);

    /// Whether the engine can be made to collect garbage (`gc()` in the page or process): not in
    /// Firefox's or WebKit's pages.
    fn can_collect(&self) -> bool;

    /// Whether a fresh instance that got a fallback memory (no mapping of its own where this
    /// module's first instances had one) on an engine that cannot be made to collect is refused as
    /// not measured (the default) or used.
    fn set_refuse_fallback(&self, on: bool);

    /// The seed's growth as the JS API shows it: `memory.grow(1)` from JS returns the old size in
    /// pages and detaches the `ArrayBuffer` taken before it (`byteLength` 0; `memory.buffer` is a
    /// new one), and a grow past the maximum throws `RangeError`, leaving the memory as it was.
    fn detached_on_grow(&self) -> Result<(bool, String)>;

    /// Many live memories: creates `WebAssembly.Memory({initial: 1})` objects, kept alive, until
    /// the engine refuses one, `limit` exist or `limit_ms` pass, and reports what each batch added
    /// to the engine's address space, and where that changed (JSC gives fast memory to a limited
    /// number of memories; V8 reserves guard regions per memory until the address space runs out),
    /// and what a fresh instance gets before the memories and beside them ([`JsRuntime::probe`]:
    /// its grow cost and throughput after the engine's switch). Held when the engine kept creating
    /// memories to the limit.
    fn many_memories(&self, limit: u64, limit_ms: u64) -> Result<(bool, String)>;
}

/// A compiled module, instantiable many times.
pub trait Compiled {
    /// A new instance with new memory, created per the module's [`MemoryPlan`] (for an imported
    /// memory, the host creates it with the plan's limits first).
    fn instantiate(&self) -> Result<Box<dyn Instance>> {
        self.instantiate_timed().map(|(instance, _)| instance)
    }

    /// [`Compiled::instantiate`], also returning the time of the instantiation alone: the steps
    /// [`Compiled::timed_instantiation`] names, with linking (import resolution) done once at
    /// compile time where the runtime allows it, and the memory lookup, boxing and export
    /// resolution left outside.
    fn instantiate_timed(&self) -> Result<(Box<dyn Instance>, Duration)>;

    /// What [`Compiled::instantiate_timed`] times, in the runtime's API terms (e.g.
    /// `Store::new + InstancePre::instantiate`), for the record.
    fn timed_instantiation(&self) -> &'static str;

    /// The resolution of the clock that times this module's instantiations and its instances'
    /// calls and grows ([`enough_ticks`]): `Instant`'s nanosecond in this process; an engine's
    /// own clock (`performance.now`, coarsened in browsers) for one in another process.
    fn clock_resolution(&self) -> Duration {
        Duration::from_nanos(1)
    }

    /// The process whose memory an instance lives in, when it is not this one (an engine driven
    /// over a pipe): process-wide figures (`VmSize`, `VmRSS`) are read from `/proc/<pid>/`.
    fn process(&self) -> Option<u32> {
        None
    }
}

/// A guest export resolved once by [`Instance::export`]: the lookup and the signature check are
/// done, so [`Instance::call_export`] does neither (and allocates nothing) inside a timed region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Export(usize);

impl Export {
    /// The handle of the `index`-th export an instance resolved.
    pub fn new(index: usize) -> Self {
        Self(index)
    }

    /// Its index in the instance's table of resolved exports.
    pub fn index(self) -> usize {
        self.0
    }
}

/// Resolves `name` in an adapter's table of resolved exports, resolving it with `resolve` and
/// appending it when it is new. Linear search: it runs outside timed regions, over a few entries.
pub fn resolve_export<F>(
    table: &mut Vec<(String, F)>,
    name: &str,
    resolve: impl FnOnce() -> Result<F>,
) -> Result<Export> {
    if let Some(i) = table.iter().position(|(n, _)| n == name) {
        return Ok(Export(i));
    }
    let func = resolve().with_context(|| export_error(name))?;
    table.push((name.to_string(), func));
    Ok(Export(table.len() - 1))
}

/// A live instance and its memory.
pub trait Instance {
    /// Resolves export `name` (lookup and signature check) once, for calls in timed regions.
    fn export(&mut self, name: &str) -> Result<Export>;

    /// Calls a resolved export with the guest ABI: no lookup, no allocation on success. A trap
    /// comes back as an error holding a [`Trap`].
    fn call_export(&mut self, export: Export, args: [u32; 3]) -> Result<u64>;

    /// Calls a resolved export `repeat` times (at least once) and returns the last result with
    /// the time of the calls alone. In-process runtimes time the loop of
    /// [`Instance::call_export`] here; an engine driven over a pipe times it with its own clock,
    /// so the pipe is never inside the figure.
    fn call_timed(
        &mut self,
        export: Export,
        args: [u32; 3],
        repeat: u64,
    ) -> Result<(u64, Duration)> {
        let start = std::time::Instant::now();
        let mut last = 0;
        for _ in 0..repeat.max(1) {
            last = std::hint::black_box(self.call_export(export, args)?);
        }
        Ok((last, start.elapsed()))
    }

    /// `count` host-side grows of `delta_pages` each (at least one), timed as one region that
    /// holds the grows alone: the old size the last grow returned, or the error of the first
    /// failing grow (which ends the loop, saying how many grows succeeded before), and in both
    /// cases the time of the loop, so a failing grow (`host-grow-fail`) is timed like any other.
    ///
    /// Only the runtime's own `Memory::grow` may run inside the clock: no lookup of the memory's
    /// type or size, no error context or formatting (each adapter builds its error after the
    /// clock stops, [`time_grows`]). This default calls [`Instance::grow`], which builds its
    /// error inside the loop: it is for test doubles; every adapter overrides it with a loop of
    /// the runtime's raw grow, and an engine in another process times its loop of `memory.grow`
    /// with its own clock, so the pipe is never inside the figure.
    fn grow_repeat_timed(&mut self, delta_pages: u64, count: u64) -> (Result<u64>, Duration) {
        let count = count.max(1);
        let start = std::time::Instant::now();
        let mut last = 0;
        for done in 0..count {
            match self.grow(delta_pages) {
                Ok(old) => last = std::hint::black_box(old),
                Err(e) => {
                    let elapsed = start.elapsed();
                    return (Err(grow_loop_error(e, done, count, delta_pages)), elapsed);
                }
            }
        }
        (Ok(last), start.elapsed())
    }

    /// `count` host-side grows of `delta_pages` past the maximum (at least one), each refused,
    /// timed as one region holding the grows alone: a refused grow leaves the memory as it was,
    /// so they repeat, and the region spans enough ticks of the clock to be read. `Ok` when every
    /// grow was refused; an error (built after the clock) naming the first that succeeded.
    ///
    /// As for [`Instance::grow_repeat_timed`], only the runtime's own `Memory::grow` runs inside
    /// the clock, and this default, which calls [`Instance::grow`] (its error built inside the
    /// loop), is for test doubles and adapters without host grows.
    fn grows_refused_timed(&mut self, delta_pages: u64, count: u64) -> (Result<()>, Duration) {
        // A binding without host grows (WAMR's, wasm3's crates) answers every grow with an
        // *unsupported* error: that is no refused grow, and is never timed as one. One untimed
        // grow first tells them apart (a refused grow leaves the memory as it was).
        match self.grow(delta_pages) {
            Err(e) if crate::record::NotMeasured::of(&e) != crate::record::FailureKind::Failed => {
                return (Err(e), Duration::ZERO);
            }
            Err(_) => {}
            Ok(old) => {
                let e = anyhow::anyhow!(
                    "a host grow by {delta_pages} pages past the maximum succeeded (old size {old})"
                );
                return (Err(e), Duration::ZERO);
            }
        }
        let timed = time_refused_grows(count, || self.grow(delta_pages));
        refused_grows_timed(timed, delta_pages)
    }

    /// The resolution of the clock that times this instance's calls and grows (see
    /// [`Compiled::clock_resolution`]).
    fn clock_resolution(&self) -> Duration {
        Duration::from_nanos(1)
    }

    /// Resolves and calls export `name`: for calls outside timed regions.
    fn call(&mut self, name: &str, args: [u32; 3]) -> Result<u64> {
        let export = self.export(name)?;
        self.call_export(export, args)
    }
    /// The memory as the runtime reports it right now.
    fn memory(&mut self) -> Result<MemoryInfo>;
    /// Host-side grow of the instance's memory (`Memory::grow` in the runtime's API): the old size
    /// in pages, or an error naming the limit (the Rust counterpart of JavaScript's `RangeError`).
    fn grow(&mut self, delta_pages: u64) -> Result<u64>;
    /// Drops the instance and keeps only a handle to its memory, as a host does that holds on to
    /// an exported or imported memory after the instance is gone. In every runtime here the memory
    /// belongs to the store, so the store stays alive with it until the handle is dropped.
    fn into_memory(self: Box<Self>) -> Box<dyn KeptMemory>;
}

/// A memory the host kept after dropping its instance (see [`Instance::into_memory`]).
pub trait KeptMemory {
    /// Copies `len` bytes at `offset` out of the memory (an error past its end).
    fn read(&mut self, offset: usize, len: usize) -> Result<Vec<u8>>;
}

/// How a [`RuntimeSpec`] builds its engine.
pub type BuildRuntime = Box<dyn Fn() -> Result<Box<dyn Runtime>> + Send + Sync>;

/// A runtime-engine under a strategy, before it is built (building an engine can fail, and a
/// failure must be reported for that runtime while the others run). Each adapter file lists its own
/// in a `specs()` function; [`crate::matrix::runtimes`] concatenates them.
pub struct RuntimeSpec {
    /// `<runtime>-<engine>`, as [`Runtime::id`] returns it.
    pub id: &'static str,
    /// The host memory strategy, as [`Runtime::strategy`] returns it: `default`, or the knobs set,
    /// spelled as the runtime's API spells them.
    pub strategy: String,
    /// A short name for the strategy in bench ids and chart labels (`bounds-checked`, `pooling`):
    /// the knobs themselves are too long for criterion's 100-character ids.
    pub slug: &'static str,
    /// Whether this is the strategy the runtime runs with when not configured: decided here, once.
    pub default: bool,
    /// Whether this is the native baseline rather than a wasm runtime.
    pub native: bool,
    /// Whether the engine interprets (wasmi, Pulley): such runtimes get sampling settings that keep
    /// their slow cases within time instead of being dropped.
    pub interpreter: bool,
    /// For strategies whose grows move and copy the memory (quadratic in the number of grows): the
    /// size in pages past which grow cases are capped, so a sample stays under 30 s.
    pub grow_bound_pages: Option<u64>,
    /// A limit the host configuration puts on every memory, in pages, below the 4 GiB a 32-bit
    /// memory may declare (the pooling allocator's `max_memory_size`, wasmi's `StoreLimits`): grows
    /// past it fail even under a larger declared maximum.
    pub memory_limit_pages: Option<u64>,
    /// Whether the engine runs in a process of its own (the JavaScript engines, driven over a
    /// pipe): its memories' pages cannot be read from here, and its figures come from
    /// `/proc/<pid>/`.
    pub out_of_process: bool,
    /// Builds the engine.
    pub build: BuildRuntime,
}

impl RuntimeSpec {
    /// Builds the engine.
    pub fn build(&self) -> Result<Box<dyn Runtime>> {
        (self.build)()
    }

    /// Builds the engine, or `None` when it is an optional engine that is not on this machine: a
    /// JavaScript engine or browser not installed, or WAMR and wasm3 in a build without the
    /// `c-runtimes` feature. With `MEMBENCH_REQUIRE_ALL=1` (as CI sets, having installed them and
    /// built with the feature) a missing engine is an error instead, so a test cannot pass by
    /// skipping it.
    pub fn build_optional(&self) -> Result<Option<Box<dyn Runtime>>> {
        match self.build() {
            Ok(rt) => Ok(Some(rt)),
            Err(e)
                if crate::record::NotMeasured::of(&e)
                    == crate::record::FailureKind::NotInstalled
                    && std::env::var("MEMBENCH_REQUIRE_ALL").as_deref() != Ok("1") =>
            {
                eprintln!("skipped ({} {}): {e:#}", self.id, self.strategy);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// True for the strategy each runtime runs with when not configured.
    pub fn is_default(&self) -> bool {
        self.default
    }

    /// The strategy as case keys carry it.
    pub fn strategy_key(&self) -> crate::case::StrategyKey {
        crate::case::StrategyKey {
            slug: self.slug.to_string(),
            knobs: self.strategy.clone(),
            default: self.default,
        }
    }
}

/// What a runtime reports about an instance's memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryInfo {
    /// Current size in bytes (`memory.size` × 65536).
    pub size_bytes: u64,
    /// The maximum in pages the runtime holds for the memory, if any.
    pub maximum_pages: Option<u64>,
    /// The address of the memory's first byte now, in the process that holds it (`process`; it
    /// may move on grow), for reading which of its pages are resident. `None` where that process
    /// does not show it: an engine's memory is found as the mapping that appeared when it was
    /// created ([`crate::procfs::appeared`]), and a heap buffer there maps nothing of its own.
    pub base: Option<usize>,
    /// True when the memory is a heap buffer (a `Vec`) rather than a mapping of its own: then no
    /// mapping shows its reservation (`VmSize` may not move at all), and the allocator may hand it
    /// out already touched.
    pub heap_backed: bool,
    /// The engine process holding the memory, when it is not this one.
    pub process: Option<u32>,
}

impl MemoryInfo {
    /// The memory's address when it lives in this process (its pages can be read or mapped
    /// beside at it); else the typed *unsupported* error naming `what` could not be done, for the
    /// case's record.
    pub fn in_this_process(&self, what: &str) -> Result<usize> {
        match (self.process, self.base) {
            (None, Some(base)) => Ok(base),
            (Some(pid), _) => Err(unsupported(format!(
                "{what}: the memory lives in engine process {pid}, not in this one"
            ))),
            (None, None) => Err(unsupported(format!("{what}: the runtime gave no address"))),
        }
    }

    /// Where the memory's bytes are, in whichever process holds them, for reading their
    /// residency from `/proc/<pid>/pagemap` by the same code for every adapter; the typed
    /// *unsupported* error naming `what` when that process does not show where.
    pub fn range(&self, what: &str) -> Result<crate::procfs::Range> {
        match self.base {
            Some(base) => Ok(crate::procfs::Range {
                process: self.process,
                base,
                len: self.size_bytes as usize,
            }),
            None => Err(unsupported(match self.process {
                Some(pid) => format!(
                    "{what}: engine process {pid} shows no mapping of its own for the memory (no \
                     accessible mapping of its size appeared when it was created, or it has \
                     moved since)"
                ),
                None => format!("{what}: the runtime gave no address"),
            })),
        }
    }
}

fn unsupported(why: String) -> anyhow::Error {
    anyhow::Error::new(crate::record::NotMeasured::unsupported(why))
}

/// A wasm trap raised by a guest, carried inside the `anyhow::Error` an adapter returns, so callers
/// can tell "the guest trapped" from "the host failed" with `err.downcast_ref::<Trap>()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    /// The runtime's own description of the trap.
    pub message: String,
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wasm trap: {}", self.message)
    }
}

impl std::error::Error for Trap {}

/// True when `err` (or anything in its chain) is a guest trap.
pub fn is_trap(err: &anyhow::Error) -> bool {
    err.chain().any(|e| e.is::<Trap>())
}

/// The error for an export that is missing or does not have the guest ABI's signature.
pub fn export_error(name: &str) -> String {
    format!("the module has no export `{name}` with the guest signature {EXPORT_SIGNATURE}")
}

/// The typed *unsupported* error of a runtime that refuses a shared memory (the threads
/// proposal's `shared` limits flag), carrying the engine's own error.
pub fn shared_memory_refused(runtime: &str, engine_error: &anyhow::Error) -> anyhow::Error {
    anyhow::Error::new(crate::record::NotMeasured::unsupported(format!(
        "{runtime} refuses a shared memory: {engine_error:#}"
    )))
}

/// The typed *unsupported* error of a runtime that refuses the `build` guest while it compiles the
/// `baseline` one: it lacks the proposal the build needs (`simd128`, memory64, ...), in the
/// engine's own words.
pub fn build_refused(
    runtime: &str,
    build: crate::case::GuestBuild,
    baseline: crate::case::GuestBuild,
    engine_error: &anyhow::Error,
) -> anyhow::Error {
    // The proposal is named where the build's id does not already say it.
    let proposal = match build.proposal() {
        p if p == build.id() => String::new(),
        p => format!(" ({p})"),
    };
    anyhow::Error::new(crate::record::NotMeasured::unsupported(format!(
        "{runtime} refuses the {build} guest{proposal} and compiles the {baseline} one: \
         {engine_error:#}"
    )))
}

/// Compiles `guest(plan)` on `runtime`. For a shared memory, also instantiates it once (an engine
/// may refuse it when creating it rather than when compiling); when that fails while the same
/// memory unshared compiles and instantiates, the runtime refuses shared memories: a typed
/// *unsupported* error carrying the engine's own error ([`shared_memory_refused`]), never a
/// failure. Any other error stays an error.
pub fn compile_for_plan(
    runtime: &dyn Runtime,
    plan: MemoryPlan,
    guest: impl Fn(MemoryPlan) -> Result<GuestModule>,
) -> Result<Box<dyn Compiled>> {
    let attempt = || -> Result<Box<dyn Compiled>> {
        let compiled = runtime.compile(&guest(plan)?)?;
        if plan.shared {
            drop(compiled.instantiate()?);
        }
        Ok(compiled)
    };
    match attempt() {
        Err(e)
            if plan.shared
                && crate::record::NotMeasured::of(&e) == crate::record::FailureKind::Failed =>
        {
            let unshared = MemoryPlan {
                shared: false,
                ..plan
            };
            drop(
                runtime
                    .compile(&guest(unshared)?)?
                    .instantiate()
                    .context("the same memory unshared does not instantiate either")?,
            );
            Err(shared_memory_refused(runtime.id(), &e))
        }
        other => other,
    }
}

/// The fewest ticks of its clock a published timed region spans: below that, the clock's own
/// step is more than 1 % of the figure (Chromium's `performance.now` steps by 5 µs: a 20 µs grow
/// loop read as an exact multiple of it).
pub const MIN_TICKS: u32 = 100;

/// `elapsed`, if it spans at least [`MIN_TICKS`] ticks of a clock of `resolution`; otherwise a
/// *finding* (not measured: the clock cannot time it), naming the region, the time and the clock. For a region that
/// cannot be batched (a first touch, a grow on a fresh instance, an instantiation): repeated warm
/// calls are batched instead ([`crate::contiguous::Prepared::run_warm_timed`]).
pub fn enough_ticks(elapsed: Duration, resolution: Duration, what: &str) -> Result<Duration> {
    let least = resolution * MIN_TICKS;
    if elapsed >= least {
        return Ok(elapsed);
    }
    Err(crate::record::NotMeasured::finding(format!(
        "{what} took {elapsed:?}, fewer than {MIN_TICKS} ticks of a clock that steps by \
         {resolution:?} (at least {least:?}): not measured"
    ))
    .into())
}

/// The time of `iters` (at least 1) repetitions of a region that can be repeated (a warm call),
/// timed as `timed(repeat)` (one region of `repeat` repetitions) with as many repetitions as it
/// takes to span [`MIN_TICKS`] ticks of a clock of `resolution`, scaled back to `iters`.
pub fn batched(
    iters: u64,
    resolution: Duration,
    mut timed: impl FnMut(u64) -> Result<Duration>,
) -> Result<Duration> {
    let iters = iters.max(1);
    let least = resolution * MIN_TICKS;
    let mut repeat = iters;
    loop {
        let elapsed = timed(repeat)?;
        if elapsed >= least {
            return Ok(elapsed.mul_f64(iters as f64 / repeat as f64));
        }
        // At least double, and enough for the ticks if the repetitions take what these did.
        let enough = least.as_secs_f64() / elapsed.as_secs_f64().max(1e-9) * 1.2;
        repeat = repeat.saturating_mul((enough.ceil() as u64).clamp(2, 1 << 20));
    }
}

/// Times `count` (at least 1) calls of an adapter's raw `grow`, and nothing else: the last old
/// size and the time, or how many grows succeeded and the error that stopped the loop (whose
/// context the adapter adds after the clock stopped). One loop for every in-process adapter's
/// [`Instance::grow_repeat_timed`].
pub fn time_grows<E>(
    count: u64,
    mut grow: impl FnMut() -> std::result::Result<u64, E>,
) -> (std::result::Result<u64, (u64, E)>, Duration) {
    let start = std::time::Instant::now();
    let mut last = 0;
    for done in 0..count.max(1) {
        match grow() {
            Ok(old) => last = std::hint::black_box(old),
            Err(e) => return (Err((done, e)), start.elapsed()),
        }
    }
    (Ok(last), start.elapsed())
}

/// Times `count` (at least 1) calls of an adapter's raw `grow`, each expected to be refused, and
/// nothing else (each refusal is dropped in the loop: making and dropping it is the engine's cost
/// of a refused grow): `None` when every one was refused, or which grow succeeded (0-based) and
/// the old size it returned, which ends the loop.
pub fn time_refused_grows<E>(
    count: u64,
    mut grow: impl FnMut() -> std::result::Result<u64, E>,
) -> (Option<(u64, u64)>, Duration) {
    let start = std::time::Instant::now();
    for i in 0..count.max(1) {
        if let Ok(old) = std::hint::black_box(grow()) {
            return (Some((i, old)), start.elapsed());
        }
    }
    (None, start.elapsed())
}

/// An adapter's [`Instance::grows_refused_timed`] from the outcome of [`time_refused_grows`].
pub fn refused_grows_timed(
    (succeeded, elapsed): (Option<(u64, u64)>, Duration),
    delta_pages: u64,
) -> (Result<()>, Duration) {
    let result = match succeeded {
        None => Ok(()),
        Some((i, old)) => Err(anyhow::anyhow!(
            "host grow {} by {delta_pages} pages past the maximum succeeded (old size {old})",
            i + 1
        )),
    };
    (result, elapsed)
}

/// The error for `count` host grows that stopped at grow `done + 1` (0-based `done` succeeded).
pub fn grow_loop_error(
    err: anyhow::Error,
    done: u64,
    count: u64,
    delta_pages: u64,
) -> anyhow::Error {
    err.context(format!(
        "host grow {} of {count} by {delta_pages} pages failed",
        done + 1
    ))
}

/// The error of an adapter's own grow loop ([`time_grows`]) that stopped at grow `done + 1`: the
/// engine's error in the context of the memory when it stopped (its size and limit, as
/// [`grow_error`] words them) and of the loop ([`grow_loop_error`]). Built after the clock stopped.
pub fn grow_loop_failed(
    err: anyhow::Error,
    done: u64,
    count: u64,
    delta_pages: u64,
    current_pages: u64,
    maximum: Option<u64>,
) -> anyhow::Error {
    grow_loop_error(
        err.context(grow_error(current_pages, delta_pages, maximum)),
        done,
        count,
        delta_pages,
    )
}

/// An adapter's [`Instance::grow_repeat_timed`] from the outcome of [`time_grows`]: the last old
/// size, or the error `failed` builds (after the clock) from how many grows succeeded and the
/// runtime's raw error; the loop's time either way.
pub fn grows_timed<E>(
    (result, elapsed): (std::result::Result<u64, (u64, E)>, Duration),
    failed: impl FnOnce(u64, E) -> anyhow::Error,
) -> (Result<u64>, Duration) {
    (result.map_err(|(done, e)| failed(done, e)), elapsed)
}

/// [`grows_timed`] with [`grow_loop_failed`]'s words: `failed` turns the runtime's raw error into
/// the error, the memory's size in pages and its declared maximum, read after the clock stopped.
pub fn grow_loop_timed<E>(
    timed: (std::result::Result<u64, (u64, E)>, Duration),
    count: u64,
    delta_pages: u64,
    failed: impl FnOnce(E) -> (anyhow::Error, u64, Option<u64>),
) -> (Result<u64>, Duration) {
    grows_timed(timed, |done, e| {
        let (err, current, maximum) = failed(e);
        grow_loop_failed(err, done, count, delta_pages, current, maximum)
    })
}

/// The context of a failed host-side grow: current size, the request, and the limit it hit.
pub fn grow_error(current_pages: u64, delta_pages: u64, maximum: Option<u64>) -> String {
    let limit = match maximum {
        Some(max) => format!("declared maximum {max} pages"),
        None => "no declared maximum".to_string(),
    };
    format!("growing memory of {current_pages} pages by {delta_pages} refused ({limit})")
}

/// A wasm value crossing the host boundary. Floats are carried as bits so NaN payloads survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Val {
    /// `i32`.
    I32(i32),
    /// `i64`.
    I64(i64),
    /// `f32`, as its bits.
    F32(u32),
    /// `f64`, as its bits.
    F64(u64),
    /// `v128`, little-endian lanes.
    V128(u128),
}

/// One store of a runtime under a configuration, holding any number of instances that can import
/// from `spectest` (the spec's host module: `print*` functions, `global_{i32,i64,f32,f64}` = 666,
/// `table` 10..20 funcref, `memory` 1..2) and from instances registered under a name.
///
/// Instances are numbered in the order they were made. Errors follow [`Runtime`]'s convention: a trap
/// (also one raised while instantiating, e.g. by a data segment out of bounds) carries a
/// [`Trap`]; anything else (invalid module, failed link) does not.
pub trait SpecStore {
    /// Compiles (validates) a module without instantiating it.
    fn compile(&mut self, wasm: &[u8]) -> Result<()>;
    /// Compiles and instantiates a module, resolving its imports.
    fn instantiate(&mut self, wasm: &[u8]) -> Result<usize>;
    /// Makes `instance`'s exports importable under module name `name`.
    fn register(&mut self, instance: usize, name: &str) -> Result<()>;
    /// Calls exported function `name` with `args`, returning its results.
    fn invoke(&mut self, instance: usize, name: &str, args: &[Val]) -> Result<Vec<Val>>;
    /// Reads exported global `name`.
    fn global(&mut self, instance: usize, name: &str) -> Result<Val>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// An instance whose grows take a known time and count themselves, and whose every other
    /// method panics: what the default `grow_repeat_timed` times is the grows and nothing else.
    struct Counting {
        pages: u64,
        maximum: u64,
        grows: u64,
    }

    const GROW_TAKES: Duration = Duration::from_millis(2);

    impl Instance for Counting {
        fn export(&mut self, _: &str) -> Result<Export> {
            unreachable!("no export is resolved")
        }
        fn call_export(&mut self, _: Export, _: [u32; 3]) -> Result<u64> {
            unreachable!("no guest call")
        }
        fn memory(&mut self) -> Result<MemoryInfo> {
            unreachable!("no memory lookup")
        }
        fn grow(&mut self, delta_pages: u64) -> Result<u64> {
            self.grows += 1;
            std::thread::sleep(GROW_TAKES);
            anyhow::ensure!(
                self.pages + delta_pages <= self.maximum,
                grow_error(self.pages, delta_pages, Some(self.maximum))
            );
            self.pages += delta_pages;
            Ok(self.pages - delta_pages)
        }
        fn into_memory(self: Box<Self>) -> Box<dyn KeptMemory> {
            unreachable!()
        }
    }

    /// A clock stepping by 5 µs (Chromium's `performance.now`) over calls of 0.7 µs each: what
    /// it reads for `repeat` calls.
    fn coarse(repeat: u64) -> Duration {
        let step = 5_000u64;
        Duration::from_nanos(repeat * 700 / step * step)
    }

    #[test]
    fn a_region_of_fewer_than_100_ticks_is_not_measured_and_warm_calls_are_batched_past_them() {
        let step = Duration::from_micros(5);
        // 56 grows of 0.7 µs read as 35 µs: 7 ticks, refused as a finding naming the clock.
        let err = enough_ticks(coarse(56), step, "a grow loop").unwrap_err();
        assert_eq!(
            crate::record::NotMeasured::of(&err),
            crate::record::FailureKind::Finding
        );
        assert!(format!("{err}").contains("fewer than 100 ticks"), "{err}");
        assert_eq!(enough_ticks(step * 100, step, "x").unwrap(), step * 100);
        // One warm call is batched until the region spans 500 µs, then scaled back: 0.7 µs
        // within the clock's step over the batch (0.7 µs ± 5 µs / repeat), not 0 or 5 µs.
        let mut regions = Vec::new();
        let one = batched(1, step, |repeat| {
            regions.push(repeat);
            Ok(coarse(repeat))
        })
        .unwrap();
        let last = *regions.last().unwrap();
        assert!(coarse(last) >= step * 100, "{regions:?}");
        assert!(
            (one.as_nanos() as f64 - 700.0).abs() <= 5_000.0 / last as f64 + 1.0,
            "{one:?} from {regions:?}"
        );
        // A region long enough already is one region of `iters`.
        let mut calls = 0;
        let long = batched(1000, step, |repeat| {
            calls += 1;
            Ok(coarse(repeat))
        })
        .unwrap();
        assert_eq!((calls, long), (1, coarse(1000)));
    }

    #[test]
    fn repeated_host_grows_return_the_last_old_size_and_time_the_grows_alone() {
        let mut i = Counting {
            pages: 16,
            maximum: 24,
            grows: 0,
        };
        let (old, elapsed) = i.grow_repeat_timed(1, 8);
        assert_eq!((old.unwrap(), i.pages, i.grows), (23, 24, 8));
        assert!(elapsed >= GROW_TAKES * 8, "{elapsed:?}");
        // At the maximum: the first grow fails, the error says which one and the limit, and the
        // failing grow is timed too (the loop stopped at it: one grow more, counted below).
        let (err, elapsed) = i.grow_repeat_timed(1, 2);
        let err = err.unwrap_err();
        assert!(elapsed >= GROW_TAKES, "{elapsed:?}");
        let text = format!("{err:#}");
        assert!(
            text.starts_with("host grow 1 of 2 by 1 pages failed"),
            "{text}"
        );
        assert!(text.contains("declared maximum 24 pages"), "{text}");
        assert_eq!((i.pages, i.grows), (24, 9));
        // Refused grows repeat in one region (after one untimed probe), the memory unchanged.
        let (refused, elapsed) = i.grows_refused_timed(1, 3);
        refused.unwrap();
        assert_eq!((i.pages, i.grows), (24, 13));
        assert!(elapsed >= GROW_TAKES * 3, "{elapsed:?}");
        // A count of 0 still grows once, as `call_timed`'s repeat.
        i.maximum = 25;
        assert_eq!(i.grow_repeat_timed(1, 0).0.unwrap(), 24);
    }
}
