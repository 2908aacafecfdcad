//! Runs against runs: whether two collected runs differ case by case ([`compare_runs`], behind
//! `membench compare`), and how far repeated runs of the same cases on one machine move
//! ([`spread`], shown in the report beside criterion's within-run intervals).
//!
//! A case is the same case in two runs when its criterion id is the same. Every per-case verdict is
//! [`crate::stats::compare`]'s: the ratio of the mean times per iteration over the stored samples,
//! with its 95 % bootstrap interval, faster or slower only when the interval excludes 1.

use std::collections::BTreeMap;

use membench_data::case::Family;

pub use membench_data::spread::{FamilySpread, Spread};

use crate::collect::{Results, Row};
use crate::stats::{self, Comparison, Verdict};

/// One case of a comparison: B's time per iteration ÷ A's (above 1: B is slower).
#[derive(Clone, Debug, PartialEq)]
pub struct CaseChange {
    /// The case's criterion id.
    pub id: String,
    /// The comparison, or why there is none.
    pub outcome: Result<Comparison, String>,
}

/// Two runs compared case by case.
#[derive(Clone, Debug, PartialEq)]
pub struct RunComparison {
    /// Every case measured in both runs, or in one of them, sorted by id.
    pub cases: Vec<CaseChange>,
    /// The machine of each run differs (different [`membench_data::record::Machine::slug`]s): the ratios
    /// then compare machines as well as code.
    pub machines_differ: bool,
}

/// Why a row has no samples to compare.
fn unmeasured(row: &Row, run: &str) -> String {
    match &row.failure {
        Some(f) => format!("{} in run {run}: {}", f.kind, f.cause),
        None => format!("not measured in run {run} (no samples)"),
    }
}

/// Compares run `b` with run `a`, case by case.
pub fn compare_runs(a: &Results, b: &Results) -> RunComparison {
    let index = |r: &'_ Results| -> BTreeMap<String, Row> {
        r.rows
            .iter()
            .map(|row| (row.id.clone(), row.clone()))
            .collect()
    };
    let (ra, rb) = (index(a), index(b));
    let mut ids: Vec<&String> = ra.keys().chain(rb.keys()).collect();
    ids.sort();
    ids.dedup();
    let cases = ids
        .into_iter()
        .map(|id| {
            let outcome = match (ra.get(id), rb.get(id)) {
                (Some(x), Some(y)) => match (x.per_iteration_ns(), y.per_iteration_ns()) {
                    (Some(sa), Some(sb)) => stats::compare(&sb, &sa)
                        .ok_or_else(|| "a mean time that is not positive".to_string()),
                    (None, _) => Err(unmeasured(x, "A")),
                    (_, None) => Err(unmeasured(y, "B")),
                },
                (Some(_), None) => Err("only in run A".into()),
                (None, Some(_)) => Err("only in run B".into()),
                (None, None) => unreachable!("the id came from one of the runs"),
            };
            CaseChange {
                id: id.clone(),
                outcome,
            }
        })
        .collect();
    let slug = |r: &Results| {
        r.rows
            .iter()
            .find_map(|row| Some(row.run()?.machine.slug()))
    };
    RunComparison {
        cases,
        machines_differ: matches!((slug(a), slug(b)), (Some(x), Some(y)) if x != y),
    }
}

impl RunComparison {
    /// Cases per verdict: (faster, slower, no difference, not compared).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0);
        for case in &self.cases {
            match &case.outcome {
                Ok(cmp) => match cmp.verdict {
                    Verdict::Faster => c.0 += 1,
                    Verdict::Slower => c.1 += 1,
                    Verdict::NoDifference => c.2 += 1,
                },
                Err(_) => c.3 += 1,
            }
        }
        c
    }

    /// The regressions past `threshold` (0.10 for 10 %): cases B is slower in by more than the
    /// threshold with 95 % confidence, i.e. whose interval's lower bound exceeds `1 + threshold`.
    /// A point estimate past the threshold whose interval reaches below it is not one: CI must not
    /// fail on noise.
    pub fn regressions(&self, threshold: f64) -> Vec<(&str, Comparison)> {
        self.cases
            .iter()
            .filter_map(|c| {
                let cmp = *c.outcome.as_ref().ok()?;
                (cmp.verdict == Verdict::Slower && cmp.lower > 1.0 + threshold)
                    .then_some((c.id.as_str(), cmp))
            })
            .collect()
    }
}

/// The between-run spread of `runs` (at least two runs of the same cases on one machine): per
/// family, how far each case's point estimate moved from run to run, against the width of
/// criterion's interval within a run. `None` with fewer than two runs or no case in all of them.
pub fn spread(runs: &[Results]) -> Option<Spread> {
    if runs.len() < 2 {
        return None;
    }
    // Case id -> (family, per-run (point, relative half-width, lower, upper)).
    type Figures = Vec<(f64, f64, f64, f64)>;
    let mut by_id: BTreeMap<&str, (Family, Figures)> = BTreeMap::new();
    for r in runs {
        for row in &r.rows {
            let (Some(key), Some(e), None) = (&row.key, row.estimate, &row.failure) else {
                continue;
            };
            if e.point_ns <= 0.0 {
                continue;
            }
            by_id
                .entry(&row.id)
                .or_insert_with(|| (key.family, Vec::new()))
                .1
                .push((
                    e.point_ns,
                    (e.upper_ns - e.lower_ns) / 2.0 / e.point_ns,
                    e.lower_ns,
                    e.upper_ns,
                ));
        }
    }
    let mut families: BTreeMap<Family, Vec<CaseMove>> = BTreeMap::new();
    for (id, (family, figures)) in by_id {
        if figures.len() != runs.len() {
            continue;
        }
        let max = figures.iter().map(|f| f.0).fold(f64::MIN, f64::max);
        let min = figures.iter().map(|f| f.0).fold(f64::MAX, f64::min);
        let highest_lower = figures.iter().map(|f| f.2).fold(f64::MIN, f64::max);
        let lowest_upper = figures.iter().map(|f| f.3).fold(f64::MAX, f64::min);
        families.entry(family).or_default().push(CaseMove {
            id,
            between: max / min - 1.0,
            within: figures.iter().map(|f| f.1).collect(),
            disjoint: highest_lower > lowest_upper,
        });
    }
    if families.is_empty() {
        return None;
    }
    let families = families
        .into_iter()
        .map(|(family, cases)| {
            let mut between: Vec<f64> = cases.iter().map(|c| c.between).collect();
            let mut within: Vec<f64> = cases.iter().flat_map(|c| c.within.clone()).collect();
            let (max_case, max_between) = cases
                .iter()
                .map(|c| (c.id, c.between))
                .max_by(|x, y| x.1.total_cmp(&y.1))
                .expect("a family has cases");
            FamilySpread {
                family: family.id().to_string(),
                cases: cases.len(),
                median_between: median(&mut between),
                max_between,
                max_case: max_case.to_string(),
                median_within: median(&mut within),
                disjoint: cases.iter().filter(|c| c.disjoint).count(),
            }
        })
        .collect();
    Some(Spread {
        runs: runs
            .iter()
            .filter_map(|r| r.rows.iter().find_map(|row| row.run().cloned()))
            .collect(),
        families,
    })
}

/// One case's move across the runs.
struct CaseMove<'a> {
    id: &'a str,
    /// max ÷ min of the point estimates, minus 1.
    between: f64,
    /// criterion's relative interval half-width in each run.
    within: Vec<f64>,
    /// The runs' intervals do not all overlap.
    disjoint: bool,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}
