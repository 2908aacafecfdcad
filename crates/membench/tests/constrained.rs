//! The runtimes memory-constrained hosts pick (tinywasm, stitch; WAMR and wasm3 with the
//! `c-runtimes` feature): a guest that grows its memory in a callee and then uses the new page in
//! the caller, the pattern every guest allocator follows (the allocator grows, its caller writes).

use membench::matrix;
use membench::runtime::{is_trap, GuestModule};

/// `direct` grows and stores to the new page in one function; `nested` has a callee grow and
/// the caller store. Both return the value stored (7).
const GROW_THEN_STORE: &str = r#"(module
  (memory (export "memory") 1)
  (func $grow (result i32) (memory.grow (i32.const 1)))
  (func (export "direct") (param i32 i32 i32) (result i64)
    (local $old i32)
    (local.set $old (memory.grow (i32.const 1)))
    (i32.store (i32.mul (local.get $old) (i32.const 65536)) (i32.const 7))
    (i64.extend_i32_u (i32.load (i32.mul (local.get $old) (i32.const 65536)))))
  (func (export "nested") (param i32 i32 i32) (result i64)
    (local $old i32)
    (local.set $old (call $grow))
    (i32.store (i32.mul (local.get $old) (i32.const 65536)) (i32.const 7))
    (i64.extend_i32_u (i32.load (i32.mul (local.get $old) (i32.const 65536))))))"#;

/// Runtimes known to get `nested` wrong, and how. A runtime listed here that gets it right fails
/// the test, so the entry (and the fragmentation test's exclusion that cites it) goes.
///
/// stitch 0.1.0 keeps the memory's data pointer and size in each frame's registers (`md`, `ms`)
/// and, on `memory.grow`, rewrites them only in the frames it walks on its stack
/// (`Mem::grow_with_stack`, src/mem.rs); the caller of a function that grew still bounds-checks
/// against the old size, so its store to the new page traps as out of bounds. Every guest
/// allocator grows in a callee, so stitch cannot run the fragmentation workloads.
const NESTED_GROW_TRAPS: &[&str] = &["stitch-interpreter"];

#[test]
fn a_page_grown_in_a_callee_is_usable_in_its_caller() {
    let wasm = wat::parse_str(GROW_THEN_STORE).unwrap();
    let guest = GuestModule::as_is("grow-then-store", wasm, &["direct", "nested"]).unwrap();
    let mut ran = 0;
    for spec in matrix::constrained_runtimes() {
        let Some(rt) = spec.build_optional().unwrap() else {
            continue;
        };
        let name = format!("{} {}", spec.id, spec.strategy);
        let compiled = rt.compile(&guest).unwrap();
        let mut instance = compiled.instantiate().unwrap();
        assert_eq!(instance.call("direct", [0, 0, 0]).unwrap(), 7, "{name}");
        let mut instance = compiled.instantiate().unwrap();
        let nested = instance.call("nested", [0, 0, 0]);
        if NESTED_GROW_TRAPS.contains(&spec.id) {
            let err = nested.expect_err(&format!(
                "{name}: no longer traps: remove it from NESTED_GROW_TRAPS"
            ));
            assert!(is_trap(&err), "{name}: {err:#}");
            assert!(
                format!("{err:#}").contains("out of bounds memory access"),
                "{name}: {err:#}"
            );
        } else {
            assert_eq!(nested.unwrap(), 7, "{name}");
        }
        ran += 1;
    }
    // tinywasm's four backends and stitch, at least.
    assert!(ran >= 5, "{ran} configurations ran");
}
