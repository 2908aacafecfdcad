//! `cases.md`: the runs behind the figures, the environment, how comparisons are made, the cases
//! without a figure (per runtime-engine) and what the collection left out.

use super::*;
use crate::collect::{Reason, Source};

pub(super) fn page(ctx: &Ctx) -> String {
    let results = ctx.results;
    let mut md = String::new();
    let benches: Vec<&RunStamp> = results.rows.iter().filter_map(Row::run).collect();
    page_head(&mut md, "cases.md", &run_line(&benches));
    let _ = writeln!(md, "## Runs\n");
    runs_list(results, &mut md);
    let _ = writeln!(md, "## How figures are compared\n\n{}\n", method(results));
    let _ = writeln!(md, "## Where the results were collected\n");
    environment_table(results, &mut md);
    without_figures(ctx, &mut md);
    left_out(results, &mut md);
    md
}

/// Cases of the run without a figure: failed, unsupported, not in our binding, findings, missing.
fn without_figures(ctx: &Ctx, md: &mut String) {
    let rows = &ctx.results.rows;
    let of = |kind: FailureKind| -> Vec<&Row> {
        rows.iter()
            .filter(|r| r.failure_kind() == Some(kind))
            .collect()
    };
    let (failed, unsupported, binding, findings, not_installed) = (
        of(FailureKind::Failed),
        of(FailureKind::Unsupported),
        of(FailureKind::Binding),
        of(FailureKind::Finding),
        of(FailureKind::NotInstalled),
    );
    let missing: Vec<&Row> = rows
        .iter()
        .filter(|r| r.failure.is_none() && r.estimate.is_none())
        .collect();
    let _ = writeln!(md, "## Cases without a figure\n");
    let _ = writeln!(
        md,
        "{} cases failed; {} are not supported by their engine; {} are not in our binding (the \
         crate we drive the engine through cannot ask for them); {} are findings (measuring them \
         would publish a wrong figure); {} have no estimate.\n",
        failed.len(),
        unsupported.len(),
        binding.len(),
        findings.len(),
        missing.len()
    );
    // An engine that is not installed is one line (its cause names the install command), not one
    // per case.
    if !not_installed.is_empty() {
        let mut causes: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &not_installed {
            let cause = r.failure.as_ref().map_or("", |f| f.cause.as_str());
            *causes.entry(cause).or_default() += 1;
        }
        let _ = writeln!(
            md,
            "### Engines not installed on the measuring machine
"
        );
        for (cause, cases) in causes {
            let _ = writeln!(md, "- {cause} ({cases} cases without a figure)");
        }
        let _ = writeln!(md);
    }
    for (title, list) in [
        ("Failed", &failed),
        ("Unsupported by the engine", &unsupported),
        ("Not in our binding", &binding),
        ("Findings", &findings),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(md, "### {title}\n");
        let mut by_runtime: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
        for r in list.iter() {
            let runtime = r
                .key
                .as_ref()
                .map_or("(no key)".into(), |k| k.runtime.clone());
            by_runtime.entry(runtime).or_default().push(r);
        }
        for (runtime, rows) in by_runtime {
            let _ = writeln!(md, "#### {runtime}\n");
            for r in rows {
                let _ = writeln!(
                    md,
                    "- `{}`: {}",
                    r.id,
                    r.failure.as_ref().map_or("", |f| f.cause.as_str())
                );
            }
            let _ = writeln!(md);
        }
    }
    if !missing.is_empty() {
        let _ = writeln!(md, "### No estimate\n");
        for r in &missing {
            let _ = writeln!(md, "- `{}`", r.id);
        }
        let _ = writeln!(md);
    }
}

/// What `collect` found on disk and did not collect.
fn left_out(results: &Results, md: &mut String) {
    let _ = writeln!(md, "## Left out of this collection\n");
    if results.left_out.is_empty() {
        let _ = writeln!(
            md,
            "Nothing: every record, failure and estimate found belonged to run `{}`.\n",
            results.run_id.as_deref().unwrap_or("?")
        );
        return;
    }
    let _ = writeln!(
        md,
        "The results above are the cases of run `{}` only. These were found beside them and left \
         out:\n",
        results.run_id.as_deref().unwrap_or("?")
    );
    let mut counts: BTreeMap<(Source, Reason), usize> = BTreeMap::new();
    for l in &results.left_out {
        *counts.entry((l.source, l.reason)).or_default() += 1;
    }
    let _ = writeln!(md, "| what | why | how many |\n|---|---|---|");
    for ((source, reason), n) in counts {
        let source = match source {
            Source::Record => "case record",
            Source::Failure => "failure record",
            Source::Estimate => "criterion estimate",
        };
        let _ = writeln!(md, "| {source} | {} | {n} |", reason.label());
    }
    let _ = writeln!(md, "\n<details><summary>Every id left out</summary>\n");
    for l in &results.left_out {
        let _ = writeln!(
            md,
            "- `{}` ({}{})",
            l.id,
            l.reason.label(),
            if l.detail.is_empty() {
                String::new()
            } else {
                format!(": {}", l.detail)
            }
        );
    }
    let _ = writeln!(md, "\n</details>\n");
}
