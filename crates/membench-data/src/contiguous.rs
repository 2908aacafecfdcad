//! The contiguous-access family as the schema records it: kernels, widths, warmth, and the memory
//! variants every family's cases run with.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::memory::{MemoryDecl, MemoryPlan, PAGE};

/// The access pattern, as its id (`seq-read`, ...) says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kernel {
    /// Every element in order, loaded.
    SeqRead,
    /// Every element in order, stored.
    SeqWrite,
    /// First half loaded, stored to the second half.
    Copy,
    /// One load per 64 bytes.
    Stride64Read,
    /// One load per 4 KiB.
    Stride4kRead,
    /// Loads at seeded pseudo-random indices.
    RandomRead,
    /// Stores at seeded pseudo-random indices.
    RandomWrite,
}

impl Kernel {
    /// Every kernel, in report order.
    pub const ALL: [Kernel; 7] = [
        Kernel::SeqRead,
        Kernel::SeqWrite,
        Kernel::Copy,
        Kernel::Stride64Read,
        Kernel::Stride4kRead,
        Kernel::RandomRead,
        Kernel::RandomWrite,
    ];

    /// The id used in bench ids and records.
    pub fn id(self) -> &'static str {
        match self {
            Kernel::SeqRead => "seq-read",
            Kernel::SeqWrite => "seq-write",
            Kernel::Copy => "copy",
            Kernel::Stride64Read => "stride64-read",
            Kernel::Stride4kRead => "stride4k-read",
            Kernel::RandomRead => "random-read",
            Kernel::RandomWrite => "random-write",
        }
    }
}

/// The width of each access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Width {
    /// `i32.load` / `i32.store`.
    I32,
    /// `i64.load` / `i64.store`.
    I64,
}

impl Width {
    /// Both widths.
    pub const ALL: [Width; 2] = [Width::I32, Width::I64];

    /// `i32` or `i64`.
    pub fn id(self) -> &'static str {
        match self {
            Width::I32 => "i32",
            Width::I64 => "i64",
        }
    }

    /// Bytes per access.
    pub fn bytes(self) -> u64 {
        match self {
            Width::I32 => 4,
            Width::I64 => 8,
        }
    }
}

/// Whether the memory was touched before timing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Touch {
    /// Every page written before timing; the call makes many passes.
    Warm,
    /// A fresh instance per sample; the call makes one pass over never-touched pages.
    FirstTouch,
}

/// One contiguous pattern: kernel, width and warmth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pattern {
    /// What the loop does.
    pub kernel: Kernel,
    /// How wide each access is.
    pub width: Width,
    /// Warm or first-touch.
    pub touch: Touch,
}

impl Pattern {
    /// The wasm export running this pattern (`seq_read_i64`).
    pub fn export(&self) -> String {
        format!("{}_{}", self.kernel.id().replace('-', "_"), self.width.id())
    }
}

/// `seq-read-i64`, or `first-touch-seq-write-i64` for a first-touch case.
impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.touch == Touch::FirstTouch {
            f.write_str("first-touch-")?;
        }
        write!(f, "{}-{}", self.kernel.id(), self.width.id())
    }
}

impl Pattern {
    /// Every pattern: each kernel at each width, warm and first-touch.
    pub fn all() -> impl Iterator<Item = Pattern> {
        Kernel::ALL.into_iter().flat_map(|kernel| {
            Width::ALL.into_iter().flat_map(move |width| {
                [Touch::Warm, Touch::FirstTouch].map(|touch| Pattern {
                    kernel,
                    width,
                    touch,
                })
            })
        })
    }

    /// The pattern whose [`Display`](fmt::Display) is `name`, if any.
    pub fn from_name(name: &str) -> Option<Pattern> {
        Pattern::all().find(|p| p.to_string() == name)
    }

    /// The same kernel and width, warm: what a first-touch case is compared with.
    pub fn warm(self) -> Pattern {
        Pattern {
            touch: Touch::Warm,
            ..self
        }
    }
}

/// Whether, and how large, a maximum the memory declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MaxDecl {
    /// No maximum.
    None,
    /// A maximum equal to what the case needs (the memory's final size).
    Exact,
    /// A maximum of 65536 pages (4 GiB), far more than any case uses.
    Large,
}

/// The "much larger than used" maximum: every page a 32-bit memory can have.
pub const LARGE_MAX_PAGES: u64 = 65536;

/// Which memory declaration a case runs with (the "reserved maxima" axis).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MemoryVariant {
    /// Defined by the module, or created by the host and imported.
    pub decl: MemoryDecl,
    /// The declared maximum.
    pub maximum: MaxDecl,
    /// A shared memory (`new WebAssembly.Memory({initial, maximum, shared: true})`), imported,
    /// with a maximum: see [`MemoryVariant::imported_shared`].
    #[serde(default)]
    pub shared: bool,
}

impl MemoryVariant {
    /// The variants of the contiguous family: defined or imported, without or with an exact maximum.
    pub const ALL: [MemoryVariant; 4] = [
        MemoryVariant::new(MemoryDecl::Defined, MaxDecl::None),
        MemoryVariant::new(MemoryDecl::Defined, MaxDecl::Exact),
        MemoryVariant::new(MemoryDecl::Imported, MaxDecl::None),
        MemoryVariant::new(MemoryDecl::Imported, MaxDecl::Exact),
    ];

    /// A variant (unshared).
    pub const fn new(decl: MemoryDecl, maximum: MaxDecl) -> Self {
        Self {
            decl,
            maximum,
            shared: false,
        }
    }

    /// A shared memory the host creates and the guest imports (`imported-shared-max`,
    /// `imported-shared-max4g`). A shared memory must declare a maximum: `maximum` is
    /// [`MaxDecl::Exact`] or [`MaxDecl::Large`] (with [`MaxDecl::None`] its plan is refused when
    /// the module is rewritten).
    pub const fn imported_shared(maximum: MaxDecl) -> Self {
        Self {
            decl: MemoryDecl::Imported,
            maximum,
            shared: true,
        }
    }

    /// `defined-nomax`, `defined-max`, `defined-max4g`, `imported-...`, `imported-shared-max`.
    pub fn id(&self) -> String {
        let decl = match (self.decl, self.shared) {
            (MemoryDecl::Defined, false) => "defined",
            (MemoryDecl::Imported, false) => "imported",
            (MemoryDecl::Defined, true) => "defined-shared",
            (MemoryDecl::Imported, true) => "imported-shared",
        };
        let max = match self.maximum {
            MaxDecl::None => "nomax",
            MaxDecl::Exact => "max",
            MaxDecl::Large => "max4g",
        };
        format!("{decl}-{max}")
    }

    /// The variant whose [`MemoryVariant::id`] is `id`, if any.
    pub fn from_id(id: &str) -> Option<MemoryVariant> {
        [MemoryDecl::Defined, MemoryDecl::Imported]
            .into_iter()
            .flat_map(|decl| {
                [MaxDecl::None, MaxDecl::Exact, MaxDecl::Large]
                    .into_iter()
                    .flat_map(move |maximum| {
                        [false, true].map(|shared| MemoryVariant {
                            decl,
                            maximum,
                            shared,
                        })
                    })
            })
            .find(|v| v.id() == id)
    }

    /// The plan for a memory of `initial` pages that the case grows to `needed` pages.
    pub fn plan_pages(&self, initial: u64, needed: u64) -> MemoryPlan {
        MemoryPlan {
            decl: self.decl,
            initial,
            maximum: match self.maximum {
                MaxDecl::None => None,
                MaxDecl::Exact => Some(needed.max(initial)),
                MaxDecl::Large => Some(LARGE_MAX_PAGES),
            },
            shared: self.shared,
            memory64: false,
            page_size_log2: None,
        }
    }

    /// The plan for a working set of `size` bytes placed after the guest's own `static_pages`.
    pub fn plan(&self, static_pages: u64, size: u64) -> MemoryPlan {
        let initial = static_pages + size.div_ceil(PAGE);
        self.plan_pages(initial, initial)
    }
}
