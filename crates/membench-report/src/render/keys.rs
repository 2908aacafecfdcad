//! The cases the pages pick out by their typed identity: the variants runtimes are compared in,
//! the headline patterns, the native baseline, and the order runtimes are listed in.

use super::*;

pub(super) const PAGE: u64 = 65536;

pub(super) fn variant(maximum: MaxDecl) -> CaseVariant {
    MemoryVariant::new(MemoryDecl::Defined, maximum).into()
}

/// `defined-max`, the variant the runtimes are compared in.
pub(super) fn max() -> CaseVariant {
    variant(MaxDecl::Exact)
}

pub(super) fn nomax() -> CaseVariant {
    variant(MaxDecl::None)
}

pub(super) fn max4g() -> CaseVariant {
    variant(MaxDecl::Large)
}

/// The native baseline: its contiguous cases run on a host buffer, its grow and instantiate cases
/// under the wasm variants' names, so the runtime id decides, not the variant.
pub(super) fn is_native(k: &CaseKey) -> bool {
    k.variant == CaseVariant::HostBuffer || k.runtime.starts_with("native-")
}

/// The variant each runtime is compared in: `defined-max`, or native's host buffer.
pub(super) fn main_variant(k: &CaseKey) -> bool {
    is_native(k) || k.variant == max()
}

/// The headline patterns, at the headline working set (`summary::HEADLINE_SIZE`).
pub(super) static HEADLINE_PATTERNS: [CasePattern; 3] = [
    warm(Kernel::SeqRead, Width::I64),
    warm(Kernel::RandomRead, Width::I64),
    warm(Kernel::SeqWrite, Width::I64),
];

pub(super) const fn warm(kernel: Kernel, width: Width) -> CasePattern {
    CasePattern::Contiguous(Pattern {
        kernel,
        width,
        touch: Touch::Warm,
    })
}

pub(super) fn grow1_at() -> CasePattern {
    CasePattern::Grow(GrowKind::Grow1At)
}

pub(super) fn host_grow1_at() -> CasePattern {
    CasePattern::Grow(GrowKind::HostGrow1At)
}

/// `imported-max`: the unshared twin of [`imported_shared_max`].
pub(super) fn imported_max() -> CaseVariant {
    MemoryVariant::new(MemoryDecl::Imported, MaxDecl::Exact).into()
}

/// `imported-shared-max`: `new WebAssembly.Memory({initial, maximum, shared: true})`, imported.
pub(super) fn imported_shared_max() -> CaseVariant {
    MemoryVariant::imported_shared(MaxDecl::Exact).into()
}

/// Native first, then by runtime label.
pub(super) fn runtime_order(k: &CaseKey) -> (bool, String) {
    (!is_native(k), k.runtime_label())
}

/// One key per runtime × strategy among `keys`, in report order: by runtime, its default strategy
/// first, then by slug.
pub(super) fn configurations<'a>(keys: impl Iterator<Item = &'a CaseKey>) -> Vec<&'a CaseKey> {
    let mut configs: Vec<&CaseKey> = Vec::new();
    for k in keys {
        if !configs
            .iter()
            .any(|c| c.runtime == k.runtime && c.strategy == k.strategy)
        {
            configs.push(k);
        }
    }
    configs.sort_by_key(|k| {
        (
            k.runtime.clone(),
            !k.strategy.default,
            k.strategy.slug.clone(),
        )
    });
    configs
}
