//! `verify.md` (the seed's claims: from the benches, and as `membench verify` checked them, one
//! table per configuration) and `spec.md` (the spec's memory tests, a table per runtime-engine).

use super::grow::capped_note;
use super::*;

/// The outcome of "a maximum makes grow(1) at 4096 pages cheaper" for one configuration.
fn cheaper_with_max(ctx: &Ctx, grow: &[(&CaseKey, &Row)], config: &CaseKey) -> String {
    let get = |variant: &str| {
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
    let (Some((k, m)), Some((_, n))) = (get(&max()), get(&nomax())) else {
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
    let grow = ctx.family(Family::Grow);
    let inst = ctx.family(Family::Instantiate);
    let configs = configurations(grow.iter().chain(&inst).map(|(k, _)| *k));
    let fail_patterns = [
        GrowPattern::GrowFail(0).name(),
        GrowPattern::HostGrowFail(0).name(),
    ];
    let mut out = Vec::new();
    for c in &configs {
        // Growth past the maximum fails: the bench checks every failing grow's outcome; a case
        // that ran to an estimate held, a recorded failure did not.
        let cells: Vec<&Row> = grow
            .iter()
            .filter(|(k, _)| {
                fail_patterns.contains(&k.pattern.as_str())
                    && k.size_bytes == membench::grow::FAIL_AT * PAGE
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
        let reserved = |v: &str| {
            inst.iter()
                .find(|(k, _)| k.runtime == c.runtime && k.strategy == c.strategy && k.variant == v)
                .and_then(|(_, r)| r.record.as_ref()?.footprint)
                .map(|f| f.reserved_virtual_bytes)
        };
        let ahead = match (reserved(&nomax()), reserved(&max4g())) {
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
        let checks: Vec<membench::verify::CheckId> = membench::verify::CheckId::ALL
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
        reserve_ahead_shared(results, md);
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
    use membench::verify::SharedReserve;
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
            Some(SharedReserve::Measured {
                reservation,
                exact_maximum,
                maximum_4g,
                ..
            }) => format!("{} | {exact_maximum} | {maximum_4g}", reservation.label()),
        };
        let _ = writeln!(
            md,
            "| {}{strategy} | {} | {} | {} | {shared} |",
            v.runtime,
            r.reservation.label(),
            r.exact_maximum,
            r.maximum_4g
        );
    }
}

/// The spec's memory tests per runtime × strategy × maximum variant, and every deviation seen.
fn spec_conformance(results: &Results, md: &mut String) {
    let runs: Vec<&membench::spec::SpecRun> = results.verify.iter().flat_map(|v| &v.spec).collect();
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
        membench::spec::SUITE,
        membench::spec::FILES.join(", ")
    );
    let labels = membench::spec::Counts::LABELS;
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
pub(super) fn verify_label(v: &membench::verify::Verdict) -> String {
    if v.strategy == "default" {
        v.runtime.clone()
    } else {
        format!("{} @`{}`", v.runtime, v.strategy)
    }
}
