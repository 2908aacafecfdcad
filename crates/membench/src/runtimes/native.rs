//! The native baseline: the same guest source compiled by rustc for the host, running over a host
//! memory with no sandbox at all. Two ways to hold that memory, as the floor to compare runtimes'
//! strategies against: an `mmap` reservation of the whole maximum whose pages are made accessible as
//! the memory grows (what JIT runtimes do), and a `Vec` that reallocates as it grows.

use std::ptr::NonNull;

use anyhow::{bail, ensure, Context, Result};
use guest_abi::native::Export;

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
            native: true,
            interpreter: false,
            grow_bound_pages: None,
            memory_limit_pages: None,
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
        let exports = guest.native.with_context(|| {
            format!("{} has no native build to run as the baseline", guest.name)
        })?;
        Ok(Box::new(Compiled {
            strategy: self.0,
            exports,
            guest: guest.clone(),
        }))
    }
}

struct Compiled {
    strategy: NativeStrategy,
    exports: &'static [Export],
    guest: GuestModule,
}

impl runtime::Compiled for Compiled {
    fn instantiate(&self) -> Result<Box<dyn runtime::Instance>> {
        let plan = self.guest.memory;
        let maximum = plan.maximum.unwrap_or(MAX_PAGES).min(MAX_PAGES);
        let memory = match self.strategy {
            NativeStrategy::Mmap => Memory::mmap(plan.initial, maximum)?,
            NativeStrategy::Vec => Memory::Vec(vec![0u8; (plan.initial * PAGE) as usize]),
        };
        Ok(Box::new(Instance {
            exports: self.exports,
            memory,
            maximum,
            declared_maximum: plan.maximum,
        }))
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
    exports: &'static [Export],
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
unsafe fn grow_hook(memory: *mut (), delta: u32) -> u32 {
    // SAFETY: the caller's contract; `call` installs `self` for the duration of the guest call.
    let instance = unsafe { &mut *memory.cast::<Instance>() };
    match instance.grow_pages(u64::from(delta)) {
        Some(old) => {
            guest_abi::native::set_memory_base(instance.memory.base());
            old as u32
        }
        None => u32::MAX,
    }
}

impl runtime::Instance for Instance {
    fn call(&mut self, name: &str, args: [u32; 3]) -> Result<u64> {
        let Some(export) = self.exports.iter().find(|e| e.name == name) else {
            bail!(runtime::export_error(name));
        };
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
        let func = export.func;
        let base = self.memory.base();
        guest_abi::native::set_memory(base, (self as *mut Self).cast(), grow_hook);
        Ok(func(args[0], args[1], args[2]))
    }

    fn memory(&mut self) -> Result<MemoryInfo> {
        Ok(MemoryInfo {
            size_bytes: self.memory.len() as u64,
            maximum_pages: self.declared_maximum,
            base: self.memory.base() as usize,
            heap_backed: matches!(self.memory, Memory::Vec(_)),
        })
    }

    fn grow(&mut self, delta: u64) -> Result<u64> {
        let old = self.memory.len() as u64 / PAGE;
        let maximum = self.declared_maximum;
        self.grow_pages(delta)
            .with_context(|| runtime::grow_error(old, delta, maximum))
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
