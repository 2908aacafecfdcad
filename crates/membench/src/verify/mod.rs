//! The seed's claims, checked on one runtime × strategy: pages and limits honoured, growth past the
//! maximum refused, what a maximum does to the reservation (a finding, classified as a
//! [`Reservation`], not a pass/fail), memory released when instances go away (and what of it can
//! be observed while the host keeps a handle), and isolation (loads and stores of every width at
//! the edge of memory, a canary mapped right after the memory's reservation where a stray access
//! would land, a second instance, a reused pool slot).
//!
//! Each check returns an outcome with the figures behind it, so a table can show what each
//! configuration really does; `tests/verify_fake.rs` shows each check failing on the defect it
//! targets.

use anyhow::{ensure, Context, Result};

use crate::contiguous::{MaxDecl, MemoryVariant};
use crate::grow;
use crate::module::{MemoryDecl, MemoryPlan, PAGE};
use crate::procfs;
use crate::runtime::{is_trap, Compiled, JsApi, MemoryInfo, Runtime, RuntimeSpec};
use crate::spec::{At, MaxVariant, SpecRun};

mod edges;
mod isolation;
mod kind;
mod limits;
mod release;
mod reserve;

use edges::*;
use isolation::*;
pub use isolation::{CANARY_BYTES, CANARY_NAME};
use limits::*;
use release::*;
use reserve::*;

pub use membench_data::verify::{
    is_correctness, mib, Check, CheckId, KindAnswer, Outcome, Reservation, ReserveAhead, Reserved,
    SharedReserve, Verdict,
};

/// How many instantiate/touch/drop cycles `released-on-drop` makes, and how much each touches.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Cycles (the figure is 1000).
    pub cycles: u32,
    /// Bytes touched per cycle (64 MiB).
    pub touch_bytes: u64,
    /// Whether to run the spec's memory tests too ([`crate::spec`]).
    pub spec: bool,
    /// How many live memories `many-memories` makes at most (it also stops after 60 s).
    pub many_memories: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            cycles: 1000,
            touch_bytes: 64 << 20,
            spec: true,
            many_memories: MANY_MEMORIES,
        }
    }
}

/// How many live memories `many-memories` makes at most by default, and for how long.
pub const MANY_MEMORIES: u64 = 20_000;
const MANY_MEMORIES_MS: u64 = 60_000;

/// Where memory is garbage collected, how much dropped memory `released-on-drop` lets pile up in
/// the engine before it stops waiting for the collector (and says so).
const UNCOLLECTED_LIMIT: u64 = 8 << 30;

/// A release check on an engine whose memory is garbage collected but which gives no way to force
/// a collection (Firefox's and WebKit's pages): memory its collector has not taken yet may still
/// be freed by the next collection, and a collection it runs on its own mid-check frees memory
/// of earlier cycles, so a failed release is not observable, only the figures.
fn uncollectable(figures: &str) -> anyhow::Error {
    anyhow::Error::new(crate::record::NotMeasured::unsupported(format!(
        "not observable: the engine collects garbage when it chooses and gives no way to force \
         a collection (a page has no gc()), so what a drop released cannot be told from what \
         its collector had or had not done meanwhile: {figures}"
    )))
}

fn compile(rt: &dyn Runtime, plan: MemoryPlan) -> Result<Box<dyn Compiled>> {
    rt.compile(&grow::guest(plan)?)
}

fn outcome(result: Result<(bool, String)>) -> (Outcome, String) {
    match result {
        Ok((true, d)) => (Outcome::Held, d),
        Ok((false, d)) => (Outcome::DidNotHold, d),
        // A check that cannot be asked of this configuration says why (e.g. a memory in another
        // process has no address to put a canary beside).
        Err(e) if crate::record::NotMeasured::of(&e).cannot_run() => {
            (Outcome::NotApplicable, format!("{e:#}"))
        }
        Err(e) => (Outcome::Error, format!("{e:#}")),
    }
}

/// Runs every check on `spec`.
pub fn verify(spec: &RuntimeSpec, options: Options) -> Verdict {
    let deviations = crate::spec::deviations(spec.id, &spec.strategy);
    let mut checks = Vec::new();
    let mut push = |id: CheckId, (outcome, detail): (Outcome, String)| {
        let listed = deviations
            .iter()
            .find(|d| matches!(d.at, At::Check(c) if c == id));
        let (outcome, detail) = match (outcome, listed) {
            (Outcome::DidNotHold, Some(d)) => (
                Outcome::KnownDeviation,
                format!("{detail} [known deviation: {}; {}]", d.reason, d.upstream),
            ),
            (Outcome::Held, Some(d)) if d.intermittent => (
                Outcome::Held,
                format!("{detail} [a listed deviation that depends on the address layout did not show this time: {}]", d.reason),
            ),
            (Outcome::Held, Some(_)) => (
                Outcome::Error,
                format!(
                    "{detail} [held, but spec::DEVIATIONS lists it as failing: the entry is stale]"
                ),
            ),
            (outcome, _) => (outcome, detail),
        };
        checks.push(Check {
            check: id,
            outcome,
            detail,
        })
    };
    let mut runs = Vec::new();
    let mut reserve = None;
    let mut kinds = Vec::new();
    match spec.build() {
        // An optional engine that is not installed: a row saying how to install it, not an error.
        Err(e)
            if crate::record::NotMeasured::of(&e) == crate::record::FailureKind::NotInstalled =>
        {
            push(CheckId::Build, (Outcome::NotApplicable, format!("{e:#}")))
        }
        Err(e) => push(CheckId::Build, (Outcome::Error, format!("{e:#}"))),
        Ok(rt) => {
            let rt = rt.as_ref();
            // The checks are about what the engine does with whatever memory it gives, fallback
            // heap buffers included: none is refused as not a fresh page's.
            if let Some(js) = rt.js() {
                js.set_refuse_fallback(false);
            }
            let no_wasm = || {
                (
                    Outcome::NotApplicable,
                    "the native baseline runs no wasm".to_string(),
                )
            };
            push(CheckId::PagesAndLimits, outcome(pages_and_limits(rt)));
            push(
                CheckId::GrowPastMaximum,
                outcome(grow_past_maximum(rt, spec)),
            );
            push(
                CheckId::ReserveAhead,
                outcome(reserve_ahead(rt).map(|(held, detail, figures)| {
                    reserve = Some(figures);
                    (held, detail)
                })),
            );
            push(
                CheckId::ReleasedOnDrop,
                outcome(released_on_drop(rt, options)),
            );
            push(
                CheckId::ReleasedWithHandleKept,
                outcome(released_with_handle_kept(rt, options)),
            );
            push(CheckId::Isolation, outcome(isolation(rt)));
            push(
                CheckId::IsolationEdges,
                if spec.native {
                    no_wasm()
                } else {
                    outcome(isolation_edges(rt))
                },
            );
            push(
                CheckId::FreshMemoryIsZero,
                outcome(fresh_memory_is_zero(rt)),
            );
            if options.spec && spec.native {
                push(CheckId::SpecConformance, no_wasm());
            } else if options.spec {
                // In-process runtimes and the JavaScript engines alike: the JS adapter's spec
                // store drives the engine over its pipe.
                let (outcome, detail, r) = spec_conformance(rt, spec);
                push(CheckId::SpecConformance, (outcome, detail));
                runs = r;
            }
            match rt.js() {
                Some(js) => {
                    push(CheckId::DetachedOnGrow, outcome(js.detached_on_grow()));
                    push(
                        CheckId::ManyMemories,
                        outcome(js.many_memories(options.many_memories, MANY_MEMORIES_MS)),
                    );
                }
                None => {
                    let js_only = || {
                        (
                            Outcome::NotApplicable,
                            "asked through the WebAssembly JS API only".to_string(),
                        )
                    };
                    push(CheckId::DetachedOnGrow, js_only());
                    push(CheckId::ManyMemories, js_only());
                }
            }
            // The post's wasm 1.0 model where newer proposals break it: after the post's own
            // claims, since growing a memory past 4 GiB may leave an engine holding more.
            for (id, check) in [
                (CheckId::PageSize, kind::page_size as fn(&dyn Runtime) -> _),
                (CheckId::FourGib, kind::four_gib),
                (CheckId::OneMemory, kind::one_memory),
            ] {
                if spec.native {
                    push(id, no_wasm());
                    continue;
                }
                let found = check(rt).map(|(detail, answer)| {
                    let held = answer.keeps_the_model();
                    kinds.push((id, answer));
                    (held, detail)
                });
                push(id, outcome(found));
            }
            add_shared_reserve(rt, &mut checks, reserve.as_mut());
        }
    }
    Verdict {
        runtime: spec.id.into(),
        strategy: spec.strategy.clone(),
        checks,
        spec: runs,
        reserve_ahead: reserve,
        kinds,
    }
}

/// The spec's memory tests under both maximum variants: held when no assertion failed outside the
/// listed deviations and none of those is stale.
fn spec_conformance(rt: &dyn Runtime, spec: &RuntimeSpec) -> (Outcome, String, Vec<SpecRun>) {
    let runs: Vec<SpecRun> = MaxVariant::ALL
        .iter()
        .map(|v| crate::spec::run_suite(rt, spec.id, &spec.strategy, *v))
        .collect();
    let held = runs.iter().all(|r| r.totals.conforms());
    let detail = runs
        .iter()
        .map(|r| format!("{}: {}", r.variant.label(), r.totals))
        .collect::<Vec<_>>()
        .join("; ");
    let outcome = if held {
        Outcome::Held
    } else {
        Outcome::DidNotHold
    };
    (outcome, detail, runs)
}
