//! Correctness of the contiguous family on every runtime of the matrix and every memory variant:
//! same checksums as native, declared limits honoured, out-of-bounds accesses trap.

use membench::case::GuestBuild;
use membench::contiguous::{Kernel, MaxDecl, MemoryVariant, Pattern, Touch, Width};
use membench::matrix;
use membench::module::{MemoryDecl, MemoryPlan, PAGE};
use membench::record::{FailureKind, NotMeasured};
use membench::runtime::{is_trap, Compiled, GuestModule, Instance, Runtime};
use membench::runtimes::HOST_FUNCTIONS_ONLY;

const SIZE: u32 = 64 << 10;

fn guest(plan: MemoryPlan) -> GuestModule {
    membench::contiguous::guest(GuestBuild::Scalar, plan)
        .expect("the contiguous guest rewrites for every plan")
}

fn static_pages() -> u64 {
    membench::contiguous::static_pages().unwrap()
}

/// Every pattern's result and, for writes, the checksum of the memory it left, run on one instance.
fn run_all_patterns(instance: &mut dyn Instance) -> Vec<(String, u64, u64)> {
    let addr = (static_pages() * PAGE) as u32;
    let mut out = Vec::new();
    for kernel in Kernel::ALL {
        for width in Width::ALL {
            let pattern = Pattern {
                kernel,
                width,
                touch: Touch::Warm,
            };
            instance.call("fill", [addr, SIZE, 7]).unwrap();
            let result = instance.call(&pattern.export(), [addr, SIZE, 3]).unwrap();
            let memory = instance.call("checksum", [addr, SIZE, 0]).unwrap();
            out.push((pattern.to_string(), result, memory));
        }
    }
    out
}

/// Every runtime-engine × strategy the benches run (the full matrix's, the JavaScript engines'
/// switches included), built; a JavaScript engine that is not installed is skipped, with a note
/// (unless `MEMBENCH_REQUIRE_ALL=1`).
/// Compiles the guest for `plan`, or `None` where a [`HOST_FUNCTIONS_ONLY`] runtime's binding
/// cannot link the imported memory (checked to be that gap, typed as the binding's, and only
/// there).
fn compile(id: &str, rt: &dyn Runtime, plan: MemoryPlan) -> Option<Box<dyn Compiled>> {
    match rt.compile(&guest(plan)) {
        Ok(compiled) => Some(compiled),
        Err(e)
            if HOST_FUNCTIONS_ONLY.contains(&id)
                && plan.decl == MemoryDecl::Imported
                && NotMeasured::of(&e) == FailureKind::Binding
                && format!("{e:#}").contains("cannot import a memory") =>
        {
            None
        }
        Err(e) => panic!("{id} {plan:?}: {e:#}"),
    }
}

fn build_all() -> Vec<(String, Box<dyn Runtime>)> {
    matrix::bench_runtimes(matrix::Scope::Full)
        .iter()
        .filter_map(|spec| {
            let rt = spec
                .build_optional()
                .unwrap_or_else(|e| panic!("{}: {e:#}", spec.id))?;
            assert_eq!(rt.id(), spec.id);
            assert_eq!(rt.strategy(), spec.strategy);
            Some((spec.id.to_string(), rt))
        })
        .collect()
}

#[test]
fn every_pattern_on_every_runtime_and_variant_matches_native() {
    let runtimes = build_all();
    let plan = MemoryVariant::ALL[0].plan(static_pages(), SIZE as u64);
    let native = &runtimes[0];
    assert_eq!(native.0, "native-rustc");
    let mut native_instance = native
        .1
        .compile(&guest(plan))
        .unwrap()
        .instantiate()
        .unwrap();
    let expected = run_all_patterns(native_instance.as_mut());
    // The patterns really differ from one another (a kernel that did nothing would not).
    let distinct: std::collections::HashSet<_> = expected.iter().map(|e| (e.1, e.2)).collect();
    assert!(distinct.len() > expected.len() / 2, "{expected:?}");
    for (id, rt) in &runtimes {
        for variant in MemoryVariant::ALL {
            let plan = variant.plan(static_pages(), SIZE as u64);
            let Some(compiled) = compile(id, rt.as_ref(), plan) else {
                continue;
            };
            let mut instance = compiled
                .instantiate()
                .unwrap_or_else(|e| panic!("{id} {variant:?}: {e:#}"));
            let got = run_all_patterns(instance.as_mut());
            assert_eq!(
                got,
                expected,
                "{id} {} with {}",
                rt.strategy(),
                variant.id()
            );
        }
    }
}

/// The `simd128` guest computes what the scalar one does, on every engine that takes it; an engine
/// that refuses it (wasmer-singlepass; wasmi without its `simd` feature) refuses it at compile time and takes the scalar guest, which
/// is what the bench records as "unsupported"; and the scalar native copy (vectorisers off, loaded
/// from its own library) agrees with the vectorised host build.
#[test]
fn both_guest_builds_compute_the_same_on_every_runtime() {
    let plan = MemoryVariant::ALL[1].plan(static_pages(), SIZE as u64);
    let native = matrix::runtimes()[0].build().unwrap();
    let expected = run_all_patterns(
        native
            .compile(&guest(plan))
            .unwrap()
            .instantiate()
            .unwrap()
            .as_mut(),
    );
    let mut refused = Vec::new();
    for (id, rt) in build_all() {
        let simd = membench::contiguous::guest(GuestBuild::Simd128, plan).unwrap();
        match rt.compile(&simd) {
            Ok(compiled) => {
                let got = run_all_patterns(compiled.instantiate().unwrap().as_mut());
                assert_eq!(got, expected, "{id} {} simd128", rt.strategy());
            }
            Err(e) => {
                rt.compile(&guest(plan))
                    .unwrap_or_else(|e| panic!("{id} refuses the scalar guest too: {e:#}"));
                refused.push(format!("{id}: {e:#}"));
            }
        }
    }
    // wasmer-singlepass has no SIMD, and wasmi is built without its `simd` feature; stitch,
    // WAMR as wamrx builds it and wasm3 have none; WebKitGTK's JSC without its baseline JIT
    // (`JSC_useBBQJIT=0`) interprets wasm, without SIMD.
    for r in &refused {
        assert!(
            r.starts_with("wasmer-singlepass")
                || r.starts_with("wasmi-interpreter")
                || r.starts_with("stitch-interpreter")
                || r.starts_with("wamr-fast-interp")
                || r.starts_with("wasm3-interpreter")
                || (r.starts_with("webkitgtk-jsc") && r.contains("JIT is disabled")),
            "{refused:#?}"
        );
    }
    for engine in ["wasmer-singlepass", "wasmi-interpreter"] {
        assert!(
            refused.iter().any(|r| r.starts_with(engine)),
            "{engine} accepts simd128 now: {refused:#?}"
        );
    }
}

/// A first-touch case times memory nobody touched: on every runtime × strategy, the JavaScript
/// engines' included (their memory read in the engine's process), either the fresh instance's
/// working set is wholly non-resident before the call (and resident after it, so the check can see
/// residency), or the case is refused as a finding, never measured on warm pages.
#[test]
fn first_touch_is_first_touch_or_a_finding_on_every_configuration() {
    let pattern = Pattern {
        kernel: Kernel::SeqWrite,
        width: Width::I64,
        touch: Touch::FirstTouch,
    };
    let size = 1u64 << 20;
    let mut findings = Vec::new();
    let mut unplaced = Vec::new();
    for (id, rt) in build_all() {
        let strategy = rt.strategy().to_string();
        let variant = MemoryVariant::ALL[1];
        match membench::contiguous::Prepared::new(
            rt.as_ref(),
            pattern,
            variant,
            size,
            GuestBuild::Scalar,
        ) {
            Ok(p) => {
                let mut refused = false;
                for _ in 0..3 {
                    let mut fresh = match p.fresh() {
                        Ok(fresh) => fresh,
                        // WebKit's page cannot collect: past its fast memories a fresh instance
                        // is refused rather than measured on a heap buffer.
                        Err(e) if NotMeasured::of(&e) == FailureKind::Unsupported => {
                            unplaced.push(format!("{id} {strategy}: {e:#}"));
                            refused = true;
                            break;
                        }
                        Err(e) => panic!("{id} {strategy}: {e:#}"),
                    };
                    p.run_fresh(&mut fresh).unwrap();
                    let resident = fresh.resident_working_set().unwrap();
                    assert!(
                        resident >= size * 9 / 10,
                        "{id} {strategy}: only {resident} bytes resident after writing {size}"
                    );
                }
                match p.first_touch() {
                    Some(ft) => {
                        // Fewer checks where fresh instances were refused part-way.
                        assert!(
                            ft.untouched() && (ft.checked >= 5 || refused),
                            "{id} {strategy}: {ft:?}"
                        )
                    }
                    None => assert!(refused, "{id} {strategy}: no first-touch check was made"),
                }
            }
            Err(e) if NotMeasured::of(&e) == FailureKind::Unsupported => {
                unplaced.push(format!("{id} {strategy}: {e:#}"));
            }
            Err(e) => {
                assert_eq!(
                    NotMeasured::of(&e),
                    FailureKind::Finding,
                    "{id} {strategy}: {e:#}"
                );
                findings.push(format!("{id} {strategy}"));
            }
        }
    }
    // Only a memory with no mapping of its own in an engine's process, or in a runtime that
    // gives no address, cannot be read: JSC
    // without fast memory gives it a heap buffer, and so does WebKit's past the fast memories its
    // dropped instances hold (its page cannot force the collection that frees them).
    // tinywasm's API gives no address of a memory's bytes at all.
    for u in &unplaced {
        assert!(
            u.starts_with("bun-jsc BUN_JSC_useWasmFastMemory=0")
                || u.starts_with("webkitgtk-jsc")
                || u.starts_with("tinywasm-interpreter"),
            "{unplaced:#?}"
        );
    }
    // Memory that comes from mappings of its own is untouched on every JIT; only heap buffers
    // (wasmi, stitch, wasm3, native `vec`) may come back touched.
    for f in &findings {
        assert!(
            f.starts_with("wasmi")
                || f.starts_with("stitch-interpreter")
                || f.starts_with("wasm3-interpreter")
                || f.starts_with("native-rustc vec"),
            "{findings:?}"
        );
    }
}

#[test]
fn memory_reports_the_declared_initial_and_maximum() {
    for (id, rt) in build_all() {
        for variant in MemoryVariant::ALL {
            let plan = MemoryPlan {
                decl: variant.decl,
                initial: static_pages() + 3,
                maximum: (variant.maximum != MaxDecl::None).then_some(static_pages() + 9),
                shared: false,
                memory64: false,
                page_size_log2: None,
            };
            let Some(compiled) = compile(&id, rt.as_ref(), plan) else {
                continue;
            };
            let mut instance = compiled.instantiate().unwrap();
            let info = instance.memory().unwrap();
            assert_eq!(info.size_bytes, plan.initial * 65536, "{id} {variant:?}");
            assert_eq!(info.maximum_pages, plan.maximum, "{id} {variant:?}");
        }
    }
}

#[test]
fn touching_one_byte_past_memory_traps_and_the_instance_survives() {
    for (id, rt) in build_all() {
        for variant in MemoryVariant::ALL {
            let plan = variant.plan(static_pages(), SIZE as u64);
            let Some(compiled) = compile(&id, rt.as_ref(), plan) else {
                continue;
            };
            let mut instance = compiled.instantiate().unwrap();
            let end = instance.memory().unwrap().size_bytes as u32;
            instance.call("store_u8", [end - 1, 0xAB, 0]).unwrap();
            assert_eq!(instance.call("load_u8", [end - 1, 0, 0]).unwrap(), 0xAB);
            for (export, addr) in [("load_u8", end), ("store_u8", end), ("load_u8", u32::MAX)] {
                let err = instance
                    .call(export, [addr, 1, 0])
                    .expect_err(&format!("{id} {variant:?}: {export}({addr}) did not trap"));
                assert!(is_trap(&err), "{id} {variant:?}: not a trap: {err:#}");
                assert!(
                    format!("{err:#}").contains(export),
                    "{id}: the error names the call: {err:#}"
                );
            }
            // The failed store left nothing behind and the instance still works.
            assert_eq!(instance.call("load_u8", [end - 1, 0, 0]).unwrap(), 0xAB);
        }
    }
}

#[test]
fn a_missing_export_is_an_error_naming_it() {
    for (id, rt) in build_all() {
        let plan = MemoryVariant::ALL[0].plan(static_pages(), SIZE as u64);
        let mut instance = rt.compile(&guest(plan)).unwrap().instantiate().unwrap();
        let err = instance.call("no_such_export", [0, 0, 0]).unwrap_err();
        assert!(!is_trap(&err), "{id}");
        assert!(
            format!("{err:#}").contains("no_such_export"),
            "{id}: {err:#}"
        );
    }
}

#[test]
fn a_wrong_signature_is_an_error_naming_the_export_on_every_runtime() {
    let wasm = wat::parse_str(
        r#"(module (memory (export "memory") 1)
             (func (export "f") (param i32) (result i32) local.get 0))"#,
    )
    .unwrap();
    let guest = GuestModule::as_is("wrong-signature", wasm, &[]).unwrap();
    for (id, rt) in build_all()
        .into_iter()
        .filter(|(id, _)| id != "native-rustc")
    {
        let mut instance = rt.compile(&guest).unwrap().instantiate().unwrap();
        let err = instance.call("f", [1, 2, 3]).unwrap_err();
        assert!(!is_trap(&err), "{id}: {err:#}");
        let text = format!("{err:#}");
        assert!(
            text.contains("`f`") && text.contains("(i32, i32, i32) -> i64"),
            "{id}: {text}"
        );
    }
}

#[test]
fn a_maximum_above_what_a_32_bit_memory_allows_is_refused_not_a_crash() {
    let plan = MemoryPlan {
        decl: membench::module::MemoryDecl::Defined,
        initial: 1,
        maximum: Some(65537),
        shared: false,
        memory64: false,
        page_size_log2: None,
    };
    for (id, rt) in build_all() {
        if id == "native-rustc" {
            continue;
        }
        let err = rt.compile(&guest(plan)).err();
        assert!(
            err.is_some(),
            "{id} {} compiled a memory with maximum 65537 pages",
            rt.strategy()
        );
    }
    // The imported variant: the host memory itself cannot be created.
    let imported = MemoryPlan {
        decl: membench::module::MemoryDecl::Imported,
        ..plan
    };
    for (id, rt) in build_all() {
        if id == "native-rustc" {
            continue;
        }
        let outcome = rt.compile(&guest(imported)).and_then(|c| c.instantiate());
        assert!(
            outcome.is_err(),
            "{id} {} accepted an imported memory with maximum 65537",
            rt.strategy()
        );
    }
}

/// Natively the kernels are `unsafe`: their preconditions (inside the memory, aligned, a
/// power-of-two element count for the random ones) are checked by the export's span before the
/// call, and a call that breaks one is refused with an error instead of running (in wasm it would
/// trap or mask within the range). Both native builds (the scalar copy and the host build) check.
#[test]
fn native_kernels_refuse_calls_that_break_their_preconditions() {
    let native = matrix::runtimes()[0].build().unwrap();
    assert_eq!(native.id(), "native-rustc");
    let plan = MemoryVariant::ALL[1].plan(static_pages(), SIZE as u64);
    let addr = (static_pages() * PAGE) as u32;
    for build in GuestBuild::ALL {
        let guest = membench::contiguous::guest(build, plan).unwrap();
        let mut instance = native.compile(&guest).unwrap().instantiate().unwrap();
        instance.call("fill", [addr, SIZE, 1]).unwrap();
        assert!(instance.call("random_read_i64", [addr, SIZE, 1]).is_ok());
        for (export, args, why) in [
            ("random_read_i64", [addr, 3 * 8, 1], "power of two"),
            ("random_write_i32", [addr, 12, 1], "power of two"),
            ("seq_read_i64", [addr + 4, 64, 1], "aligned"),
            ("copy_i32", [addr + 2, 64, 1], "aligned"),
        ] {
            let err = instance
                .call(export, args)
                .expect_err(&format!("{build}: {export}{args:?} ran natively"));
            let text = format!("{err:#}");
            assert!(
                text.contains(why) && text.contains(export),
                "{build}: {text}"
            );
            assert!(
                !is_trap(&err),
                "{build}: a refused precondition is not a guest trap"
            );
        }
    }
}

/// The host build's memory is installed for one call only: after it returns (or fails), guest
/// address 0 points nowhere, so no stale pointer to a dropped memory outlives the call.
#[test]
fn the_native_memory_is_uninstalled_after_each_call() {
    let native = matrix::runtimes()[0].build().unwrap();
    let plan = MemoryVariant::ALL[1].plan_pages(2, 2);
    let mut instance = native
        .compile(&membench::grow::guest(plan).unwrap())
        .unwrap()
        .instantiate()
        .unwrap();
    assert_eq!(instance.call("size", [0, 0, 0]).unwrap(), 2);
    assert!(guest_abi::at::<u8>(0).is_null());
    instance.call("store_u8", [5, 9, 0]).unwrap();
    assert!(guest_abi::at::<u8>(0).is_null());
}

/// The runtimes (default strategies) whose pinned versions refuse a 64-bit memory, with a word
/// of their refusal: wasmer 7.4 does not validate memory64 by default (and panics in codegen with
/// it on), stitch, WAMR's fast interpreter and wasm3 do not implement it. A runtime that starts
/// accepting it, or one that stops, fails this list.
/// The in-process runtimes that refuse each memory kind beyond the 32-bit twin, by what their own
/// validators say: memory64 (wasmer 7.4's "memory64 must be enabled", stitch's "invalid limits",
/// WAMR's "invalid limits flags", wasm3's "malformed"), custom page sizes (wasmer, stitch, WAMR;
/// wasmtime and wasmi take them once `wasm_custom_page_sizes` is on, tinywasm and wasm3 always),
/// and multiple memories (stitch, WAMR, wasm3).
fn refusers(build: GuestBuild) -> &'static [&'static str] {
    match build {
        GuestBuild::Memory64 => &[
            "wasmer-cranelift",
            "wasmer-singlepass",
            "stitch-interpreter",
            "wamr-fast-interp",
            "wasm3-interpreter",
        ],
        GuestBuild::PageSize1 => &[
            "wasmer-cranelift",
            "wasmer-singlepass",
            "stitch-interpreter",
            "wamr-fast-interp",
        ],
        GuestBuild::SecondMemory => &[
            "stitch-interpreter",
            "wamr-fast-interp",
            "wasm3-interpreter",
        ],
        _ => &[],
    }
}

/// The memory-kind twins are the Rust guest's kernels, written out: on every runtime, the 32-bit
/// twin's results and the bytes it leaves equal the Rust scalar guest's, and so do the other
/// kinds' (64-bit, 1-byte pages, a second memory) wherever the runtime takes them; exactly the
/// runtimes [`refusers`] names refuse each, and each refusal is *unsupported* (the benches' rows),
/// not a failure.
#[test]
fn memory_kind_twins_compute_what_the_rust_guest_computes() {
    let addr = (static_pages() * PAGE) as u32;
    let variant = MemoryVariant::new(MemoryDecl::Defined, MaxDecl::Exact);
    let plan = variant.plan(static_pages(), SIZE as u64);
    let run = |instance: &mut dyn Instance| -> Vec<(String, u64, u64)> {
        matrix::MEMORY_KIND_KERNELS
            .iter()
            .map(|&kernel| {
                let pattern = Pattern {
                    kernel,
                    width: Width::I64,
                    touch: Touch::Warm,
                };
                instance.call("fill", [addr, SIZE, 7]).unwrap();
                let result = instance.call(&pattern.export(), [addr, SIZE, 3]).unwrap();
                let memory = instance.call("checksum", [addr, SIZE, 0]).unwrap();
                (pattern.to_string(), result, memory)
            })
            .collect()
    };
    let kind = |build| membench::contiguous::guest(build, plan).unwrap();
    // Each module declares what its kind says, of the same bytes.
    let declared = |build| {
        let mut shape = wasmparser::Parser::new(0)
            .parse_all(&kind(build).wasm)
            .filter_map(|p| match p.unwrap() {
                wasmparser::Payload::MemorySection(r) => {
                    Some(r.into_iter().map(|m| m.unwrap()).collect::<Vec<_>>())
                }
                _ => None,
            })
            .flatten()
            .collect::<Vec<_>>();
        let exported = shape.pop().unwrap();
        (shape.len(), exported)
    };
    let (others, m32) = declared(GuestBuild::Memory32);
    assert_eq!((others, m32.memory64, m32.page_size_log2), (0, false, None));
    let (_, m64) = declared(GuestBuild::Memory64);
    assert!(m64.memory64 && kind(GuestBuild::Memory64).memory.memory64);
    let (_, bytes) = declared(GuestBuild::PageSize1);
    assert_eq!(bytes.page_size_log2, Some(0));
    assert_eq!(bytes.initial, m32.initial * PAGE);
    assert_eq!(bytes.maximum, m32.maximum.map(|m| m * PAGE));
    let (others, second) = declared(GuestBuild::SecondMemory);
    assert_eq!((others, second.initial), (1, m32.initial));
    let mut refused: Vec<(GuestBuild, &str, String)> = Vec::new();
    for spec in matrix::runtimes()
        .iter()
        .filter(|s| s.is_default() && !s.native)
    {
        let Some(rt) = spec.build_optional().unwrap() else {
            continue;
        };
        let reference = run(rt
            .compile(&guest(plan))
            .unwrap()
            .instantiate()
            .unwrap()
            .as_mut());
        let twin32 = run(rt
            .compile(&kind(GuestBuild::Memory32))
            .unwrap()
            .instantiate()
            .unwrap()
            .as_mut());
        assert_eq!(twin32, reference, "{} memory32", spec.id);
        for build in GuestBuild::MEMORY_KINDS.into_iter().skip(1) {
            let prepared = membench::contiguous::Prepared::new(
                rt.as_ref(),
                Pattern {
                    kernel: Kernel::SeqRead,
                    width: Width::I64,
                    touch: Touch::Warm,
                },
                variant,
                SIZE as u64,
                build,
            );
            match rt.compile(&kind(build)) {
                Ok(compiled) => {
                    assert!(
                        prepared.is_ok(),
                        "{} {build}: {:#}",
                        spec.id,
                        prepared.err().unwrap()
                    );
                    let mut instance = compiled.instantiate().unwrap();
                    assert_eq!(
                        instance.memory().unwrap().size_bytes,
                        plan.initial * PAGE,
                        "{} {build}",
                        spec.id
                    );
                    let twin = run(instance.as_mut());
                    assert_eq!(twin, reference, "{} {build}", spec.id);
                }
                Err(e) => {
                    let err = prepared
                        .err()
                        .expect("the case refuses what compile refused");
                    assert_eq!(
                        NotMeasured::of(&err),
                        FailureKind::Unsupported,
                        "{} {build}: {err:#}",
                        spec.id
                    );
                    assert!(format!("{err:#}").contains(build.id()), "{err:#}");
                    refused.push((build, spec.id, format!("{e:#}")));
                }
            }
        }
    }
    for build in GuestBuild::MEMORY_KINDS.into_iter().skip(1) {
        let ids: Vec<&str> = refused
            .iter()
            .filter(|(b, ..)| *b == build)
            .map(|(_, id, _)| *id)
            .collect();
        let expected: Vec<&str> = refusers(build)
            .iter()
            .copied()
            .filter(|id| {
                matrix::runtimes()
                    .iter()
                    .any(|s| s.id == *id && s.build().is_ok())
            })
            .collect();
        assert_eq!(ids, expected, "{build}: {refused:#?}");
    }
}
