//! The post's wasm 1.0 memory model checked where newer proposals break it: a page is 64 KiB
//! (custom-page-sizes), a memory holds 4 GiB at most (memory64), and a module has one memory
//! (multi-memory). Each check is a finding, not a correctness claim: a runtime that refuses the
//! proposal keeps the post's model ("held", with the engine's words, once the same module without
//! the proposal is seen to compile), and one that takes it shows what changes, with figures.

use anyhow::{ensure, Context, Result};

use super::{sample_reserved, KindAnswer, Reserved};
use crate::module::PAGE;
use crate::runtime::{is_trap, Compiled, GuestModule, Runtime};

/// The page-size check's module: a memory of 64 KiB in 1-byte pages (`{PAGES}` is
/// ` (pagesize 1)`, or nothing for the 64 KiB-page twin it is checked against), a guest-side
/// `memory.grow`, and a one-byte load.
const PAGE_SIZE_WAT: &str = r#"(module
  (memory (export "memory") {INITIAL}{PAGES})
  (func (export "grow") (param i32 i32 i32) (result i64)
    (i64.extend_i32_s (memory.grow (local.get 0))))
  (func (export "load") (param i32 i32 i32) (result i64)
    (i64.load8_u (local.get 0))))"#;

/// The 4 GiB check's module: a 64-bit memory of 16 pages (`{MEM}` and `{A}` are `i64`, or
/// nothing and `i32` for the 32-bit twin), a guest-side `memory.grow` (`{GROW}`: its delta
/// widened or its result), and a store and load of the memory's last byte.
const FOUR_GIB_WAT: &str = r#"(module
  (memory (export "memory") {MEM} 16)
  (func (export "grow") (param i32 i32 i32) (result i64)
    {GROW})
  (func (export "last_byte") (param i32 i32 i32) (result i64)
    (local $last {A})
    (local.set $last ({A}.sub ({A}.mul (memory.size) ({A}.const 65536)) ({A}.const 1)))
    (i64.store8 (local.get $last) (i64.const 171))
    (i64.load8_u (local.get $last))))"#;

/// The one-memory check's module: `{COUNT}` memories of 16 pages each, the last exported.
fn memories_wat(count: usize) -> String {
    let mut text = String::from("(module");
    for i in 0..count {
        let export = if i + 1 == count {
            r#" (export "memory")"#
        } else {
            ""
        };
        text.push_str(&format!("\n  (memory{export} 16)"));
    }
    text.push(')');
    text
}

/// A module of this file's as the runtimes take it: as written, its named exports checked.
fn module(name: &str, text: &str, exports: &[&str]) -> Result<GuestModule> {
    let wasm = wat::parse_str(text).with_context(|| format!("parsing the {name} module"))?;
    GuestModule::as_is(name, wasm, exports)
}

/// Compiles `with` (a module that needs a proposal); when the runtime refuses it, compiles
/// `without` (the same module without the proposal): `Ok(Err(found))` when only the proposal was
/// refused, with the finding (`what` is refused, in the engine's words), an error when neither
/// compiles.
fn compile_or_refusal(
    rt: &dyn Runtime,
    with: &GuestModule,
    without: &GuestModule,
    what: &str,
) -> Result<std::result::Result<Box<dyn Compiled>, Found>> {
    match rt.compile(with) {
        Ok(compiled) => Ok(Ok(compiled)),
        Err(e) => {
            rt.compile(without).with_context(|| {
                format!("{} without the proposal does not compile either", with.name)
            })?;
            let words = format!("{e:#}");
            Ok(Err((
                format!("{what} is refused: {words}"),
                KindAnswer::Refused { words },
            )))
        }
    }
}

/// A finding: the check's detail, and the answer typed for tables.
type Found = (String, KindAnswer);

/// "A page is 64 KiB": a memory of 64 KiB declared in 1-byte pages, grown by one page from the
/// guest. Held where the runtime refuses the declaration; did not hold where `memory.grow(1)`
/// adds one byte, the last byte loads and the one past it traps. A memory of 1-byte pages whose
/// byte past the end does not trap is an error, not a finding.
pub(super) fn page_size(rt: &dyn Runtime) -> Result<Found> {
    let text = |initial: &str, pages: &str| {
        PAGE_SIZE_WAT
            .replace("{INITIAL}", initial)
            .replace("{PAGES}", pages)
    };
    let bytes = module(
        "page-size-1",
        &text("65536", " (pagesize 1)"),
        &["grow", "load"],
    )?;
    let paged = module("page-size-64k", &text("1", ""), &["grow", "load"])?;
    let what = "pages are 64 KiB here: a memory of 1-byte pages (custom-page-sizes)";
    let compiled = match compile_or_refusal(rt, &bytes, &paged, what)? {
        Ok(compiled) => compiled,
        Err(found) => return Ok(found),
    };
    let mut instance = compiled.instantiate()?;
    let before = instance.memory()?.size_bytes;
    let old = instance.call("grow", [1, 0, 0])?;
    let after = instance.memory()?.size_bytes;
    ensure!(
        (before, old, after) == (PAGE, PAGE, PAGE + 1),
        "a memory of 65536 1-byte pages grown by 1 page: {before} bytes before, memory.grow \
         returned {old}, {after} bytes after (expected 65536, 65536, 65537)"
    );
    instance
        .call("load", [PAGE as u32, 0, 0])
        .context("loading the byte memory.grow(1) added")?;
    match instance.call("load", [PAGE as u32 + 1, 0, 0]) {
        Err(e) if is_trap(&e) => {}
        other => anyhow::bail!(
            "a load one byte past a memory of {after} bytes (1-byte pages) did not trap: {other:?}"
        ),
    }
    Ok((
        format!(
            "a memory of 1-byte pages (custom-page-sizes): memory.grow(1) took it from {before} \
             to {after} bytes, its last byte loads and the next one traps"
        ),
        KindAnswer::Taken {
            figures: vec![format!("grow(1) took it from {before} to {after} bytes")],
        },
    ))
}

/// "4 GiB at most": a 64-bit memory of 16 pages, what one instance of it reserves, then grown
/// past 65536 pages from the guest and its last byte written and read back. Held where memory64
/// is refused or the grow fails (the engine's own limit); did not hold where the memory grows
/// past 4 GiB.
pub(super) fn four_gib(rt: &dyn Runtime) -> Result<Found> {
    let text = |mem: &str, a: &str, grow: &str| {
        FOUR_GIB_WAT
            .replace("{MEM}", mem)
            .replace("{A}", a)
            .replace("{GROW}", grow)
    };
    let exports = ["grow", "last_byte"];
    let wide = module(
        "memory64",
        &text(
            "i64",
            "i64",
            "(memory.grow (i64.extend_i32_u (local.get 0)))",
        ),
        &exports,
    )?;
    let narrow = module(
        "memory32",
        &text("", "i32", "(i64.extend_i32_s (memory.grow (local.get 0)))"),
        &exports,
    )?;
    let what = "4 GiB at most here: a 64-bit memory (memory64)";
    let compiled = match compile_or_refusal(rt, &wide, &narrow, what)? {
        Ok(compiled) => compiled,
        Err(found) => return Ok(found),
    };
    let used = 16 * PAGE;
    let mut heap = Vec::new();
    let reserved = sample_reserved(rt, compiled.as_ref(), used, &mut heap)
        .map(|r| added("one 16-page instance", r, used, &heap))
        .unwrap_or_else(|e| format!("its reservation was not measured: {e:#}"));
    let mut instance = compiled.instantiate()?;
    // 65536 pages more: 65552 pages, 4 GiB + 1 MiB.
    let old = instance.call("grow", [65536, 0, 0])?;
    if old == u64::MAX {
        let why = "memory.grow by 65536 pages from 16 returned -1".to_string();
        return Ok((
            format!("4 GiB at most here: a 64-bit memory is taken ({reserved}), but {why}"),
            KindAnswer::StoppedShort {
                why,
                figures: vec![reserved],
            },
        ));
    }
    ensure!(
        old == 16,
        "memory.grow by 65536 pages returned {old}, expected 16"
    );
    let size = instance.memory()?.size_bytes;
    ensure!(
        size == (16 + 65536) * PAGE,
        "the memory has {size} bytes after growing to 65552 pages"
    );
    let last = instance.call("last_byte", [0, 0, 0])?;
    ensure!(last == 171, "the last byte read back {last}, written 171");
    let grew = format!(
        "grew from 16 to 65552 pages ({:.1} MiB)",
        size as f64 / f64::from(1u32 << 20)
    );
    Ok((
        format!(
            "a 64-bit memory (memory64) {grew}, past the 4 GiB of a 32-bit one, and its last \
             byte was written and read back; {reserved}"
        ),
        KindAnswer::Taken {
            figures: vec![grew, reserved],
        },
    ))
}

/// What `what` (one instance, the second memory) added, as a clause: `{what} added {figure}`,
/// unless the memory is a heap buffer (which maps nothing of its own) or sits in address space
/// reserved before (a pool's slot, a region the engine reserved earlier): then what it reserves
/// is "not observable" and why, never a figure, since the mappings' change (zero, or negative
/// when something else was unmapped meanwhile) is not the memory's.
fn added(what: &str, added: Reserved, used: u64, heap_backed: &[bool]) -> String {
    if !heap_backed.is_empty() && heap_backed.iter().all(|h| *h) {
        format!("what {what} reserves is not observable (a heap buffer maps nothing of its own)")
    } else if added.total() < used as i64 / 2 {
        format!(
            "what {what} reserves is not observable (it lies in address space reserved before \
             it was created: a pool, or a region the engine reserved earlier; the mappings \
             changed by {:.1} MiB)",
            added.total() as f64 / f64::from(1u32 << 20)
        )
    } else {
        format!("{what} added {added}")
    }
}

/// "One memory per module": what a module with two 16-page memories adds over a module with one,
/// i.e. what a second memory reserves. Held where the runtime refuses a second memory.
pub(super) fn one_memory(rt: &dyn Runtime) -> Result<Found> {
    let one = module("one-memory", &memories_wat(1), &[])?;
    // The guest ABI's reader takes one memory: the two-memory module's plan is the exported
    // memory's, the same as the one-memory module's.
    let two = GuestModule {
        name: "two-memories".into(),
        wasm: wat::parse_str(memories_wat(2)).context("parsing the two-memory module")?,
        memory: one.memory,
        native: None,
    };
    let what = "one memory per module here: a second memory (multi-memory)";
    let compiled_two = match compile_or_refusal(rt, &two, &one, what)? {
        Ok(compiled) => compiled,
        Err(found) => return Ok(found),
    };
    let used = 16 * PAGE;
    let compiled_one = rt.compile(&one)?;
    let mut heap = Vec::new();
    let first = sample_reserved(rt, compiled_one.as_ref(), used, &mut heap)?;
    let both = sample_reserved(rt, compiled_two.as_ref(), used, &mut heap)?;
    if !heap.is_empty() && heap.iter().all(|h| *h) {
        // A heap buffer maps nothing of its own: the mappings say nothing of it.
        return Ok((
            "a module with two 16-page memories (multi-memory) instantiates; each memory is a \
             heap buffer, which maps nothing of its own, so what the second reserves is at \
             least its 1 MiB and not observable here"
                .into(),
            KindAnswer::Taken {
                figures: vec!["each memory a heap buffer (at least its size)".into()],
            },
        ));
    }
    let second = Reserved {
        inaccessible_bytes: both.inaccessible_bytes - first.inaccessible_bytes,
        accessible_bytes: both.accessible_bytes - first.accessible_bytes,
    };
    // A first memory whose own reservation is not observable leaves the second's unobservable
    // too: the figures are then the mappings' changes, not the memories'.
    let detail = if first.total() < used as i64 / 2 {
        let second = added("the second memory", first, used, &heap);
        (
            format!("a module with two 16-page memories (multi-memory) instantiates; {second}"),
            second,
        )
    } else {
        let second = added("the second memory", second, used, &heap);
        (
            format!(
                "a module with two 16-page memories (multi-memory) instantiates: one memory \
                 added {first}, two added {both}; {second}"
            ),
            second,
        )
    };
    let (detail, second) = detail;
    Ok((
        detail,
        KindAnswer::Taken {
            figures: vec![second],
        },
    ))
}
