//! The native baseline: the same guest source compiled by rustc for the host, running over a host
//! memory with no sandbox at all. Two ways to hold that memory, as the floor to compare runtimes'
//! strategies against: an `mmap` reservation of the whole maximum whose pages are made accessible as
//! the memory grows (what JIT runtimes do), and a `Vec` that reallocates as it grows.

use std::ptr::NonNull;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use guest_abi::native::{Build, Export};

use crate::module::PAGE;
use crate::runtime::{self, GuestModule, MemoryInfo, RuntimeSpec, Trap};

/// The largest 32-bit memory, in pages (4 GiB).
const MAX_PAGES: u64 = 65536;

/// How the native host holds the guest's memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NativeStrategy {
    /// `mmap(PROT_NONE)` of the maximum (4 GiB without one), `mprotect` on growth: never moves.
    Mmap,
    /// `Vec<u8>::resize`: reallocates (and may move) as it grows, zero-fills new bytes.
    Vec,
}

impl NativeStrategy {
    /// The strategy id: `mmap` or `vec`.
    pub fn id(self) -> &'static str {
        match self {
            NativeStrategy::Mmap => "mmap",
            NativeStrategy::Vec => "vec",
        }
    }
}

/// The matrix entries of the native baseline.
pub fn specs() -> Vec<RuntimeSpec> {
    [NativeStrategy::Mmap, NativeStrategy::Vec]
        .into_iter()
        .map(|s| RuntimeSpec {
            id: "native-rustc",
            strategy: s.id().to_string(),
            slug: s.id(),
            default: s == NativeStrategy::Mmap,
            native: true,
            interpreter: false,
            grow_bound_pages: None,
            memory_limit_pages: None,
            out_of_process: false,
            build: Box::new(move || Ok(Box::new(Native(s)))),
        })
        .collect()
}

/// The native build of the guests, holding memory one way.
pub struct Native(pub NativeStrategy);

impl runtime::Runtime for Native {
    fn id(&self) -> &str {
        "native-rustc"
    }
    fn strategy(&self) -> &str {
        self.0.id()
    }
    fn version(&self) -> &'static str {
        crate::versions::RUSTC
    }
    fn compile(&self, guest: &GuestModule) -> Result<Box<dyn runtime::Compiled>> {
        if guest.memory.shared {
            return Err(anyhow::Error::new(crate::record::NotMeasured::unsupported(
                "native-rustc: the native baseline has no shared memory (no threads proposal; its \
                 memory is one host buffer either way)"
                    .to_string(),
            )));
        }
        let build = guest.native.with_context(|| {
            format!("{} has no native build to run as the baseline", guest.name)
        })?;
        Ok(Box::new(Compiled {
            strategy: self.0,
            build,
            guest: guest.clone(),
        }))
    }
}

struct Compiled {
    strategy: NativeStrategy,
    build: Build,
    guest: GuestModule,
}

impl runtime::Compiled for Compiled {
    fn instantiate_timed(&self) -> Result<(Box<dyn runtime::Instance>, Duration)> {
        let plan = self.guest.memory;
        let maximum = plan.maximum.unwrap_or(MAX_PAGES).min(MAX_PAGES);
        let start = Instant::now();
        let memory = match self.strategy {
            NativeStrategy::Mmap => Memory::mmap(plan.initial, maximum),
            NativeStrategy::Vec => Ok(Memory::Vec(vec![0u8; (plan.initial * PAGE) as usize])),
        };
        let elapsed = start.elapsed();
        let instance = Instance {
            build: self.build,
            memory: memory?,
            maximum,
            declared_maximum: plan.maximum,
        };
        Ok((Box::new(instance), elapsed))
    }

    fn timed_instantiation(&self) -> &'static str {
        match self.strategy {
            NativeStrategy::Mmap => "mmap(PROT_NONE) of the maximum + mprotect of the initial size",
            NativeStrategy::Vec => "vec![0; initial] (calloc)",
        }
    }
}

/// The guest's memory on the host.
enum Memory {
    Mmap {
        base: NonNull<u8>,
        reserved: usize,
        len: usize,
    },
    Vec(Vec<u8>),
}

impl Memory {
    fn mmap(initial: u64, maximum: u64) -> Result<Self> {
        let reserved = (maximum * PAGE) as usize;
        let len = (initial * PAGE) as usize;
        ensure!(
            initial <= maximum,
            "initial {initial} pages above maximum {maximum}"
        );
        // SAFETY: a fresh anonymous mapping, touched by nothing else.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                reserved.max(1),
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            bail!(
                "reserving {reserved} bytes: {}",
                std::io::Error::last_os_error()
            );
        }
        let base = NonNull::new(base.cast::<u8>()).context("mmap returned null")?;
        let mut memory = Memory::Mmap {
            base,
            reserved,
            len: 0,
        };
        memory.commit(len)?;
        Ok(memory)
    }

    /// Makes the mapping accessible up to `new_len` bytes.
    fn commit(&mut self, new_len: usize) -> Result<()> {
        let Memory::Mmap { base, len, .. } = self else {
            bail!("commit on a Vec memory");
        };
        if new_len > *len {
            // SAFETY: `[len, new_len)` lies inside the reservation (callers check the maximum).
            let rc = unsafe {
                libc::mprotect(
                    base.as_ptr().add(*len).cast(),
                    new_len - *len,
                    libc::PROT_READ | libc::PROT_WRITE,
                )
            };
            if rc != 0 {
                bail!("mprotect: {}", std::io::Error::last_os_error());
            }
        }
        *len = new_len;
        Ok(())
    }

    fn base(&mut self) -> *mut u8 {
        match self {
            Memory::Mmap { base, .. } => base.as_ptr(),
            Memory::Vec(v) => v.as_mut_ptr(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Memory::Mmap { len, .. } => *len,
            Memory::Vec(v) => v.len(),
        }
    }
}

impl Drop for Memory {
    fn drop(&mut self) {
        if let Memory::Mmap { base, reserved, .. } = self {
            // SAFETY: unmaps exactly the reservation made in `Memory::mmap`.
            unsafe { libc::munmap(base.as_ptr().cast(), (*reserved).max(1)) };
        }
    }
}

struct Instance {
    build: Build,
    memory: Memory,
    /// The pages the memory may grow to (the declared maximum, or 4 GiB).
    maximum: u64,
    declared_maximum: Option<u64>,
}

impl Instance {
    /// `memory.grow`: the old size in pages, or `None` past the maximum.
    fn grow_pages(&mut self, delta: u64) -> Option<u64> {
        let old = self.memory.len() as u64 / PAGE;
        let new = old.checked_add(delta).filter(|&n| n <= self.maximum)?;
        let new_len = (new * PAGE) as usize;
        match &mut self.memory {
            m @ Memory::Mmap { .. } => m.commit(new_len).ok()?,
            Memory::Vec(v) => v.resize(new_len, 0),
        }
        Some(old)
    }
}

/// The hook the guest's `memory_grow` calls natively.
///
/// # Safety
/// `memory` is the `Instance` that installed the hook, alive and otherwise unused for the call.
unsafe extern "C" fn grow_hook(memory: *mut (), delta: u32) -> u32 {
    // SAFETY: the caller's contract; `call` installs `self` for the duration of the guest call.
    let instance = unsafe { &mut *memory.cast::<Instance>() };
    match instance.grow_pages(u64::from(delta)) {
        Some(old) => {
            (instance.build.set_memory_base)(instance.memory.base());
            old as u32
        }
        None => u32::MAX,
    }
}

/// Uninstalls a build's memory when dropped, so no guest call after this one can reach it.
struct Installed(extern "C" fn());

impl Drop for Installed {
    fn drop(&mut self) {
        (self.0)()
    }
}

impl runtime::Instance for Instance {
    fn export(&mut self, name: &str) -> Result<runtime::Export> {
        match self.build.exports.iter().position(|e| e.name == name) {
            Some(i) => Ok(runtime::Export::new(i)),
            None => bail!(runtime::export_error(name)),
        }
    }

    fn call_export(&mut self, export: runtime::Export, args: [u32; 3]) -> Result<u64> {
        let export = self.build.exports[export.index()];
        let name = export.name;
        if let Some((start, end)) = export.span.range(args) {
            let len = self.memory.len() as u64;
            if end > len {
                // What a wasm runtime traps on; natively it would be undefined behaviour.
                return Err(anyhow::Error::new(Trap {
                    message: format!(
                        "out of bounds memory access: [{start}, {end}) past {len} bytes"
                    ),
                }))
                .with_context(|| format!("calling `{name}`"));
            }
        }
        // Alignment and power-of-two counts: a wasm guest would run (the random kernels mask
        // within the range); natively they are the kernel's preconditions, so refuse.
        if let Err(why) = export.span.check(args, self.memory.len() as u64) {
            bail!("calling `{name}`{args:?} natively: {why}");
        }
        let base = self.memory.base();
        let build = self.build;
        // SAFETY: `self` outlives the call and nothing else uses it meanwhile; the guard resets
        // the build's memory when the call returns.
        unsafe { (build.set_memory)(base, (self as *mut Self).cast(), grow_hook) };
        let _installed = Installed(build.reset_memory);
        // SAFETY: the span check above established the export's preconditions over the memory
        // just installed.
        Ok(unsafe { (export.func)(args[0], args[1], args[2]) })
    }

    fn memory(&mut self) -> Result<MemoryInfo> {
        Ok(MemoryInfo {
            size_bytes: self.memory.len() as u64,
            maximum_pages: self.declared_maximum,
            base: Some(self.memory.base() as usize),
            heap_backed: matches!(self.memory, Memory::Vec(_)),
            process: None,
        })
    }

    fn grow(&mut self, delta: u64) -> Result<u64> {
        let old = self.memory.len() as u64 / PAGE;
        let maximum = self.declared_maximum;
        self.grow_pages(delta)
            .with_context(|| runtime::grow_error(old, delta, maximum))
    }

    fn grow_repeat_timed(&mut self, delta: u64, count: u64) -> (Result<u64>, Duration) {
        // The raw grow alone inside the clock (`None` past the maximum); the error after it.
        let count = count.max(1);
        let timed = runtime::time_grows(count, || self.grow_pages(delta).ok_or(()));
        runtime::grow_loop_timed(timed, count, delta, |()| {
            let current = self.memory.len() as u64 / PAGE;
            (
                anyhow::anyhow!("no room to grow"),
                current,
                self.declared_maximum,
            )
        })
    }

    fn grows_refused_timed(&mut self, delta: u64, count: u64) -> (Result<()>, Duration) {
        let timed = runtime::time_refused_grows(count, || self.grow_pages(delta).ok_or(()));
        runtime::refused_grows_timed(timed, delta)
    }

    fn into_memory(self: Box<Self>) -> Box<dyn runtime::KeptMemory> {
        Box::new(Kept(self.memory))
    }
}

/// The memory alone: natively there is nothing else an instance holds.
struct Kept(Memory);

impl runtime::KeptMemory for Kept {
    fn read(&mut self, offset: usize, len: usize) -> Result<Vec<u8>> {
        let end = offset
            .checked_add(len)
            .filter(|&end| end <= self.0.len())
            .with_context(|| format!("[{offset}, +{len}) is past the {} bytes", self.0.len()))?;
        // SAFETY: `[offset, end)` lies inside the committed length of the memory.
        Ok(unsafe { std::slice::from_raw_parts(self.0.base().add(offset), end - offset) }.to_vec())
    }
}

/// The scalar native copy of `guest-contiguous` (see `guest_artifacts::CONTIGUOUS_SCALAR_LIB`):
/// the same kernels compiled with the vectorisers off, loaded once and kept for the process.
pub fn scalar_contiguous() -> Result<Build> {
    static BUILD: std::sync::OnceLock<Result<Build, String>> = std::sync::OnceLock::new();
    BUILD
        .get_or_init(|| {
            load_scalar(guest_artifacts::CONTIGUOUS_SCALAR_LIB).map_err(|e| format!("{e:#}"))
        })
        .clone()
        .map_err(anyhow::Error::msg)
}

fn load_scalar(path: &str) -> Result<Build> {
    // SAFETY: the library is our own guest source, built by guest-artifacts' build script; its
    // initialisers are Rust's standard library's.
    let lib = unsafe { libloading::Library::new(path) }
        .with_context(|| format!("loading the scalar native kernels from {path}"))?;
    // Kept for the life of the process: the function pointers below point into it.
    let lib: &'static libloading::Library = Box::leak(Box::new(lib));
    let symbol = |name: &str| -> Result<*const ()> {
        // SAFETY: each symbol is looked up as an untyped address and cast to the type its
        // definition in guest-contiguous (`membench_export`) has.
        let s: libloading::Symbol<'static, *const ()> = unsafe { lib.get(name.as_bytes()) }
            .with_context(|| format!("{path} has no symbol `{name}`"))?;
        Ok(*s)
    };
    let mut exports = Vec::new();
    for export in guest_contiguous::native::EXPORTS {
        let func = symbol(export.name)?;
        exports.push(Export {
            // SAFETY: a `#[no_mangle] unsafe extern "C" fn(u32, u32, u32) -> u64` of the copy.
            func: unsafe {
                std::mem::transmute::<*const (), unsafe extern "C" fn(u32, u32, u32) -> u64>(func)
            },
            ..*export
        });
    }
    // SAFETY: the signatures of `guest_contiguous::export`'s functions.
    unsafe {
        Ok(Build {
            exports: Box::leak(exports.into_boxed_slice()),
            set_memory: std::mem::transmute::<
                *const (),
                unsafe extern "C" fn(*mut u8, *mut (), guest_abi::native::GrowFn),
            >(symbol("membench_set_memory")?),
            set_memory_base: std::mem::transmute::<*const (), extern "C" fn(*mut u8)>(symbol(
                "membench_set_memory_base",
            )?),
            reset_memory: std::mem::transmute::<*const (), extern "C" fn()>(symbol(
                "membench_reset_memory",
            )?),
        })
    }
}
