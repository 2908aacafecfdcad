//! `reserve-ahead`, a finding: what a declared maximum does to the address space one instance
//! reserves, sampled and classified ([`Reservation`]), for unshared and shared memories.

use super::*;

/// How many instances `reserve-ahead` measures per maximum; it keeps the median.
pub(super) const RESERVE_SAMPLES: usize = 3;

/// How many times `reserve-ahead` measures a pattern that fits no [`Reservation`] class.
pub(super) const RESERVE_ATTEMPTS: usize = 3;

/// The sample with the median total. The figures are differences of the whole process's mappings,
/// so anything else the process maps or unmaps meanwhile (an allocator trimming its heap, a thread
/// exiting) lands in one sample; the median of three leaves a single such event out.
pub(super) fn median_reserved(mut samples: Vec<Reserved>) -> Reserved {
    samples.sort_by_key(Reserved::total);
    samples[samples.len() / 2]
}

/// Claim 3, a finding: does declaring a maximum make the engine reserve more address space up
/// front? Compares what one 16-page instance adds to `/proc/self/maps` with no maximum, an exact
/// one and a 4 GiB one (the median of [`RESERVE_SAMPLES`] instances after an unmeasured one),
/// split into inaccessible (reserved, guard) and accessible mappings, and classifies it ([`Reservation`]). "Held" means the seed's claim holds: the reservation follows
/// the declared maximum. A heap-backed memory maps nothing of its own (its figures would read 0):
/// it is classified from where it lives, a heap buffer of at least its size. The same is
/// measured for a shared memory (imported, with an exact and a 4 GiB maximum), or its refusal
/// recorded ([`SharedReserve`]): a finding in the figures and the detail, not in "held".
pub(super) fn reserve_ahead(rt: &dyn Runtime) -> Result<(bool, String, ReserveAhead)> {
    let used = RESERVE_PAGES * PAGE;
    let mut heap_backed = Vec::new();
    let mut added = |maximum: MaxDecl| {
        reserved_by(
            rt,
            MemoryVariant::new(MemoryDecl::Defined, maximum),
            &mut heap_backed,
        )
    };
    let mut new_mappings = [
        added(MaxDecl::None)?,
        added(MaxDecl::Exact)?,
        added(MaxDecl::Large)?,
    ];
    // Another thread of this process mapping memory during the samples (a thread's stack, an
    // allocator arena: CI saw the defect-free fake come out unclassified once) shifts the figures.
    // A pattern that fits no class is measured again, up to [`RESERVE_ATTEMPTS`] times; one that
    // never fits stays unclassified, with its last figures.
    for _ in 1..RESERVE_ATTEMPTS {
        let classified =
            Reservation::classify(used, used, 65536 * PAGE, new_mappings.map(|r| r.total()));
        if classified != Reservation::Unclassified {
            break;
        }
        heap_backed.clear();
        let mut again = |maximum: MaxDecl| {
            reserved_by(
                rt,
                MemoryVariant::new(MemoryDecl::Defined, maximum),
                &mut heap_backed,
            )
        };
        new_mappings = [
            again(MaxDecl::None)?,
            again(MaxDecl::Exact)?,
            again(MaxDecl::Large)?,
        ];
    }
    let heap = heap_or_unobservable(rt, &heap_backed)?;
    let (mut basis, mut figures) = if heap {
        let buffer = Reserved {
            inaccessible_bytes: 0,
            accessible_bytes: used as i64,
        };
        (procfs::ReservedBasis::HeapBufferAtLeastLinear, [buffer; 3])
    } else {
        (procfs::ReservedBasis::Mappings, new_mappings)
    };
    let mut reservation =
        Reservation::classify(used, used, 65536 * PAGE, figures.map(|r| r.total()));
    // Carved out of a region reserved at start (V8's sandbox, JSC's region in WebKit): what each
    // memory takes from it is the distance between consecutive memories, under each maximum.
    let mut carved = false;
    if reservation == Reservation::ReservedBeforeInstantiation && !heap {
        let slot = |maximum: MaxDecl| -> Result<Option<u64>> {
            let plan = MemoryVariant::new(MemoryDecl::Defined, maximum)
                .plan_pages(RESERVE_PAGES, RESERVE_PAGES);
            grow::carved_slot(grow::compile(rt, plan)?.as_ref())
        };
        if let (Some(none), Some(exact), Some(large)) = (
            slot(MaxDecl::None)?,
            slot(MaxDecl::Exact)?,
            slot(MaxDecl::Large)?,
        ) {
            let taken = |slot: u64| Reserved {
                inaccessible_bytes: slot as i64 - used as i64,
                accessible_bytes: used as i64,
            };
            figures = [taken(none), taken(exact), taken(large)];
            basis = procfs::ReservedBasis::CarvedSlot;
            reservation =
                Reservation::classify(used, used, 65536 * PAGE, figures.map(|r| r.total()));
            carved = true;
        }
    }
    let [none, exact, large] = figures;
    let figures_text = format!(
        "{none} without a maximum, {exact} with an exact one (16 pages), {large} with 4 GiB"
    );
    let detail = match reservation {
        _ if carved => format!(
            "{}: memories are carved from a region the engine reserved at start (so new \
             mappings are not observable per memory: the process's mappings changed by {}, {}, \
             {}), and consecutive memories are this far apart: {figures_text}, for a 1.0 MiB \
             memory",
            reservation.label(),
            mib(new_mappings[0].total()),
            mib(new_mappings[1].total()),
            mib(new_mappings[2].total())
        ),
        _ if heap => format!(
            "{}: the memory is a heap buffer, at least its 1.0 MiB whatever the maximum (its capacity is not exposed; it maps nothing of its own: new mappings were {}, {}, {})",
            reservation.label(),
            new_mappings[0],
            new_mappings[1],
            new_mappings[2]
        ),
        Reservation::DeclaredMaximum => format!(
            "{} (the seed's claim holds): {figures_text}, for a 1.0 MiB memory",
            reservation.label()
        ),
        Reservation::Fixed => format!(
            "{} of about {}: {figures_text}, for a 1.0 MiB memory",
            reservation.label(),
            mib(large.total())
        ),
        Reservation::ReservedBeforeInstantiation => format!(
            "{}: what a 1.0 MiB memory reserves is not observable (it lies in address space \
             reserved before it was created: instantiating changed the mappings by {}, {}, {}, \
             less than the memory itself)",
            reservation.label(),
            mib(none.total()),
            mib(exact.total()),
            mib(large.total())
        ),
        _ => format!(
            "{}: new mappings (/proc/<pid>/maps of the process holding it) for a 1.0 MiB memory: {figures_text}",
            reservation.label()
        ),
    };
    let held = reservation == Reservation::DeclaredMaximum;
    Ok((
        held,
        detail,
        ReserveAhead {
            reservation,
            used_bytes: used,
            no_maximum: none,
            exact_maximum: exact,
            maximum_4g: large,
            basis,
            new_mappings,
            // Measured after every other check ([`add_shared_reserve`]).
            shared: None,
        },
    ))
}

/// Adds the shared memory's figures (or its refusal) to `reserve-ahead`'s, and to its detail.
/// Measured after every other check: creating shared memories changes what an engine process
/// holds afterwards (in deno, 66 MiB of address space appeared during `released-on-drop`'s later
/// cycles and stayed after a forced collection, only when shared memories had been created
/// before), and no other check's figures may depend on it. A finding beside the seed's claim,
/// which is about a maximum on a memory the engine may move: the outcome stays the unshared
/// figures' verdict, unless measuring the shared memory failed (other than by a refusal).
pub(super) fn add_shared_reserve(
    rt: &dyn Runtime,
    checks: &mut [Check],
    figures: Option<&mut ReserveAhead>,
) {
    let Some(figures) = figures else {
        return;
    };
    let Some(check) = checks.iter_mut().find(|c| c.check == CheckId::ReserveAhead) else {
        return;
    };
    match shared_reserve(rt) {
        Ok(shared) => {
            check.detail = format!("{}; {}", check.detail, shared.describe());
            figures.shared = Some(shared);
        }
        Err(e) => {
            check.outcome = Outcome::Error;
            check.detail = format!("{}; a shared memory: {e:#}", check.detail);
        }
    }
}

/// The memory size `reserve-ahead` instantiates, in pages.
pub(super) const RESERVE_PAGES: u64 = 16;

/// What one instance of a 16-page memory declared as `variant` adds to the mappings of the
/// process holding it: the median of [`RESERVE_SAMPLES`] instances after an unmeasured one.
/// Whether each sample's memory was heap-backed is appended to `heap_backed`.
pub(super) fn reserved_by(
    rt: &dyn Runtime,
    variant: MemoryVariant,
    heap_backed: &mut Vec<bool>,
) -> Result<Reserved> {
    let plan = variant.plan_pages(RESERVE_PAGES, RESERVE_PAGES);
    // A runtime that refuses a shared memory says so as a typed *unsupported* error.
    let compiled = grow::compile(rt, plan)?;
    sample_reserved(rt, compiled.as_ref(), RESERVE_PAGES * PAGE, heap_backed)
}

/// What one instance of `compiled`, whose memory has `used` bytes, adds to the mappings of the
/// process holding it: the median of [`RESERVE_SAMPLES`] instances after an unmeasured one.
/// Whether each sample's memory was heap-backed is appended to `heap_backed`.
pub(super) fn sample_reserved(
    rt: &dyn Runtime,
    compiled: &dyn Compiled,
    used: u64,
    heap_backed: &mut Vec<bool>,
) -> Result<Reserved> {
    // One instance first, dropped unmeasured: what a first instantiation sets up once (a
    // thread's allocator arena, a lazily mapped table) is not this memory's reservation.
    drop(compiled.instantiate()?);
    let mut samples = Vec::with_capacity(RESERVE_SAMPLES);
    for _ in 0..RESERVE_SAMPLES {
        // Where memory is garbage collected, what earlier instances left must be gone
        // first, or its release shows as a negative reservation of this one.
        rt.collect_garbage()?;
        let before = procfs::mappings_of(compiled.process())?;
        let mut instance = compiled.instantiate()?;
        let after = procfs::mappings_of(compiled.process())?;
        let info = instance.memory()?;
        ensure!(
            info.size_bytes == used,
            "the memory has {} bytes, expected {used}",
            info.size_bytes
        );
        heap_backed.push(info.heap_backed);
        samples.push(Reserved {
            inaccessible_bytes: after.inaccessible_bytes as i64 - before.inaccessible_bytes as i64,
            accessible_bytes: after.accessible_bytes as i64 - before.accessible_bytes as i64,
        });
    }
    Ok(median_reserved(samples))
}

/// [`all_or_none_heap`], where an engine that cannot be made to collect (WebKit's page) gave
/// some samples a heap buffer because dropped instances still held its fast memories: then what a
/// memory reserves is not observable here, and the error says so as *unsupported*. Elsewhere a
/// mix is the engine's choice by maximum, and the mappings are the figures.
pub(super) fn heap_or_unobservable(rt: &dyn Runtime, heap_backed: &[bool]) -> Result<bool> {
    // `heap_backed` holds [`RESERVE_SAMPLES`] samples per maximum, in order.
    let within_one_maximum = heap_backed
        .chunks(RESERVE_SAMPLES)
        .any(|samples| all_or_none_heap(samples).is_err());
    match all_or_none_heap(heap_backed) {
        Err(e) if within_one_maximum && rt.js().is_some_and(|js| !js.can_collect()) => Err(
            anyhow::Error::new(crate::record::NotMeasured::unsupported(format!(
                "not observable: {e:#}, because dropped instances still held the engine's fast \
                 memories and it gives a page no way to force the collection that frees them"
            ))),
        ),
        // Some maxima give a heap buffer and others a mapping (JSC without fast memory maps a
        // shared memory with a 4 GiB maximum, but not one with an exact maximum): each figure is
        // then what its memories mapped.
        Err(_) if !within_one_maximum => Ok(false),
        other => other,
    }
}

/// Whether every sample's memory was heap-backed; an error when some were and some not.
pub(super) fn all_or_none_heap(heap_backed: &[bool]) -> Result<bool> {
    let heap = heap_backed.iter().all(|h| *h);
    ensure!(
        heap || heap_backed.iter().all(|h| !h),
        "the memory was heap-backed under some maxima and not others: {heap_backed:?}"
    );
    Ok(heap)
}

/// `reserve-ahead` for a shared memory: imported with `shared: true` and an exact or a 4 GiB
/// maximum. A runtime's refusal (a typed *unsupported* error, with the engine's message) is a
/// result; any other error is the check's error.
pub(super) fn shared_reserve(rt: &dyn Runtime) -> Result<SharedReserve> {
    let used = RESERVE_PAGES * PAGE;
    let mut heap_backed = Vec::new();
    let mut added = |maximum: MaxDecl| {
        reserved_by(
            rt,
            MemoryVariant::imported_shared(maximum),
            &mut heap_backed,
        )
    };
    let figures = added(MaxDecl::Exact).and_then(|exact| Ok((exact, added(MaxDecl::Large)?)));
    let (exact, large) = match figures {
        Ok(figures) => figures,
        // The adapter says whose gap it is: the engine's refusal, or our binding's (which
        // names the crate that cannot ask for the memory).
        Err(e) if crate::record::NotMeasured::of(&e) == crate::record::FailureKind::Binding => {
            return Ok(SharedReserve::NotInBinding {
                why: format!("{e:#}"),
            });
        }
        Err(e) if crate::record::NotMeasured::of(&e) == crate::record::FailureKind::Unsupported => {
            return Ok(SharedReserve::Refused {
                error: format!("{e:#}"),
            });
        }
        Err(e) => return Err(e.context("measuring what a shared memory reserves")),
    };
    let (basis, [exact, large]) = if heap_or_unobservable(rt, &heap_backed)? {
        let buffer = Reserved {
            inaccessible_bytes: 0,
            accessible_bytes: used as i64,
        };
        (procfs::ReservedBasis::HeapBufferAtLeastLinear, [buffer; 2])
    } else {
        (procfs::ReservedBasis::Mappings, [exact, large])
    };
    // No "no maximum" for a shared memory: the exact maximum stands in for it.
    let reservation = Reservation::classify(
        used,
        used,
        65536 * PAGE,
        [exact.total(), exact.total(), large.total()],
    );
    Ok(SharedReserve::Measured {
        reservation,
        exact_maximum: exact,
        maximum_4g: large,
        basis,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One sample disturbed by something else the process unmapped (the CI failure of a 16 KiB
    /// trim during a 1 MiB instantiation) does not decide the figure; two agreeing samples do.
    #[test]
    fn the_reservation_is_the_median_sample() {
        let r = |inaccessible_bytes, accessible_bytes| Reserved {
            inaccessible_bytes,
            accessible_bytes,
        };
        let used = (16 * PAGE) as i64;
        let trimmed = r(-4096, used - 12288);
        assert_eq!(
            median_reserved(vec![trimmed, r(0, used), r(0, used)]),
            r(0, used)
        );
        assert_eq!(
            median_reserved(vec![r(0, used), r(0, used + 65536), trimmed]),
            r(0, used)
        );
        assert_eq!(median_reserved(vec![r(0, 1)]), r(0, 1));
    }
}
