//! The fourth question: whether the post's claims hold on every runtime and configuration, and
//! what each does with the memory kinds beyond them.

use super::*;

/// The outcome categories of the claims grid, and each outcome's slot.
pub(super) fn outcome_categories() -> (Vec<Category>, fn(membench_data::verify::Outcome) -> usize) {
    use membench_data::verify::Outcome;
    let cats = [
        ("held", RGBColor(44, 160, 44)),
        ("did not hold", RGBColor(230, 120, 20)),
        ("known deviation", RGBColor(148, 103, 189)),
        ("n/a", RGBColor(215, 215, 215)),
        ("error", RGBColor(200, 0, 0)),
    ]
    .into_iter()
    .map(|(name, color)| Category {
        name: name.into(),
        color,
    })
    .collect();
    fn slot(o: Outcome) -> usize {
        match o {
            Outcome::Held => 0,
            Outcome::DidNotHold => 1,
            Outcome::KnownDeviation => 2,
            Outcome::NotApplicable => 3,
            Outcome::Error => 4,
        }
    }
    (cats, slot)
}

/// The capability grid's file name.
pub(super) const KINDS_CHART: &str = "summary-kinds";

/// The capability grid's categories ([`verify::TAKES_CATEGORIES`]), in colours that say nothing
/// of right or wrong (blues and greys, none of the claims' green, orange or red).
pub(super) fn kind_categories() -> Vec<Category> {
    let colours = [
        RGBColor(49, 130, 189),
        RGBColor(158, 202, 225),
        RGBColor(99, 99, 99),
        RGBColor(189, 189, 189),
    ];
    verify::TAKES_CATEGORIES
        .iter()
        .zip(colours)
        .map(|(name, color)| Category {
            name: name.to_string(),
            color,
        })
        .chain(std::iter::once(Category {
            name: "no answer (n/a, error, not run)".into(),
            color: RGBColor(245, 245, 245),
        }))
        .collect()
}

/// What each configuration does with the memory kinds beyond wasm 1.0, as a grid of its own
/// (`summary-kinds`): taken, taken with a limit, refused by the engine, not supported by our
/// binding. Whether it was drawn (no configuration answers: none).
pub(super) fn kinds_grid(results: &Results, dir: &Path) -> Result<bool> {
    let answers = verify::kind_answers(results);
    if answers.is_empty() {
        return Ok(false);
    }
    let n = answers.len() as u32;
    charts::write_both(
        dir,
        KINDS_CHART,
        (1400, 170 + 16 * n),
        &Chart::Grid {
            frame: Frame {
                title: "Which memory beyond wasm 1.0 does each runtime take? (membench verify; \
                        capabilities, not claims)"
                    .into(),
                footer: results
                    .verify_run
                    .as_ref()
                    .map_or_else(|| verify_line(results), |r| footer(&[r])),
            },
            rows: answers
                .iter()
                .map(|(v, _)| {
                    (
                        verify::verify_label(v).replace('`', ""),
                        Some(charts::runtime_color(&v.runtime)),
                    )
                })
                .collect(),
            columns: verify::beyond_columns()
                .into_iter()
                .map(String::from)
                .collect(),
            cells: answers
                .iter()
                .map(|(_, takes)| {
                    takes
                        .iter()
                        .map(|t| Some(t.category().unwrap_or(verify::TAKES_CATEGORIES.len())))
                        .collect()
                })
                .collect(),
            categories: kind_categories(),
        },
    )?;
    Ok(true)
}

/// (d) Which of the post's claims hold where; spec conformance in one sentence.
pub(super) fn claims_question(ctx: &Ctx, dir: &Path, md: &mut String) -> Result<()> {
    use membench_data::verify::{CheckId, Outcome};
    let _ = writeln!(md, "## Which of the post's claims hold where?\n");
    let results = ctx.results;
    if results.verify.is_empty() {
        // Without `membench verify`, the benches' answers.
        let claims = verify::bench_claims(ctx);
        if claims.is_empty() {
            let _ = writeln!(
                md,
                "Neither `membench verify` nor the grow and instantiate benches are in these \
                 results. Details: [verify.md](verify.md).\n"
            );
            return Ok(());
        }
        // Held, did not hold, not measured: how many configurations each.
        let tally = |f: fn(&verify::BenchClaims) -> &str| {
            let of = |p: &str| claims.iter().filter(|c| f(c).starts_with(p)).count();
            format!(
                "held in {}, did not hold in {}, not measured in {}",
                of("held"),
                of("did not hold"),
                of("not measured")
            )
        };
        let _ = writeln!(
            md,
            "- From the benches, over {} configurations (`membench verify` is not in these \
             results): growing past the maximum fails: {}; a maximum makes the engine reserve \
             ahead: {}; a maximum makes `grow(1)` at 4096 pages cheaper: {}.\n",
            claims.len(),
            tally(|c| c.past_max.as_str()),
            tally(|c| c.ahead.as_str()),
            tally(|c| c.cheaper.as_str()),
        );
        let _ = writeln!(md, "Every configuration: [verify.md](verify.md).\n");
        return Ok(());
    }
    let checks: Vec<CheckId> = CheckId::ALL
        .into_iter()
        .filter(|id| results.verify.iter().any(|v| v.check(*id).is_some()))
        .collect();
    // The kinds beyond wasm 1.0 are capabilities, not the post's claims: their own grid, in
    // neutral colours ([`kinds_grid`]), never held / did not hold.
    let claims: Vec<CheckId> = checks
        .iter()
        .copied()
        .filter(|id| !verify::beyond_checks().any(|b| b == *id))
        .collect();
    let (categories, slot) = outcome_categories();
    let name = "summary-claims";
    let n = results.verify.len() as u32;
    charts::write_both(
        dir,
        name,
        (1400, 150 + 16 * n),
        &Chart::Grid {
            frame: Frame {
                title: "Which of the post's claims hold where? (membench verify, per runtime × strategy)".into(),
                footer: results
                    .verify_run
                    .as_ref()
                    .map_or_else(|| verify_line(results), |r| footer(&[r])),
            },
            rows: results
                .verify
                .iter()
                .map(|v| {
                    (
                        verify::verify_label(v).replace('`', ""),
                        Some(charts::runtime_color(&v.runtime)),
                    )
                })
                .collect(),
            columns: claims.iter().map(|c| c.as_str().to_string()).collect(),
            cells: results
                .verify
                .iter()
                .map(|v| {
                    claims
                        .iter()
                        .map(|id| v.check(*id).map(|c| slot(c.outcome)))
                        .collect()
                })
                .collect(),
            categories,
        },
    )?;
    let _ = writeln!(md, "![{name}](charts/{name}.png)\n");
    if kinds_grid(results, dir)? {
        let _ = writeln!(md, "![{KINDS_CHART}](charts/{KINDS_CHART}.png)\n");
    }
    // Per check: how many configurations per outcome, and which did not hold (a few by name). The
    // kinds of memory beyond wasm 1.0 are said in a sentence of their own, when there is one.
    let beyond = verify::beyond_summary(results);
    let mut everywhere = Vec::new();
    let mut somewhere = Vec::new();
    for id in checks
        .iter()
        .filter(|id| beyond.is_none() || !verify::beyond_checks().any(|b| b == **id))
    {
        let of = |o: Outcome| -> Vec<String> {
            results
                .verify
                .iter()
                .filter(|v| v.check(*id).is_some_and(|c| c.outcome == o))
                .map(verify::verify_label)
                .collect()
        };
        let held = of(Outcome::Held);
        let others: Vec<(Outcome, Vec<String>)> =
            [Outcome::DidNotHold, Outcome::KnownDeviation, Outcome::Error]
                .into_iter()
                .map(|o| (o, of(o)))
                .filter(|(_, v)| !v.is_empty())
                .collect();
        if others.is_empty() {
            if !held.is_empty() {
                everywhere.push(format!("`{id}` ({})", held.len()));
            }
            continue;
        }
        let parts: Vec<String> = others
            .iter()
            .map(|(o, v)| {
                if v.len() <= 2 {
                    format!(
                        "{} in {} ({})",
                        o.label().to_lowercase(),
                        v.len(),
                        v.join(", ")
                    )
                } else {
                    format!("{} in {}", o.label().to_lowercase(), v.len())
                }
            })
            .collect();
        somewhere.push(format!(
            "`{id}` held in {}, {}",
            held.len(),
            parts.join(", ")
        ));
    }
    if !everywhere.is_empty() {
        let _ = writeln!(
            md,
            "- Of {} configurations checked, these claims held wherever they apply (configurations \
             where they held): {}.",
            results.verify.len(),
            everywhere.join(", ")
        );
    }
    if !somewhere.is_empty() {
        let _ = writeln!(md, "- Not everywhere: {}.", somewhere.join("; "));
    }
    if let Some(s) = beyond {
        let _ = writeln!(md, "- {s}");
    }
    if let Some(s) = spec_sentence(results) {
        let _ = writeln!(md, "- {s}");
    }
    let _ = writeln!(
        md,
        "\nEvery configuration with its figures, and the claims as the benches answer them: \
         [verify.md](verify.md); the spec's tests per configuration: [spec.md](spec.md).\n"
    );
    Ok(())
}

/// The spec suite in one sentence: how many configurations passed everything but the listed
/// deviations, and the totals.
pub(super) fn spec_sentence(results: &Results) -> Option<String> {
    let runs: Vec<&membench_data::spec::SpecRun> =
        results.verify.iter().flat_map(|v| &v.spec).collect();
    if runs.is_empty() {
        return None;
    }
    let mut configs: BTreeMap<(&str, &str), bool> = BTreeMap::new();
    let mut total = membench_data::spec::Counts::default();
    for r in &runs {
        let clean = r.totals.failed == 0 && r.totals.stale_deviation == 0;
        *configs
            .entry((r.runtime.as_str(), r.strategy.as_str()))
            .or_insert(true) &= clean;
        total.passed += r.totals.passed;
        total.failed += r.totals.failed;
        total.known_deviation += r.totals.known_deviation;
        total.stale_deviation += r.totals.stale_deviation;
        total.unsupported += r.totals.unsupported;
    }
    let clean = configs.values().filter(|c| **c).count();
    Some(format!(
        "Spec conformance, suite {}: {clean} of {} configurations passed every assertion but \
         the listed deviations, with and without an added maximum; over their {} runs, {} \
         assertions passed, {} failed, {} were known deviations, {} stale, {} unsupported.",
        membench_data::spec::SUITE,
        configs.len(),
        runs.len(),
        total.passed,
        total.failed,
        total.known_deviation,
        total.stale_deviation,
        total.unsupported
    ))
}
