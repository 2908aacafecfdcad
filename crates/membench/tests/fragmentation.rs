//! Known answers for the fragmentation family on every wasm runtime-engine: a bump allocator's
//! waste is exactly its computed value, resident ≤ linear (≤ reserved where memory is reserved up
//! front), freeing everything does not shrink linear memory, and modules that do not follow the
//! guest ABI are refused with what is missing.

use membench::fragmentation::{self, Allocator, Workload, FIXED_64K};
use membench::matrix;
use membench::module::PAGE;
use membench::runtime::{GuestModule, Runtime};

/// Address-space and resident figures are process-wide: tests that read them run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn wasm_runtimes() -> Vec<Box<dyn Runtime>> {
    matrix::runtimes()
        .into_iter()
        .filter(|s| s.is_default() && !s.native)
        .map(|s| s.build().unwrap())
        .collect()
}

#[test]
fn a_bump_allocator_wastes_exactly_the_static_pages() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let guest = Allocator::Bump.guest().unwrap();
    let initial = guest.memory.initial;
    for rt in wasm_runtimes() {
        let f = fragmentation::measure(rt.as_ref(), &guest, FIXED_64K).unwrap();
        let blocks = u64::from(FIXED_64K.scale);
        assert_eq!(f.linear_bytes, (initial + blocks) * PAGE, "{}", rt.id());
        assert_eq!(f.peak_live_bytes, Some(blocks * 65536), "{}", rt.id());
        assert_eq!(f.waste_bytes, Some(initial * PAGE), "{}", rt.id());
        assert_eq!(f.allocations, blocks, "{}", rt.id());
    }
}

#[test]
fn resident_fits_in_linear_and_linear_in_reserved_for_every_case() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for rt in wasm_runtimes() {
        for allocator in Allocator::ALL {
            let guest = allocator.guest().unwrap();
            for workload in fragmentation::WORKLOADS {
                let f = fragmentation::measure(rt.as_ref(), &guest, workload).unwrap();
                let name = format!("{} {} {}", rt.id(), allocator.id(), workload.id);
                assert!(f.resident_bytes <= f.linear_bytes, "{name}: {f:?}");
                let live = f.peak_live_bytes.unwrap();
                assert!(live <= f.linear_bytes, "{name}: {f:?}");
                // wasmi's memory is a heap `Vec`: what it reserves is the host allocator's business
                // and does not show reliably in VmSize (freed heap gets reused).
                if rt.id() != "wasmi-interpreter" {
                    assert!(f.linear_bytes <= f.reserved_virtual_bytes, "{name}: {f:?}");
                }
            }
        }
    }
}

#[test]
fn freeing_everything_does_not_shrink_linear_memory() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let peak_release = fragmentation::WORKLOADS[4];
    assert_eq!(peak_release.id, "peak-release");
    for rt in wasm_runtimes() {
        for allocator in Allocator::ALL {
            let guest = allocator.guest().unwrap();
            let f = fragmentation::measure(rt.as_ref(), &guest, peak_release).unwrap();
            let name = format!("{} {}", rt.id(), allocator.id());
            assert!(f.linear_bytes >= 256 << 20, "{name}: {f:?}");
            assert!(f.live_bytes_end.unwrap() < 1 << 20, "{name}: {f:?}");
            assert!(f.peak_live_bytes.unwrap() >= 256 << 20, "{name}: {f:?}");
        }
    }
}

#[test]
fn modules_that_do_not_follow_the_guest_abi_are_refused_naming_what_is_missing() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let required = &fragmentation::REQUIRED_EXPORTS;
    let err = GuestModule::as_is("junk", b"\0asm\x01\0\0\0\xff".to_vec(), required).unwrap_err();
    assert!(
        format!("{err:#}").contains("not valid WebAssembly"),
        "{err:#}"
    );
    let no_run = wat::parse_str(r#"(module (memory (export "memory") 1))"#).unwrap();
    let err = GuestModule::as_is("no-run", no_run, required).unwrap_err();
    assert!(format!("{err:#}").contains("`run`"), "{err:#}");
    let wrong = wat::parse_str(
        r#"(module (memory (export "memory") 1) (func (export "run") (param i32) (result i32) i32.const 0))"#,
    )
    .unwrap();
    let err = GuestModule::as_is("wrong", wrong, required).unwrap_err();
    assert!(
        format!("{err:#}").contains("`run` with type (i32, i32, i32) -> i64"),
        "{err:#}"
    );
    let no_memory = wat::parse_str(
        r#"(module (func (export "run") (param i32 i32 i32) (result i64) i64.const 0))"#,
    )
    .unwrap();
    let err = GuestModule::as_is("no-memory", no_memory, required).unwrap_err();
    assert!(format!("{err:#}").contains("no memory"), "{err:#}");
    // A conforming module given as text is measured like the built-in guests.
    let own = wat::parse_str(
        r#"(module (memory (export "memory") 1)
             (func (export "run") (param i32 i32 i32) (result i64)
               (drop (memory.grow (local.get 1))) (i64.const 1)))"#,
    )
    .unwrap();
    let guest = GuestModule::as_is("own", own, required).unwrap();
    let custom = Workload {
        id: "custom",
        index: 0,
        scale: 3,
    };
    for rt in wasm_runtimes() {
        let f = fragmentation::measure(rt.as_ref(), &guest, custom).unwrap();
        assert_eq!(f.linear_bytes, 4 * PAGE, "{}", rt.id());
        assert_eq!(
            f.peak_live_bytes,
            None,
            "{}: no counter, no figure",
            rt.id()
        );
    }
}
