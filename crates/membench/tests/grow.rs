//! Grow semantics on every runtime × strategy of the matrix and every maximum variant: grow returns
//! the old size, new pages read zero, `memory.size` follows, a grow past the maximum returns -1 and
//! leaves the memory unchanged and usable, and a host-side grow past it is an error naming the limit.

use membench::case::GuestBuild;
use membench::contiguous::{MaxDecl, MemoryVariant};
use membench::grow::{self, GrowPattern, Prepared};
use membench::matrix::{self, STRATEGY_VARIANTS};
use membench::module::{MemoryPlan, PAGE};
use membench::record::{FailureKind, NotMeasured};
use membench::runtime::{is_trap, Instance, RuntimeSpec};
use membench::runtimes::HOST_FUNCTIONS_ONLY;

const FAILED: u64 = u32::MAX as u64;

/// Whether `result` is a refusal a [`HOST_FUNCTIONS_ONLY`] runtime makes (typed as a gap in our
/// *binding*, never as the engine's refusal, saying which call is missing); panics on a refusal
/// of another kind.
fn refused_binding<T>(name: &str, spec: &RuntimeSpec, result: &anyhow::Result<T>) -> bool {
    let Err(e) = result else {
        return false;
    };
    if !HOST_FUNCTIONS_ONLY.contains(&spec.id) {
        return false;
    }
    let text = format!("{e:#}");
    assert_eq!(NotMeasured::of(e), FailureKind::Binding, "{name}: {text}");
    assert!(
        text.contains("defines only host functions") || text.contains("binds no host-side grow"),
        "{name}: {text}"
    );
    true
}

fn for_every_configuration(
    mut check: impl FnMut(&str, &RuntimeSpec, MemoryVariant, &mut dyn Instance, MemoryPlan),
) {
    for spec in matrix::runtimes() {
        let Some(runtime) = spec
            .build_optional()
            .unwrap_or_else(|e| panic!("{}: {e:#}", spec.id))
        else {
            continue;
        };
        for variant in STRATEGY_VARIANTS {
            let plan = variant.plan_pages(2, 6);
            let name = format!("{} {} {}", spec.id, spec.strategy, variant.id());
            let compiled = runtime.compile(&grow::guest(plan).unwrap());
            if refused_binding(&name, &spec, &compiled) {
                continue;
            }
            let mut instance = compiled.unwrap().instantiate().unwrap();
            check(&name, &spec, variant, instance.as_mut(), plan);
        }
    }
}

#[test]
fn grow_returns_the_old_size_new_pages_read_zero_and_size_follows() {
    for_every_configuration(|name, spec, _, instance, plan| {
        assert_eq!(
            instance.call("size", [0, 0, 0]).unwrap(),
            plan.initial,
            "{name}"
        );
        assert_eq!(instance.call("grow", [3, 0, 0]).unwrap(), 2, "{name}");
        assert_eq!(instance.call("size", [0, 0, 0]).unwrap(), 5, "{name}");
        assert_eq!(instance.memory().unwrap().size_bytes, 5 * PAGE, "{name}");
        let new = [2 * PAGE as u32, 3 * PAGE as u32, 0];
        assert_eq!(
            instance.call("sum_bytes", new).unwrap(),
            0,
            "{name}: new pages read zero"
        );
        instance
            .call("store_u8", [5 * PAGE as u32 - 1, 9, 0])
            .unwrap();
        assert_eq!(
            instance
                .call("load_u8", [5 * PAGE as u32 - 1, 0, 0])
                .unwrap(),
            9,
            "{name}"
        );
        // Host-side grow follows the same rule and the guest sees it (where the host can grow).
        let host = instance.grow(1);
        if refused_binding(name, spec, &host) {
            assert_eq!(instance.call("grow", [1, 0, 0]).unwrap(), 5, "{name}");
        } else {
            assert_eq!(host.unwrap(), 5, "{name}");
        }
        assert_eq!(instance.call("size", [0, 0, 0]).unwrap(), 6, "{name}");
        // A grow of 0 is a query.
        assert_eq!(instance.call("grow", [0, 0, 0]).unwrap(), 6, "{name}");
    });
}

#[test]
fn growing_past_the_maximum_fails_and_leaves_memory_unchanged_and_usable() {
    for_every_configuration(|name, spec, variant, instance, plan| {
        instance.call("store_u8", [PAGE as u32, 42, 0]).unwrap();
        // The effective limit: the declared maximum (4 GiB without one), lowered by a host limit
        // such as the pooling allocator's `max_memory_size` or wasmi's `StoreLimits`.
        let declared = plan.maximum.unwrap_or(65536);
        let limit = declared.min(spec.memory_limit_pages.unwrap_or(u64::MAX));
        let past = limit - plan.initial + 1;
        assert_eq!(
            instance.call("grow", [past as u32, 0, 0]).unwrap(),
            FAILED,
            "{name}"
        );
        assert_eq!(
            instance.call("size", [0, 0, 0]).unwrap(),
            plan.initial,
            "{name}"
        );
        assert_eq!(
            instance.call("load_u8", [PAGE as u32, 0, 0]).unwrap(),
            42,
            "{name}"
        );
        let host = instance.grow(past);
        if refused_binding(name, spec, &host) {
            return;
        }
        let err = host.expect_err(name);
        assert!(
            !is_trap(&err),
            "{name}: a host grow failure is an error value, not a trap"
        );
        let message = format!("{err:#}");
        match variant.maximum {
            MaxDecl::None => assert!(message.contains("no declared maximum"), "{name}: {message}"),
            _ => assert!(
                message.contains(&format!("declared maximum {declared} pages")),
                "{name}: {message}"
            ),
        }
        assert_eq!(
            instance.memory().unwrap().size_bytes,
            plan.initial * PAGE,
            "{name}"
        );
        // Up to an exact maximum still works after the failures, and one page more does not.
        if variant.maximum == MaxDecl::Exact {
            let rest = (declared - plan.initial) as u32;
            assert_eq!(
                instance.call("grow", [rest, 0, 0]).unwrap(),
                plan.initial,
                "{name}"
            );
            assert_eq!(instance.call("grow", [1, 0, 0]).unwrap(), FAILED, "{name}");
            assert_eq!(
                instance.call("load_u8", [PAGE as u32, 0, 0]).unwrap(),
                42,
                "{name}"
            );
        }
    });
}

#[test]
fn every_grow_pattern_runs_and_checks_its_outcome_on_every_configuration() {
    let patterns = [
        GrowPattern::Grow1(64),
        GrowPattern::GrowBig(64),
        GrowPattern::GrowTouch(64),
        GrowPattern::Grow1At(16),
        GrowPattern::Grow16At(16),
        GrowPattern::HostGrow1At(16),
        GrowPattern::GrowFail(16),
        GrowPattern::HostGrowFail(16),
    ];
    for spec in matrix::runtimes() {
        let Some(runtime) = spec.build_optional().unwrap() else {
            continue;
        };
        for variant in STRATEGY_VARIANTS {
            for pattern in patterns {
                let name = format!("{} {} {} {pattern}", spec.id, spec.strategy, variant.id());
                let prepared = Prepared::new(runtime.as_ref(), pattern, variant);
                if refused_binding(&name, &spec, &prepared) {
                    continue;
                }
                let prepared = prepared.unwrap();
                let mut instance = prepared.fresh().unwrap();
                let ran = prepared.run(instance.as_mut());
                if refused_binding(&name, &spec, &ran) {
                    continue;
                }
                ran.unwrap_or_else(|e| panic!("{name}: {e:#}"));
                let expected = match pattern {
                    GrowPattern::GrowFail(p) | GrowPattern::HostGrowFail(p) => p,
                    p => p.final_pages(),
                };
                let size = instance.memory().unwrap().size_bytes;
                assert_eq!(
                    size,
                    expected * PAGE,
                    "{} {} {pattern}",
                    spec.id,
                    spec.strategy
                );
            }
        }
    }
}

#[test]
fn a_strategy_that_moves_memory_on_grow_is_capped_and_says_so() {
    for spec in matrix::runtimes() {
        let b = grow::bound(&spec, GrowPattern::Grow1(16384));
        match spec.grow_bound_pages {
            Some(cap) => {
                assert_eq!(b.capped_at, Some(cap));
                assert!(b.runs.final_pages() <= cap, "{}", spec.strategy);
            }
            None => assert_eq!(b.runs, b.requested),
        }
    }
}

/// What an instance reserves is never published as 0 for a memory that exists: a heap buffer
/// (wasmi, native `vec`) or a pool slot, which `VmSize` cannot see grow, counts as at least its size
/// and says so.
#[test]
fn an_instance_footprint_reserves_at_least_its_memory_and_names_its_basis() {
    use membench::procfs::ReservedBasis;
    for spec in matrix::runtimes() {
        let Some(runtime) = spec.build_optional().unwrap() else {
            continue;
        };
        let prepared = Prepared::new(
            runtime.as_ref(),
            GrowPattern::GrowFail(16),
            STRATEGY_VARIANTS[1],
        )
        .unwrap();
        let (footprint, _instance) = prepared.footprint().unwrap();
        assert!(
            footprint.reserved_virtual_bytes >= 16 * PAGE,
            "{} {}: {footprint:?}",
            spec.id,
            spec.strategy
        );
        if spec.id == "wasmi-interpreter" {
            assert_eq!(
                footprint.reserved_basis,
                ReservedBasis::HeapBufferAtLeastLinear
            );
        }
    }
}

/// `host-grow1-at`'s timed region: the host's grows of one page, `AT_GROWS` of them, returning the
/// old size of the last, on every configuration and maximum; past the maximum the loop stops
/// with an error naming the grow and the limit, and the memory is as the successful grows left it.
#[test]
fn host_grows_return_the_old_size_and_stop_at_the_maximum() {
    let grows = u64::from(grow::AT_GROWS);
    for spec in matrix::runtimes() {
        let Some(runtime) = spec.build_optional().unwrap() else {
            continue;
        };
        for variant in STRATEGY_VARIANTS {
            let name = format!("{} {} {}", spec.id, spec.strategy, variant.id());
            let pattern = GrowPattern::HostGrow1At(16);
            let prepared = Prepared::new(runtime.as_ref(), pattern, variant);
            if refused_binding(&name, &spec, &prepared) {
                continue;
            }
            let mut instance = prepared.unwrap().fresh().unwrap();
            let (timed, elapsed) = instance.grow_repeat_timed(1, grows);
            if refused_binding(&name, &spec, &timed) {
                continue;
            }
            let old = timed.unwrap();
            assert_eq!(old, 16 + grows - 1, "{name}");
            assert!(elapsed > std::time::Duration::ZERO, "{name}");
            assert_eq!(
                instance.memory().unwrap().size_bytes,
                (16 + grows) * PAGE,
                "{name}"
            );
            assert_eq!(
                instance.call("size", [0, 0, 0]).unwrap(),
                16 + grows,
                "{name}"
            );
            if variant.maximum == MaxDecl::Exact {
                let err = instance.grow_repeat_timed(1, 2).0.unwrap_err();
                let text = format!("{err:#}");
                assert!(
                    text.starts_with("host grow 1 of 2 by 1 pages failed"),
                    "{name}: {text}"
                );
                assert!(
                    text.contains(&format!("declared maximum {} pages", 16 + grows)),
                    "{name}: {text}"
                );
                assert!(!is_trap(&err), "{name}");
                assert_eq!(
                    instance.memory().unwrap().size_bytes,
                    (16 + grows) * PAGE,
                    "{name}"
                );
            }
        }
    }
}

/// A shared memory (imported, `shared: true`) in the grow family: wasmer creates it and grows it
/// from the guest and from the host; wasmi, tinywasm, stitch and the native baseline refuse it
/// ([`has_shared_memory`] says who has one), as a typed *unsupported* error carrying the engine's own
/// message, never a failure.
/// Whether `spec` creates shared memories: wasmer, and wasmtime's Cranelift and Winch (its
/// `threads` feature, with `Config::shared_memory(true)`) under every strategy, the pooling
/// allocator's included: a `SharedMemory` the host creates is mapped on its own, outside the
/// pool. Pulley turns the threads proposal off ("threads must be enabled").
fn has_shared_memory(spec: &RuntimeSpec) -> bool {
    spec.id.starts_with("wasmer-")
        || (spec.id.starts_with("wasmtime-") && spec.id != "wasmtime-pulley")
}

#[test]
fn a_shared_memory_grows_where_the_runtime_has_one_and_is_refused_with_the_engines_error_elsewhere()
{
    let shared = MemoryVariant::imported_shared(MaxDecl::Exact);
    assert_eq!(shared.id(), "imported-shared-max");
    for spec in matrix::runtimes() {
        let Some(runtime) = spec.build_optional().unwrap() else {
            continue;
        };
        let name = format!("{} {}", spec.id, spec.strategy);
        for pattern in [GrowPattern::Grow1At(16), GrowPattern::HostGrow1At(16)] {
            match Prepared::new(runtime.as_ref(), pattern, shared) {
                Ok(prepared) => {
                    assert!(has_shared_memory(&spec), "{name}: accepted a shared memory");
                    assert!(prepared.plan.shared, "{name}");
                    let mut instance = prepared.fresh().unwrap();
                    let ran = prepared.run(instance.as_mut());
                    if spec.id.starts_with("wasmtime-") && spec.slug == "growth-0" {
                        // A shared memory never moves, and with no reservation for growth
                        // wasmtime maps only its initial pages: no grow succeeds, even under
                        // the maximum (the grow family records these cases as failures).
                        let e = format!("{:#}", ran.expect_err(&name));
                        assert!(
                            e.contains("returned 0, expected 8")
                                || e.contains("failed to grow memory by `1`"),
                            "{name} {pattern}: {e}"
                        );
                        assert_eq!(instance.memory().unwrap().size_bytes, 16 * PAGE);
                        continue;
                    }
                    ran.unwrap_or_else(|e| panic!("{name} {pattern}: {e:#}"));
                    assert_eq!(
                        instance.memory().unwrap().size_bytes,
                        pattern.final_pages() * PAGE,
                        "{name} {pattern}"
                    );
                }
                Err(e) if HOST_FUNCTIONS_ONLY.contains(&spec.id) => {
                    // The shared memory is imported, which these runtimes refuse first.
                    assert!(refused_binding(&name, &spec, &Err::<(), _>(e)));
                }
                Err(e) => {
                    let text = format!("{e:#}");
                    assert_eq!(
                        NotMeasured::of(&e),
                        FailureKind::Unsupported,
                        "{name}: {text}"
                    );
                    assert!(!has_shared_memory(&spec), "{name}: {text}");
                    // The engine's own words: wasmparser's "threads must be enabled" (wasmi,
                    // tinywasm), stitch's decoder refusing the limits' flags, or the native
                    // baseline saying it has none.
                    let engine_says = match spec.id {
                        "native-rustc" => "no shared memory",
                        "stitch-interpreter" => "invalid limits",
                        _ => "threads",
                    };
                    assert!(
                        text.contains("refuses a shared memory") || spec.native,
                        "{name}: {text}"
                    );
                    assert!(text.contains(engine_says), "{name}: {text}");
                }
            }
        }
    }
}

/// The grow twins (`guest-modules/wat/grow.wat`) grow as the Rust guest does: on every runtime
/// under its default strategy, the 32-bit twin's `grow1-at` and failing grows run and leave the
/// memory at the pattern's final size, and so do the 64-bit twin's wherever memory64 is taken;
/// exactly the runtimes without memory64 refuse it, as *unsupported* naming the build.
#[test]
fn the_grow_twins_grow_as_the_rust_guest_does_and_memory64_is_refused_only_where_absent() {
    let defined_max = MemoryVariant::new(membench::module::MemoryDecl::Defined, MaxDecl::Exact);
    let mut refused = Vec::new();
    for spec in matrix::runtimes()
        .iter()
        .filter(|s| s.is_default() && !s.native)
    {
        let Some(runtime) = spec.build_optional().unwrap() else {
            continue;
        };
        for build in [GuestBuild::Memory32, GuestBuild::Memory64] {
            for pattern in [
                GrowPattern::Grow1At(16),
                GrowPattern::GrowFail(grow::FAIL_AT),
            ] {
                let name = format!("{} {build} {pattern}", spec.id);
                match Prepared::with_build(runtime.as_ref(), pattern, defined_max, build) {
                    Ok(prepared) => {
                        assert_eq!(prepared.plan.memory64, build == GuestBuild::Memory64);
                        let mut instance = prepared.fresh().unwrap();
                        prepared
                            .run(instance.as_mut())
                            .unwrap_or_else(|e| panic!("{name}: {e:#}"));
                        assert_eq!(
                            instance.memory().unwrap().size_bytes,
                            pattern.final_pages() * PAGE,
                            "{name}"
                        );
                    }
                    Err(e) => {
                        assert_eq!(build, GuestBuild::Memory64, "{name}: {e:#}");
                        assert_eq!(NotMeasured::of(&e), FailureKind::Unsupported, "{name}");
                        assert!(
                            format!("{e:#}").contains("refuses the memory64 guest"),
                            "{e:#}"
                        );
                        if pattern == GrowPattern::Grow1At(16) {
                            refused.push(spec.id);
                        }
                    }
                }
            }
        }
    }
    let expected: Vec<&str> = [
        "wasmer-cranelift",
        "wasmer-singlepass",
        "stitch-interpreter",
        "wamr-fast-interp",
        "wasm3-interpreter",
    ]
    .into_iter()
    .filter(|id| {
        matrix::runtimes()
            .iter()
            .any(|s| s.id == *id && s.build().is_ok())
    })
    .collect();
    assert_eq!(refused, expected);
}
