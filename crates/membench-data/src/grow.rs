//! The grow family as the schema records it: which grow pattern a case ran, and what one fresh
//! instance added to the process.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::memory::PAGE;

/// How many grows a `grow*-at` case makes from its starting size: few enough that the size stays
/// close to where it started, enough to average one grow's cost.
pub const AT_GROWS: u32 = 8;
/// How many failing grows a `grow-fail` case makes in one call.
pub const FAIL_GROWS: u32 = 1000;
/// The size at which the failing-grow cases run, in pages.
pub const FAIL_AT: u64 = 16;

/// A grow-heavy pattern and its size, in pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "pattern", content = "pages")]
pub enum GrowPattern {
    /// `grow(1)` from 1 page until the memory has this many pages.
    Grow1(u64),
    /// One `grow` from 1 page to this many pages.
    GrowBig(u64),
    /// `grow(1)` from 1 page to this many, writing one byte in each new page right after its grow.
    GrowTouch(u64),
    /// [`AT_GROWS`] × `grow(1)` starting at this many pages.
    Grow1At(u64),
    /// [`AT_GROWS`] × `grow(16)` starting at this many pages.
    Grow16At(u64),
    /// [`AT_GROWS`] × `grow(1)` starting at this many pages, made by the host
    /// (`Instance::grow_repeat_timed` in `membench`: the runtime's `Memory::grow`, or `memory.grow(1)` from
    /// JavaScript timed by the engine's clock): [`GrowPattern::Grow1At`] from the other side.
    HostGrow1At(u64),
    /// [`FAIL_GROWS`] × `memory.grow` past the maximum in the guest (each returns -1), at this size.
    GrowFail(u64),
    /// [`FAIL_GROWS`] × host-side `Memory::grow` past the maximum (each an error value, or a
    /// `RangeError` in JavaScript), at this size: [`GrowPattern::GrowFail`] from the other side.
    HostGrowFail(u64),
}

impl GrowPattern {
    /// Whether the host grows the memory (`Memory::grow` in the runtime's API) rather than the
    /// guest (`memory.grow`).
    pub fn host(self) -> bool {
        matches!(
            self,
            GrowPattern::HostGrow1At(_) | GrowPattern::HostGrowFail(_)
        )
    }

    /// `grow-1`, `grow-big`, ...: the pattern part of the id.
    pub fn name(self) -> &'static str {
        self.kind().name()
    }

    /// The pattern without its size: what a case key names.
    pub fn kind(self) -> GrowKind {
        match self {
            GrowPattern::Grow1(_) => GrowKind::Grow1,
            GrowPattern::GrowBig(_) => GrowKind::GrowBig,
            GrowPattern::GrowTouch(_) => GrowKind::GrowTouch,
            GrowPattern::Grow1At(_) => GrowKind::Grow1At,
            GrowPattern::Grow16At(_) => GrowKind::Grow16At,
            GrowPattern::HostGrow1At(_) => GrowKind::HostGrow1At,
            GrowPattern::GrowFail(_) => GrowKind::GrowFail,
            GrowPattern::HostGrowFail(_) => GrowKind::HostGrowFail,
        }
    }

    /// The size parameter, in pages.
    pub fn pages(self) -> u64 {
        match self {
            GrowPattern::Grow1(p)
            | GrowPattern::GrowBig(p)
            | GrowPattern::GrowTouch(p)
            | GrowPattern::Grow1At(p)
            | GrowPattern::Grow16At(p)
            | GrowPattern::HostGrow1At(p)
            | GrowPattern::GrowFail(p)
            | GrowPattern::HostGrowFail(p) => p,
        }
    }

    /// The same pattern at another size.
    pub fn with_pages(self, pages: u64) -> Self {
        self.kind().at(pages)
    }

    /// The memory's initial size, in pages.
    pub fn initial(self) -> u64 {
        match self {
            GrowPattern::Grow1(_) | GrowPattern::GrowBig(_) | GrowPattern::GrowTouch(_) => 1,
            GrowPattern::Grow1At(p)
            | GrowPattern::Grow16At(p)
            | GrowPattern::HostGrow1At(p)
            | GrowPattern::GrowFail(p)
            | GrowPattern::HostGrowFail(p) => p,
        }
    }

    /// The size the memory ends at when every grow succeeds, in pages (the exact maximum).
    pub fn final_pages(self) -> u64 {
        match self {
            GrowPattern::Grow1(p) | GrowPattern::GrowBig(p) | GrowPattern::GrowTouch(p) => p,
            GrowPattern::Grow1At(p) | GrowPattern::HostGrow1At(p) => p + u64::from(AT_GROWS),
            GrowPattern::Grow16At(p) => p + 16 * u64::from(AT_GROWS),
            GrowPattern::GrowFail(p) | GrowPattern::HostGrowFail(p) => p,
        }
    }

    /// How many grows one call makes (failed ones included).
    pub fn grows(self) -> u64 {
        match self {
            GrowPattern::Grow1(p) | GrowPattern::GrowTouch(p) => p - 1,
            GrowPattern::GrowBig(_) => 1,
            GrowPattern::Grow1At(_) | GrowPattern::Grow16At(_) | GrowPattern::HostGrow1At(_) => {
                u64::from(AT_GROWS)
            }
            GrowPattern::GrowFail(_) | GrowPattern::HostGrowFail(_) => u64::from(FAIL_GROWS),
        }
    }

    /// What a case of this pattern times, for its record.
    pub fn timed(self) -> &'static str {
        match self {
            GrowPattern::HostGrow1At(_) => {
                "the host's loop of grows alone (Instance::grow_repeat_timed: the runtime's \
                 Memory::grow, or memory.grow(1) from JavaScript timed by the engine's clock), on \
                 a fresh instance made outside the timing; divided by the grows"
            }
            GrowPattern::HostGrowFail(_) => {
                "the host's loop of grows past the maximum, each refused, the runtime's \
                 Memory::grow alone (Instance::grows_refused_timed: any context of ours is built \
                 after the clock, and no library backtrace is captured; memory.grow from \
                 JavaScript timed by the engine's clock, each RangeError caught), on a fresh \
                 instance made outside the timing; divided by the grows"
            }
            _ => {
                "the guest call making the grows (export resolved before the clock starts), on a \
                 fresh instance made outside the timing; divided by the grows"
            }
        }
    }

    /// Bytes the memory gains per grow (0 for failing grows).
    pub fn bytes_per_grow(self) -> u64 {
        let gained = (self.final_pages() - self.initial()) * PAGE;
        gained / self.grows()
    }
}

/// A grow pattern without its size, as a case key names it (`grow1-at`): the size is the key's
/// own field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GrowKind {
    /// [`GrowPattern::Grow1`].
    Grow1,
    /// [`GrowPattern::GrowBig`].
    GrowBig,
    /// [`GrowPattern::GrowTouch`].
    GrowTouch,
    /// [`GrowPattern::Grow1At`].
    Grow1At,
    /// [`GrowPattern::Grow16At`].
    Grow16At,
    /// [`GrowPattern::HostGrow1At`].
    HostGrow1At,
    /// [`GrowPattern::GrowFail`].
    GrowFail,
    /// [`GrowPattern::HostGrowFail`].
    HostGrowFail,
}

impl GrowKind {
    /// Every kind.
    pub const ALL: [GrowKind; 8] = [
        GrowKind::Grow1,
        GrowKind::GrowBig,
        GrowKind::GrowTouch,
        GrowKind::Grow1At,
        GrowKind::Grow16At,
        GrowKind::HostGrow1At,
        GrowKind::GrowFail,
        GrowKind::HostGrowFail,
    ];

    /// `grow-1`, `grow-big`, ...: the pattern part of the id.
    pub fn name(self) -> &'static str {
        match self {
            GrowKind::Grow1 => "grow-1",
            GrowKind::GrowBig => "grow-big",
            GrowKind::GrowTouch => "grow-touch",
            GrowKind::Grow1At => "grow1-at",
            GrowKind::Grow16At => "grow16-at",
            GrowKind::HostGrow1At => "host-grow1-at",
            GrowKind::GrowFail => "grow-fail",
            GrowKind::HostGrowFail => "host-grow-fail",
        }
    }

    /// This kind at `pages`.
    pub fn at(self, pages: u64) -> GrowPattern {
        match self {
            GrowKind::Grow1 => GrowPattern::Grow1(pages),
            GrowKind::GrowBig => GrowPattern::GrowBig(pages),
            GrowKind::GrowTouch => GrowPattern::GrowTouch(pages),
            GrowKind::Grow1At => GrowPattern::Grow1At(pages),
            GrowKind::Grow16At => GrowPattern::Grow16At(pages),
            GrowKind::HostGrow1At => GrowPattern::HostGrow1At(pages),
            GrowKind::GrowFail => GrowPattern::GrowFail(pages),
            GrowKind::HostGrowFail => GrowPattern::HostGrowFail(pages),
        }
    }

    /// The kind named `name`, if any.
    pub fn from_name(name: &str) -> Option<GrowKind> {
        GrowKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether the host grows the memory rather than the guest ([`GrowPattern::host`]).
    pub fn host(self) -> bool {
        self.at(0).host()
    }
}

impl fmt::Display for GrowKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `grow-1/4096`.
impl fmt::Display for GrowPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.name(), self.pages())
    }
}

/// Virtual address space and resident memory one fresh instance adds to the process, and how long
/// instantiating it took: what a strategy reserves up front.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Footprint {
    /// Growth of `VmSize` across one instantiation, bytes; at least the memory's size when the
    /// memory lives where `VmSize` cannot see it grow (see `reserved_basis`): never 0 for a memory
    /// that exists.
    pub reserved_virtual_bytes: u64,
    /// Where `reserved_virtual_bytes` comes from.
    #[serde(default)]
    pub reserved_basis: crate::procfs::ReservedBasis,
    /// Growth of `VmRSS` across one instantiation, bytes.
    pub resident_bytes: u64,
    /// The instantiation's wall time, nanoseconds (one sample; criterion times it properly).
    pub instantiate_ns: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_grows_and_bytes_add_up() {
        let p = GrowPattern::Grow1(4096);
        assert_eq!((p.initial(), p.final_pages(), p.grows()), (1, 4096, 4095));
        assert_eq!(p.bytes_per_grow(), PAGE);
        let big = GrowPattern::GrowBig(256);
        assert_eq!(big.bytes_per_grow(), 255 * PAGE);
        let at = GrowPattern::Grow16At(4096);
        assert_eq!(at.final_pages(), 4096 + 128);
        assert_eq!(at.bytes_per_grow(), 16 * PAGE);
        assert_eq!(GrowPattern::GrowFail(16).bytes_per_grow(), 0);
        assert_eq!(p.to_string(), "grow-1/4096");
    }
}
