//! How a figure read from `/proc` was obtained, as the schema records it.

use serde::{Deserialize, Serialize};

/// Where a reserved-address-space figure comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReservedBasis {
    /// New mappings: the growth of `VmSize` or of `/proc/self/maps`.
    #[default]
    Mappings,
    /// The memory is a heap buffer (`MemoryInfo::heap_backed` in `membench`: wasmi, the native
    /// `vec` strategy), which maps nothing of its own, so mappings do not show it; the figure is
    /// the memory's linear size, a lower bound (the buffer's capacity is not exposed).
    HeapBufferAtLeastLinear,
    /// The address space grew by less than the memory's size: it lives in address space reserved
    /// before instantiation (a pool of slots, reserved when the engine was built), or something
    /// else was unmapped meanwhile; the figure is the memory's linear size, a lower bound.
    ReservedBeforeAtLeastLinear,
    /// The memory was carved out of a region the engine reserved before it (V8's sandbox in
    /// Chromium, JSC's region in WebKit): the figure is the distance between consecutive memories
    /// of the same module made one after another, the address space each takes from the region.
    CarvedSlot,
}

impl ReservedBasis {
    /// How the basis reads in tables.
    pub fn label(self) -> &'static str {
        match self {
            ReservedBasis::Mappings => "mappings",
            ReservedBasis::HeapBufferAtLeastLinear => "heap buffer: at least the linear size",
            ReservedBasis::ReservedBeforeAtLeastLinear => {
                "reserved before instantiation: at least the linear size"
            }
            ReservedBasis::CarvedSlot => {
                "carved from a region reserved at start: the distance between consecutive memories"
            }
        }
    }
}
