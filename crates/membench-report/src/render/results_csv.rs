//! `results.csv`: one line per case, every figure the report has.

use super::*;

pub(super) fn write_csv(ctx: &Ctx, path: &Path) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    w.write_record([
        "id",
        "family",
        "pattern",
        "size_bytes",
        "ran_bytes",
        "runtime",
        "strategy",
        "strategy_knobs",
        "strategy_default",
        "variant",
        "build",
        "run_id",
        "commit",
        "started",
        "timed",
        "initial_pages",
        "maximum_pages",
        "per",
        "bytes_per_iteration",
        "grows",
        "capped_at_pages",
        "reserved_virtual_bytes",
        "resident_bytes",
        "time_ns",
        "time_ns_lower",
        "time_ns_upper",
        "samples",
        "throughput_bytes_per_s",
        "throughput_vs_native",
        "throughput_vs_native_lower",
        "throughput_vs_native_upper",
        "failure_kind",
        "failure",
    ])?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    for row in &ctx.results.rows {
        let r = row.record.as_ref();
        let k = row.key.as_ref();
        let f = r.and_then(|r| r.footprint);
        let run = row.run();
        let measured = row.estimate.filter(|_| row.failure.is_none());
        let native = k
            .filter(|k| k.family == Family::Contiguous && !is_native(k))
            .and_then(|k| ctx.vs_native(k, row));
        w.write_record([
            row.id.clone(),
            opt(k.map(|k| k.family.to_string())),
            opt(k.map(|k| k.pattern.to_string())),
            opt(k.map(|k| k.size_bytes.to_string())),
            opt(k.map(|k| k.ran_bytes.to_string())),
            opt(k.map(|k| k.runtime.clone())),
            opt(k.map(|k| k.strategy.slug.clone())),
            opt(k.map(|k| k.strategy.knobs.clone())),
            opt(k.map(|k| k.strategy.default.to_string())),
            opt(k.map(|k| k.variant.to_string())),
            opt(k.map(|k| k.build.to_string())),
            opt(run.map(|s| s.id.clone())),
            opt(run.map(|s| s.commit.clone())),
            opt(run.map(|s| s.started.clone())),
            opt(r.map(|r| r.timed.clone())),
            opt(r.map(|r| r.initial_pages.to_string())),
            opt(r.and_then(|r| r.maximum_pages).map(|v| v.to_string())),
            opt(r.map(|r| r.per.clone())),
            opt(r.map(|r| r.bytes_per_iteration.to_string())),
            opt(r.and_then(|r| r.grows).map(|v| v.to_string())),
            opt(r.and_then(|r| r.capped_at_pages).map(|v| v.to_string())),
            opt(f.map(|f| f.reserved_virtual_bytes.to_string())),
            opt(f.map(|f| f.resident_bytes.to_string())),
            opt(measured.map(|e| e.point_ns.to_string())),
            opt(measured.map(|e| e.lower_ns.to_string())),
            opt(measured.map(|e| e.upper_ns.to_string())),
            opt(row.samples.as_ref().map(|s| s.times.len().to_string())),
            opt(row
                .throughput()
                .filter(|_| row.failure.is_none())
                .map(|t| t.to_string())),
            opt(native.map(|c| c.ratio.to_string())),
            opt(native.map(|c| c.lower.to_string())),
            opt(native.map(|c| c.upper.to_string())),
            opt(row.failure.as_ref().map(|f| f.kind.to_string())),
            opt(row.failure.as_ref().map(|f| f.cause.clone())),
        ])?;
    }
    w.flush()?;
    Ok(())
}
