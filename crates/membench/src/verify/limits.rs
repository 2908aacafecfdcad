//! The seed's first two claims: a page is 64 KiB and `initial`/`maximum` are honoured, and a grow
//! past the maximum fails and leaves the memory usable.

use super::*;

/// Claim 1: a page is 64 KiB; `initial` and `maximum` are honoured, defined or imported.
pub(super) fn pages_and_limits(rt: &dyn Runtime) -> Result<(bool, String)> {
    let mut seen = Vec::new();
    let mut refused = None;
    for decl in [MemoryDecl::Defined, MemoryDecl::Imported] {
        for maximum in [None, Some(9)] {
            let plan = MemoryPlan {
                decl,
                initial: 3,
                maximum,
                shared: false,
                memory64: false,
                page_size_log2: None,
            };
            // A runtime that cannot import a memory (WAMR's and wasm3's crates) is checked on the
            // memories it defines, and says so.
            let compiled = match compile(rt, plan) {
                Err(e)
                    if decl == MemoryDecl::Imported
                        && crate::record::NotMeasured::of(&e)
                            == crate::record::FailureKind::Binding =>
                {
                    refused = Some(format!("{e:#}"));
                    continue;
                }
                compiled => compiled?,
            };
            let mut i = compiled.instantiate()?;
            let info = i.memory()?;
            let size = i.call("size", [0, 0, 0])?;
            ensure!(
                info.size_bytes == 3 * 65536 && size == 3 && info.maximum_pages == maximum,
                "{plan:?}: {} bytes, memory.size {size}, maximum {:?}",
                info.size_bytes,
                info.maximum_pages
            );
            // The last byte of the last page is addressable, the next is not.
            i.call("store_u8", [3 * 65536 - 1, 1, 0])?;
            ensure!(
                i.call("load_u8", [3 * 65536, 0, 0]).is_err(),
                "byte 3 × 65536 is addressable"
            );
            seen.push(format!(
                "{}:{:?}",
                if decl == MemoryDecl::Defined {
                    "defined"
                } else {
                    "imported"
                },
                maximum
            ));
        }
    }
    Ok((
        true,
        format!(
            "3 pages = 196608 bytes, maxima honoured ({}){}",
            seen.join(", "),
            refused
                .map(|e| format!("; an imported memory is not checked: {e}"))
                .unwrap_or_default()
        ),
    ))
}

/// Claim 2: growing past the maximum fails: -1 in the guest, an error on the host, the memory
/// unchanged and usable.
pub(super) fn grow_past_maximum(rt: &dyn Runtime, spec: &RuntimeSpec) -> Result<(bool, String)> {
    let plan = MemoryVariant::new(MemoryDecl::Defined, MaxDecl::Exact).plan_pages(2, 4);
    let mut i = compile(rt, plan)?.instantiate()?;
    i.call("store_u8", [65536, 42, 0])?;
    ensure!(
        i.call("grow", [3, 0, 0])? == u64::from(u32::MAX),
        "guest grow past the maximum did not return -1"
    );
    let err = i
        .grow(3)
        .err()
        .context("host grow past the maximum succeeded")?;
    ensure!(
        !is_trap(&err),
        "host grow failure was a trap, not an error value"
    );
    ensure!(
        i.call("size", [0, 0, 0])? == 2,
        "the failed grows changed the size"
    );
    ensure!(
        i.call("load_u8", [65536, 0, 0])? == 42,
        "the failed grows changed the contents"
    );
    ensure!(
        i.call("grow", [2, 0, 0])? == 2,
        "growing up to the maximum failed afterwards"
    );
    let limit = spec
        .memory_limit_pages
        .map(|p| {
            format!(
                "; the host limit of {p} pages also refuses grows past it below a larger maximum"
            )
        })
        .unwrap_or_default();
    Ok((true, format!("guest -1, host error \"{err:#}\"{limit}")))
}
