//! The native baseline: the same guest source compiled by rustc for the host, running over an
//! anonymous `mmap` the size of the wasm memory, with no sandbox at all.

use anyhow::{bail, Context, Result};
use guest_abi::native::Export;
use memmap2::MmapMut;

use crate::module::PAGE;
use crate::runtime::{self, GuestModule, MemoryInfo, Trap};

/// The native build of the guests.
pub struct Native;

impl runtime::Runtime for Native {
    fn id(&self) -> &str {
        "native-rustc"
    }
    fn strategy(&self) -> &str {
        "mmap"
    }
    fn version(&self) -> &'static str {
        crate::versions::RUSTC
    }
    fn compile(&self, guest: &GuestModule) -> Result<Box<dyn runtime::Compiled>> {
        let exports = guest
            .native
            .with_context(|| format!("{} has no native build to run as the baseline", guest.name))?;
        Ok(Box::new(Compiled {
            exports,
            guest: guest.clone(),
        }))
    }
}

struct Compiled {
    exports: &'static [Export],
    guest: GuestModule,
}

impl runtime::Compiled for Compiled {
    fn instantiate(&self) -> Result<Box<dyn runtime::Instance>> {
        let bytes = self.guest.memory.initial * PAGE;
        let memory = MmapMut::map_anon(bytes as usize)
            .with_context(|| format!("mapping {bytes} bytes of native memory"))?;
        Ok(Box::new(Instance {
            exports: self.exports,
            memory,
            maximum: self.guest.memory.maximum,
        }))
    }
}

struct Instance {
    exports: &'static [Export],
    memory: MmapMut,
    maximum: Option<u64>,
}

impl runtime::Instance for Instance {
    fn call(&mut self, name: &str, args: [u32; 3]) -> Result<u64> {
        let Some(export) = self.exports.iter().find(|e| e.name == name) else {
            bail!(runtime::export_error(name));
        };
        if let Some((start, end)) = export.span.range(args) {
            if end > self.memory.len() as u64 {
                // What a wasm runtime would trap on; natively it would be undefined behaviour.
                return Err(anyhow::Error::new(Trap {
                    message: format!(
                        "out of bounds memory access: [{start}, {end}) past {} bytes",
                        self.memory.len()
                    ),
                }))
                .with_context(|| format!("calling `{name}`"));
            }
        }
        guest_abi::native::set_memory_base(self.memory.as_mut_ptr());
        Ok((export.func)(args[0], args[1], args[2]))
    }

    fn memory(&mut self) -> Result<MemoryInfo> {
        Ok(MemoryInfo {
            size_bytes: self.memory.len() as u64,
            maximum_pages: self.maximum,
        })
    }
}
