//! `verify.md` (the seed's claims: from the benches, and as `membench verify` checked them, one
//! table per configuration) and `spec.md` (the spec's memory tests, a table per runtime-engine).

use super::grow::capped_note;
use super::*;
use membench_data::verify::CheckId;

/// The outcome of "a maximum makes grow(1) at 4096 pages cheaper" for one configuration.
fn cheaper_with_max(ctx: &Ctx, grow: &[(&CaseKey, &Row)], config: &CaseKey) -> String {
    let get = |variant: CaseVariant| {
        grow.iter()
            .find(|(k, _)| {
                k.pattern == grow1_at()
                    && k.size_bytes == 4096 * PAGE
                    && k.runtime == config.runtime
                    && k.strategy == config.strategy
                    && k.variant == variant
            })
            .copied()
    };
    let (Some((k, m)), Some((_, n))) = (get(max()), get(nomax())) else {
        return "not measured".into();
    };
    let Some(c) = ctx.compare(m, n, Measure::Time) else {
        return format!(
            "not measured (with max: {}, without: {})",
            status(m),
            status(n)
        );
    };
    let time = |r: &Row| charts::time(r.estimate.map_or(f64::NAN, |e| e.point_ns));
    format!(
        "{}: {} with a maximum, {} ({} with, {} without){}",
        if c.verdict == Verdict::Faster {
            "held"
        } else {
            "did not hold"
        },
        c.verdict,
        c.label(),
        time(m),
        time(n),
        capped_note(k, m)
            .map(|n| format!("; {n}"))
            .unwrap_or_default()
    )
}

pub(super) fn page(ctx: &Ctx) -> String {
    let mut md = String::new();
    let mut stamps = Ctx::stamps(&ctx.family(Family::Grow));
    stamps.extend(Ctx::stamps(&ctx.family(Family::Instantiate)));
    page_head(&mut md, "verify.md", &run_line(&stamps));
    seed_claims(ctx, &mut md);
    md
}

pub(super) fn spec_page(ctx: &Ctx) -> String {
    let mut md = String::new();
    page_head(&mut md, "spec.md", &verify_line(ctx.results));
    spec_conformance(ctx.results, &mut md);
    md
}

/// The seed's claims as the benches answer them, per runtime × strategy.
pub(super) struct BenchClaims {
    /// `runtime@strategy (`knobs`)`.
    pub label: String,
    /// Growing past the maximum fails.
    pub past_max: String,
    /// A maximum makes the engine reserve ahead.
    pub ahead: String,
    /// A maximum makes grow(1) at 4096 pages cheaper.
    pub cheaper: String,
}

/// Every configuration's [`BenchClaims`], in report order.
pub(super) fn bench_claims(ctx: &Ctx) -> Vec<BenchClaims> {
    // The seed's claims are of the Rust guest's grows: the memory64 twins are other code.
    let grow = grow::scalar_rows(ctx);
    let inst = ctx.family(Family::Instantiate);
    let configs = configurations(grow.iter().chain(&inst).map(|(k, _)| *k));
    let fail_patterns = [
        CasePattern::Grow(GrowKind::GrowFail),
        CasePattern::Grow(GrowKind::HostGrowFail),
    ];
    let mut out = Vec::new();
    for c in &configs {
        // Growth past the maximum fails: the bench checks every failing grow's outcome; a case
        // that ran to an estimate held, a recorded failure did not.
        let cells: Vec<&Row> = grow
            .iter()
            .filter(|(k, _)| {
                fail_patterns.contains(&k.pattern)
                    && k.size_bytes == membench_data::grow::FAIL_AT * PAGE
                    && k.runtime == c.runtime
                    && k.strategy == c.strategy
            })
            .map(|(_, r)| *r)
            .collect();
        let past_max = if cells
            .iter()
            .any(|r| r.failure_kind() == Some(FailureKind::Failed))
        {
            "did not hold".to_string()
        } else if !cells.is_empty() && cells.iter().all(|r| r.estimate.is_some()) {
            format!("held ({} cases)", cells.len())
        } else {
            let why: BTreeSet<&str> = cells.iter().map(|r| status(r)).collect();
            format!(
                "not measured ({})",
                why.into_iter().collect::<Vec<_>>().join(", ")
            )
        };
        let reserved = |v: CaseVariant| {
            inst.iter()
                .find(|(k, _)| k.runtime == c.runtime && k.strategy == c.strategy && k.variant == v)
                .and_then(|(_, r)| r.record.as_ref()?.footprint)
                .map(|f| f.reserved_virtual_bytes)
        };
        let ahead = match (reserved(nomax()), reserved(max4g())) {
            (Some(none), Some(max)) => format!(
                "{} ({} with 4 GiB max, {} without)",
                if max as f64 > none as f64 * 1.5 {
                    "held"
                } else {
                    "did not hold"
                },
                charts::bytes(max as f64),
                charts::bytes(none as f64)
            ),
            _ => "not measured".into(),
        };
        out.push(BenchClaims {
            label: format!(
                "{}{}",
                c.runtime_label(),
                if c.strategy.default {
                    String::new()
                } else {
                    format!(" (`{}`)", c.strategy.knobs)
                }
            ),
            past_max,
            ahead,
            cheaper: cheaper_with_max(ctx, &grow, c),
        });
    }
    out
}

/// One row per configuration, one column per claim of the seed; then `membench verify`'s checks.
fn seed_claims(ctx: &Ctx, md: &mut String) {
    let _ = writeln!(md, "## From the benches\n");
    let claims = bench_claims(ctx);
    if claims.is_empty() {
        let _ = writeln!(md, "No grow or instantiate results in this run.\n");
    } else {
        let _ = writeln!(md, "| runtime @ strategy | growing past the maximum fails (-1 in guest, error on host) | a maximum makes the engine reserve ahead | a maximum makes grow(1) at 4096 pages cheaper |\n|---|---|---|---|");
        for c in &claims {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                c.label, c.past_max, c.ahead, c.cheaper
            );
        }
    }
    let _ = writeln!(
        md,
        "\n\"held\" for the reservation means the memory with a 4 GiB maximum added over 1.5× the \
         address space of the one without (figures from [instantiate.md](instantiate.md)); for \
         the grow cost, that the verdict is \"faster\": the 95 % bootstrap interval of the ratio \
         of mean times (with ÷ without a maximum) lies wholly below 1.\n"
    );
    let results = ctx.results;
    if !results.verify.is_empty() {
        let _ = writeln!(md, "\n## Checked by `membench verify`\n");
        let _ = writeln!(md, "{}\n", verify_line(results));
        let checks: Vec<membench_data::verify::CheckId> = membench_data::verify::CheckId::ALL
            .into_iter()
            .filter(|id| results.verify.iter().any(|v| v.check(*id).is_some()))
            .collect();
        let names: Vec<&str> = checks.iter().map(|c| c.as_str()).collect();
        let _ = writeln!(
            md,
            "Each configuration's figures are in [its own table](#per-configuration).\n"
        );
        let _ = writeln!(md, "| runtime @ strategy | {} |", names.join(" | "));
        let _ = writeln!(md, "|---|{}", "---|".repeat(names.len()));
        for v in &results.verify {
            let cells: Vec<&str> = checks
                .iter()
                .map(|id| v.check(*id).map_or("–", |c| c.outcome.label()))
                .collect();
            let _ = writeln!(md, "| {} | {} |", verify_label(v), cells.join(" | "));
        }
        let findings: Vec<String> = checks
            .iter()
            .filter(|id| !membench_data::verify::is_correctness(**id))
            .map(|id| format!("`{id}`"))
            .collect();
        if !findings.is_empty() {
            let _ = writeln!(
                md,
                "\n{} are findings, not correctness claims: \"did not hold\" there says what the \
                 runtime does, not that it is wrong.",
                findings.join(", ")
            );
        }
        reserve_ahead_shared(results, md);
        beyond(results, md);
        let _ = writeln!(md, "\n### Per configuration\n");
        for v in &results.verify {
            let _ = writeln!(
                md,
                "#### {}\n\n| check | outcome | figures |\n|---|---|---|",
                verify_label(v)
            );
            for c in &v.checks {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} |",
                    c.check,
                    c.outcome.label(),
                    c.detail.replace('|', "/")
                );
            }
            let _ = writeln!(md);
        }
    }
}

/// `reserve-ahead`'s figures with a shared memory beside the unshared ones: what one 16-page
/// memory added with an exact and a 4 GiB maximum, or the runtime's refusal.
fn reserve_ahead_shared(results: &Results, md: &mut String) {
    use membench_data::verify::SharedReserve;
    let measured: Vec<_> = results
        .verify
        .iter()
        .filter_map(|v| Some((v, v.reserve_ahead.as_ref()?)))
        .collect();
    if measured.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "\n### What a memory reserves, unshared and shared (`reserve-ahead`)\n\n\
         Address space one 16-page memory added (new mappings of the process holding it, the \
         median of three instances): defined unshared, and imported shared (`shared: true`, which \
         requires a maximum). The seed's claim (\"held\") is judged on the unshared memory; the \
         shared columns are a finding.\n"
    );
    let _ = writeln!(
        md,
        "| runtime @ strategy | unshared: classified | exact maximum | 4 GiB maximum | shared: classified | exact maximum | 4 GiB maximum |\n|---|---|---|---|---|---|---|"
    );
    for (v, r) in measured {
        let strategy = if v.strategy == "default" {
            String::new()
        } else {
            format!(" @`{}`", v.strategy)
        };
        let shared = match &r.shared {
            None => "not measured | – | –".to_string(),
            Some(SharedReserve::Refused { error }) => {
                format!("refused: {} | – | –", error.replace('|', "/"))
            }
            Some(SharedReserve::NotInBinding { why }) => format!(
                "{}: {} | – | –",
                NOT_IN_BINDING,
                binding_words(why).replace('|', "/")
            ),
            Some(SharedReserve::Measured {
                reservation,
                exact_maximum,
                maximum_4g,
                ..
            }) => format!(
                "{} | {} | {}",
                reservation.label(),
                reserved_cell(*reservation, exact_maximum),
                reserved_cell(*reservation, maximum_4g)
            ),
        };
        let _ = writeln!(
            md,
            "| {}{strategy} | {} | {} | {} | {shared} |",
            v.runtime,
            r.reservation.label(),
            reserved_cell(r.reservation, &r.exact_maximum),
            reserved_cell(r.reservation, &r.maximum_4g)
        );
    }
}

/// The words for a gap of our binding (never the engine's refusal).
const NOT_IN_BINDING: &str = "not supported by the binding";

/// A binding's error as the report shows it: its own sentence (which names the crate), without
/// the *unsupported* kind's prefix.
fn binding_words(why: &str) -> String {
    let why = why.strip_prefix("unsupported: ").unwrap_or(why);
    why.lines().next().unwrap_or("").trim().to_string()
}

/// What one memory reserved, or "not observable" and why: a memory in address space reserved
/// before it (a pool's slot, a region carved from) shows only the mappings' change, which is not
/// its reservation (zero, or negative when something else was unmapped meanwhile).
fn reserved_cell(
    reservation: membench_data::verify::Reservation,
    r: &membench_data::verify::Reserved,
) -> String {
    if reservation == membench_data::verify::Reservation::ReservedBeforeInstantiation
        || r.inaccessible_bytes < 0
        || r.accessible_bytes < 0
    {
        "not observable (in address space reserved before it was created)".into()
    } else {
        r.to_string()
    }
}

/// A kind of memory beyond the post's wasm 1.0 model, as a column of [`beyond`]'s table.
struct Beyond {
    /// The check that asks about it; `None` for a shared memory, which `reserve-ahead` measures
    /// beside its unshared figures.
    check: Option<CheckId>,
    /// The column's name.
    column: &'static str,
    /// The kind in a sentence.
    noun: &'static str,
    /// What "taken, but stopped short" means for it.
    partly: &'static str,
}

/// The table's columns: a shared memory (threads), a 64-bit memory (memory64), 1-byte pages
/// (custom-page-sizes), a second memory (multi-memory).
const BEYOND: [Beyond; 4] = [
    Beyond {
        check: None,
        column: "shared memory",
        noun: "a shared memory",
        partly: "in part",
    },
    Beyond {
        check: Some(CheckId::FourGib),
        column: "memory64 (past 4 GiB?)",
        noun: "a 64-bit memory",
        partly: "not past 4 GiB",
    },
    Beyond {
        check: Some(CheckId::PageSize),
        column: "1-byte pages",
        noun: "1-byte pages",
        partly: "in part",
    },
    Beyond {
        check: Some(CheckId::OneMemory),
        column: "second memory",
        noun: "a second memory",
        partly: "in part",
    },
];

/// The checks [`beyond`] tables: the summary says them in its sentence ([`beyond_summary`]).
pub(super) fn beyond_checks() -> impl Iterator<Item = CheckId> {
    BEYOND.into_iter().filter_map(|b| b.check)
}

/// The kinds' column names, in [`beyond_rows`]' order.
pub(super) fn beyond_columns() -> Vec<&'static str> {
    BEYOND.iter().map(|b| b.column).collect()
}

/// The section's heading.
const BEYOND_HEADING: &str = "Beyond the post's wasm 1.0 memory: which runtime takes which kind";

/// What a runtime does with one kind beyond the model.
pub(super) enum Takes {
    /// It takes it: the key figures, maybe none.
    Yes(String),
    /// It takes it but stops short of what the kind allows (a 64-bit memory that does not grow
    /// past 4 GiB): why.
    Partly(String),
    /// It refuses it while it takes the same module without it: the engine's words.
    Refused(String),
    /// Our binding cannot ask the engine (WAMR's and wasm3's crates cannot import a memory): the
    /// binding's words, which name the crate. Never counted as the engine's refusal.
    NotInBinding(String),
    /// No answer: the check's outcome (n/a, error) or `–` when it did not run.
    Unknown(String),
}

impl Takes {
    /// Whether two answers are the same kind of answer (figures aside).
    fn same_answer(&self, other: &Takes) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// The answer's category, as the summary's capability grid and sentence name it: never the
    /// claims' held / did not hold.
    pub(super) fn category(&self) -> Option<usize> {
        match self {
            Takes::Yes(_) => Some(0),
            Takes::Partly(_) => Some(1),
            Takes::Refused(_) => Some(2),
            Takes::NotInBinding(_) => Some(3),
            Takes::Unknown(_) => None,
        }
    }
}

/// The categories of [`Takes::category`], by slot: the capability grid's legend.
pub(super) const TAKES_CATEGORIES: [&str; 4] = [
    "taken",
    "taken, with a limit",
    "refused by the engine",
    NOT_IN_BINDING,
];

/// What `v`'s runtime does with `kind`, from its typed answer (or `reserve-ahead`'s shared
/// figures); the check's outcome only where no answer was recorded.
fn takes(v: &membench_data::verify::Verdict, kind: &Beyond) -> Takes {
    use membench_data::verify::{KindAnswer, Reservation, SharedReserve};
    let Some(id) = kind.check else {
        return match v.reserve_ahead.as_ref().and_then(|r| r.shared.as_ref()) {
            Some(SharedReserve::Measured {
                reservation: Reservation::ReservedBeforeInstantiation,
                ..
            }) => Takes::Yes(
                "what one 16-page memory reserves is not observable (in address space reserved \
                 before it was created)"
                    .into(),
            ),
            Some(SharedReserve::Measured {
                exact_maximum,
                maximum_4g,
                basis,
                ..
            }) => {
                let at_least = if *basis == membench_data::procfs::ReservedBasis::Mappings {
                    ""
                } else {
                    "at least "
                };
                Takes::Yes(format!(
                    "one 16-page memory adds {at_least}{} ({at_least}{} with a 4 GiB maximum)",
                    charts::bytes(exact_maximum.total() as f64),
                    charts::bytes(maximum_4g.total() as f64)
                ))
            }
            Some(SharedReserve::Refused { error }) => Takes::Refused(error.clone()),
            Some(SharedReserve::NotInBinding { why }) => Takes::NotInBinding(binding_words(why)),
            None => Takes::Unknown("–".into()),
        };
    };
    // The typed answer the check recorded beside its detail; without one (records from before
    // these checks, or a check that could not run), the check's outcome.
    match v.kinds.iter().find(|(check, _)| *check == id) {
        Some((_, KindAnswer::Taken { figures })) => Takes::Yes(figures.join("; ")),
        Some((_, KindAnswer::StoppedShort { why, .. })) => Takes::Partly(why.clone()),
        Some((_, KindAnswer::Refused { words })) => Takes::Refused(words.clone()),
        None => Takes::Unknown(v.check(id).map_or("–", |c| c.outcome.label()).to_string()),
    }
}

/// A cell of the table; a refusal's words, or a binding's, become a numbered note (one per
/// distinct words).
fn takes_cell(t: &Takes, kind: &Beyond, notes: &mut Vec<String>) -> String {
    let mut note = |words: String| match notes.iter().position(|w| *w == words) {
        Some(i) => i + 1,
        None => {
            notes.push(words);
            notes.len()
        }
    };
    match t {
        Takes::Yes(f) if f.is_empty() => "yes".into(),
        Takes::Yes(f) => format!("yes: {f}"),
        Takes::Partly(why) => format!("yes, {} ({})", kind.partly, why.replace('|', "/")),
        Takes::Refused(words) => {
            let n = note(format!(
                "refused by the engine: {}",
                refusal_reason(words).replace('|', "/")
            ));
            format!("refused [{n}]")
        }
        Takes::NotInBinding(why) => {
            let n = note(format!("{NOT_IN_BINDING} ({})", why.replace('|', "/")));
            format!("{NOT_IN_BINDING} [{n}]")
        }
        Takes::Unknown(label) => label.clone(),
    }
}

/// Every verdict with what its configuration does with every kind; configurations that answer
/// none of them, and the native baseline (which runs no wasm: its "no shared memory" is ours, no
/// engine's), are left out.
pub(super) fn kind_answers(
    results: &Results,
) -> Vec<(&membench_data::verify::Verdict, Vec<Takes>)> {
    results
        .verify
        .iter()
        .filter(|v| !v.runtime.starts_with("native-"))
        .map(|v| (v, BEYOND.iter().map(|b| takes(v, b)).collect::<Vec<_>>()))
        .filter(|(_, t)| t.iter().any(|t| !matches!(t, Takes::Unknown(_))))
        .collect()
}

/// [`kind_answers`] of each runtime's default strategy.
pub(super) fn beyond_rows(results: &Results) -> Vec<(&membench_data::verify::Verdict, Vec<Takes>)> {
    kind_answers(results)
        .into_iter()
        .filter(|(v, _)| v.strategy == "default")
        .collect()
}

/// Which runtime takes which kind of memory beyond the post's wasm 1.0 model: a row per
/// runtime-engine's default strategy, a column per kind; then the strategies that answer otherwise
/// than their runtime's default, and the refusals in the engines' words.
fn beyond(results: &Results, md: &mut String) {
    let rows = beyond_rows(results);
    if rows.is_empty() {
        return;
    }
    let checks: Vec<String> = beyond_checks().map(|id| format!("`{id}`")).collect();
    let _ = writeln!(
        md,
        "\n### {BEYOND_HEADING}\n\n\
         What each runtime-engine's default strategy does with memories wasm 1.0 does not have, \
         from the findings {} and `{}`'s shared memory: \"yes\" where it takes the kind, with the \
         key figures (all of them are in [its configuration's table](#per-configuration)); \
         \"refused\" where the engine refuses it while it takes the same module without it (its \
         words in the notes); \"{NOT_IN_BINDING}\" where our Rust binding of the engine cannot \
         hand it such a memory, so the engine was not asked (the crate and why in the notes). \
         \"Not observable\" stands where a memory lies in address space reserved before it, so \
         the mappings show no figure of its own. Taking a kind is no defect: it is where the post's model (64 KiB \
         pages, 4 GiB at most, one memory per module) stops describing the runtime.\n",
        checks.join(", "),
        CheckId::ReserveAhead
    );
    let names: Vec<&str> = BEYOND.iter().map(|b| b.column).collect();
    let _ = writeln!(
        md,
        "| runtime | {} |\n|---|{}",
        names.join(" | "),
        "---|".repeat(names.len())
    );
    let mut notes = Vec::new();
    for (v, takes) in &rows {
        let cells: Vec<String> = takes
            .iter()
            .zip(&BEYOND)
            .map(|(t, b)| takes_cell(t, b, &mut notes))
            .collect();
        let _ = writeln!(md, "| {} | {} |", v.runtime, cells.join(" | "));
    }
    // The other strategies of each runtime in the table, where they answer otherwise.
    let mut others = Vec::new();
    let mut same = 0;
    for v in results.verify.iter().filter(|v| v.strategy != "default") {
        let Some((_, default)) = rows.iter().find(|(d, _)| d.runtime == v.runtime) else {
            continue;
        };
        let differ: Vec<String> = BEYOND
            .iter()
            .zip(default)
            .filter_map(|(b, d)| {
                let t = takes(v, b);
                (!matches!(t, Takes::Unknown(_)) && !t.same_answer(d))
                    .then(|| format!("{}: {}", b.noun, takes_cell(&t, b, &mut notes)))
            })
            .collect();
        if differ.is_empty() {
            same += 1;
        } else {
            others.push(format!("{}: {}", verify_label(v), differ.join("; ")));
        }
    }
    let _ = writeln!(md);
    if !others.is_empty() {
        let _ = writeln!(
            md,
            "Strategies that answer otherwise than their runtime's default{}:\n",
            match same {
                0 => String::new(),
                1 => " (1 other strategy answers as its runtime's default)".into(),
                n => format!(" ({n} other strategies answer as their runtime's default)"),
            }
        );
        for o in &others {
            let _ = writeln!(md, "- {o}");
        }
        let _ = writeln!(md);
    } else if same > 0 {
        let _ = writeln!(
            md,
            "The {same} other strategies checked answer as their runtime's default.\n"
        );
    }
    if !notes.is_empty() {
        let _ = writeln!(
            md,
            "Notes: the engines' refusals in their own words, and the gaps of our bindings (a \
             binding that cannot ask the engine is no answer of the engine's):\n"
        );
        for (i, words) in notes.iter().enumerate() {
            let _ = writeln!(md, "- [{}] {words}", i + 1);
        }
    }
}

/// The summary's sentence on the kinds beyond the model, linking the section: per kind, how many
/// runtimes' default strategies take it (and stop short), and which refuse it. `None` without
/// verdicts on them.
pub(super) fn beyond_summary(results: &Results) -> Option<String> {
    let rows = beyond_rows(results);
    if rows.is_empty() {
        return None;
    }
    let parts: Vec<String> = BEYOND
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let of = |slot: Option<usize>| -> Vec<&str> {
                rows.iter()
                    .filter(|(_, t)| t[i].category() == slot)
                    .map(|(v, _)| v.runtime.as_str())
                    .collect()
            };
            let named = |v: &[&str]| match v.len() {
                n @ (1 | 2) => format!("{n} ({})", v.join(", ")),
                n => n.to_string(),
            };
            // Each runtime-engine in exactly one part, so the counts add up to the rows.
            let parts: Vec<String> = [
                (Some(0), "taken by".to_string()),
                (Some(1), format!("taken ({}) by", b.partly)),
                (Some(2), "refused by the engine on".to_string()),
                (Some(3), format!("{NOT_IN_BINDING} on")),
                (None, "not answered on".to_string()),
            ]
            .into_iter()
            .filter_map(|(slot, words)| {
                let v = of(slot);
                (!v.is_empty()).then(|| format!("{words} {}", named(&v)))
            })
            .collect();
            format!("{}: {}", b.noun, parts.join(", "))
        })
        .collect();
    Some(format!(
        "[{BEYOND_HEADING}](verify.md#{}), on the default strategies of {} runtime-engines (each \
         counted once per kind): {}.",
        anchor(BEYOND_HEADING),
        rows.len(),
        parts.join("; ")
    ))
}

/// The spec's memory tests per runtime × strategy × maximum variant, and every deviation seen.
fn spec_conformance(results: &Results, md: &mut String) {
    let runs: Vec<&membench_data::spec::SpecRun> =
        results.verify.iter().flat_map(|v| &v.spec).collect();
    if runs.is_empty() {
        let _ = writeln!(
            md,
            "No spec results in these results (`membench verify` runs the suite).\n"
        );
        return;
    }
    let _ = writeln!(
        md,
        "Suite: {}, files {}. \"max-4g-added\" runs every module with `maximum 65536` added to \
         each defined memory that declares none. Text-format assertions are refused by the `wast` \
         parser before any runtime sees them.\n",
        membench_data::spec::SUITE,
        membench_data::spec::FILES.join(", ")
    );
    let labels = membench_data::spec::Counts::LABELS;
    let table = runs
        .iter()
        .map(|r| {
            let cells: Vec<String> = r.totals.values().iter().map(u32::to_string).collect();
            (
                r.runtime.clone(),
                format!(
                    "| {} | {} | {} |",
                    r.strategy,
                    r.variant.label(),
                    cells.join(" | ")
                ),
            )
        })
        .collect();
    let _ = writeln!(md, "## Assertions per runtime-engine\n");
    grouped_tables(
        md,
        "###",
        &format!(
            "| strategy | variant | {} |\n|---|---|{}",
            labels.join(" | "),
            "---|".repeat(labels.len())
        ),
        table,
    );
    // Every assertion that did not pass, grouped by where it is, with the configurations it hit.
    let mut seen: BTreeMap<(String, usize, String), BTreeSet<String>> = BTreeMap::new();
    for r in &runs {
        for f in &r.failures {
            seen.entry((f.file.clone(), f.line, f.kind.clone()))
                .or_default()
                .insert(format!("{} @ {}", r.runtime, r.strategy));
        }
    }
    if !seen.is_empty() {
        let _ = writeln!(md, "## Assertions that did not pass\n");
        for ((file, line, kind), configs) in &seen {
            let detail = runs
                .iter()
                .flat_map(|r| &r.failures)
                .find(|f| &f.file == file && f.line == *line && &f.kind == kind)
                .map(|f| f.detail.replace('|', "/"))
                .unwrap_or_default();
            let _ = writeln!(
                md,
                "- `{file}:{line}` ({kind}, {} configuration(s): {}): {detail}",
                configs.len(),
                configs.iter().cloned().collect::<Vec<_>>().join(", ")
            );
        }
    }
    let _ = writeln!(md);
}

/// `runtime` or `runtime @`strategy``: a verify configuration's name.
pub(super) fn verify_label(v: &membench_data::verify::Verdict) -> String {
    if v.strategy == "default" {
        v.runtime.clone()
    } else {
        format!("{} @`{}`", v.runtime, v.strategy)
    }
}
