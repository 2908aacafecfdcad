//! Gathers one run's results: criterion's own stored estimates (`target/criterion/**/new/`), the
//! case records and failures the benches wrote (`target/membench/`), and the machine they ran on.
//! Nothing is timed here, and a case without an estimate stays without one.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};
use membench::record::{CaseRecord, Failure};
use serde::{Deserialize, Serialize};

/// A criterion estimate of the time of one iteration, nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Point estimate.
    pub point_ns: f64,
    /// Lower bound of the confidence interval.
    pub lower_ns: f64,
    /// Upper bound of the confidence interval.
    pub upper_ns: f64,
    /// The interval's confidence level (criterion's default is 0.95).
    pub confidence: f64,
}

/// One case: what it is, and what was measured (or why nothing was).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The case id.
    pub id: String,
    /// The case's identity and non-time figures, when the case was prepared.
    pub record: Option<CaseRecord>,
    /// criterion's estimate, when the case was measured (not in `--test` mode).
    pub estimate: Option<Estimate>,
    /// Why the case failed, when it did.
    pub failure: Option<String>,
}

impl Row {
    /// Bytes per second, from the record's bytes per iteration and the time estimate.
    pub fn throughput(&self) -> Option<f64> {
        let bytes = self.record.as_ref()?.bytes_per_iteration as f64;
        Some(bytes / (self.estimate?.point_ns * 1e-9))
    }
}

/// The machine and software a run was measured on, captured when it is collected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    /// `/proc/cpuinfo`'s model name.
    pub cpu: String,
    /// Logical CPUs.
    pub cores: usize,
    /// Cache levels and sizes (`L1d 32K`, ...), from sysfs.
    pub caches: Vec<String>,
    /// `MemTotal`, bytes.
    pub memory_bytes: u64,
    /// Kernel release.
    pub kernel: String,
    /// `rustc --version` that built host and guests.
    pub rustc: String,
    /// Crate versions as resolved in Cargo.lock.
    pub versions: BTreeMap<String, String>,
    /// `git rev-parse --short HEAD`, `+dirty` when the tree had changes.
    pub commit: String,
    /// When the results were collected (UTC).
    pub date: String,
}

/// A collected run: environment plus one row per case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// Where it was measured.
    pub environment: Environment,
    /// Every case, sorted by id.
    pub rows: Vec<Row>,
    /// The memory figures of the fragmentation family (`membench measure`), when measured.
    #[serde(default)]
    pub fragmentation: Vec<membench::fragmentation::FragRecord>,
    /// The seed's claims as `membench verify` checked them, when run.
    #[serde(default)]
    pub verify: Vec<membench::verify::Verdict>,
    /// Where and when the verdicts were gathered, when that was apart from the measurements
    /// (`membench collect --onto`): the commit of a later `verify` differs from the benches'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_environment: Option<Environment>,
}

#[derive(Deserialize)]
struct FragFile {
    records: Vec<membench::fragmentation::FragRecord>,
}

#[derive(Deserialize)]
struct BenchmarkJson {
    full_id: String,
}

#[derive(Deserialize)]
struct EstimatesJson {
    mean: Statistic,
    slope: Option<Statistic>,
}

#[derive(Deserialize)]
struct Statistic {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct Interval {
    confidence_level: f64,
    lower_bound: f64,
    upper_bound: f64,
}

/// Reads criterion's estimates under `criterion_dir`, keyed by full id. The slope is used where
/// criterion computed one (linear sampling), the mean otherwise (flat sampling), as criterion's own
/// report does.
pub fn criterion_estimates(criterion_dir: &Path) -> Result<BTreeMap<String, Estimate>> {
    let mut out = BTreeMap::new();
    if !criterion_dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![criterion_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "new") {
                    if let Some((id, estimate)) = read_estimate(&path)? {
                        out.insert(id, estimate);
                    }
                } else {
                    stack.push(path);
                }
            }
        }
    }
    Ok(out)
}

fn read_estimate(new_dir: &Path) -> Result<Option<(String, Estimate)>> {
    let (bench, est) = (
        new_dir.join("benchmark.json"),
        new_dir.join("estimates.json"),
    );
    if !bench.exists() || !est.exists() {
        return Ok(None);
    }
    let bench: BenchmarkJson = serde_json::from_str(&std::fs::read_to_string(&bench)?)
        .with_context(|| format!("parsing {}", bench.display()))?;
    let est: EstimatesJson = serde_json::from_str(&std::fs::read_to_string(&est)?)
        .with_context(|| format!("parsing {}", est.display()))?;
    let s = est.slope.unwrap_or(est.mean);
    Ok(Some((
        bench.full_id,
        Estimate {
            point_ns: s.point_estimate,
            lower_ns: s.confidence_interval.lower_bound,
            upper_ns: s.confidence_interval.upper_bound,
            confidence: s.confidence_interval.confidence_level,
        },
    )))
}

fn read_dir_json<T: for<'de> Deserialize<'de>>(dir: &Path) -> Result<Vec<T>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path)?;
        // A file another version of the benches wrote is skipped with a warning, not fatal: the
        // rest of the run is still worth reporting.
        match serde_json::from_str(&text) {
            Ok(value) => out.push(value),
            Err(e) => eprintln!(
                "warning: skipping {} ({e}); re-run its bench to refresh it",
                path.display()
            ),
        }
    }
    Ok(out)
}

/// Joins records, failures and estimates into rows. Every recorded or failed case gets a row; a
/// criterion estimate without a record (an id from some other run) is left out.
pub fn rows(criterion_dir: &Path, membench_dir: &Path) -> Result<Vec<Row>> {
    let estimates = criterion_estimates(criterion_dir)?;
    let records: Vec<CaseRecord> = read_dir_json(&membench_dir.join("cases"))?;
    let failures: Vec<Failure> = read_dir_json(&membench_dir.join("failures"))?;
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for record in records {
        rows.insert(
            record.id.clone(),
            Row {
                id: record.id.clone(),
                estimate: estimates.get(&record.id).copied(),
                record: Some(record),
                failure: None,
            },
        );
    }
    for failure in failures {
        let row = rows.entry(failure.id.clone()).or_insert_with(|| Row {
            id: failure.id.clone(),
            record: None,
            estimate: None,
            failure: None,
        });
        row.failure = Some(failure.cause);
        row.estimate = None;
    }
    Ok(rows.into_values().collect())
}

/// The environment of this machine, now.
pub fn environment() -> Environment {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mut caches = Vec::new();
    for i in 0..8 {
        let dir = format!("/sys/devices/system/cpu/cpu0/cache/index{i}");
        let (level, kind, size) = (
            read(&format!("{dir}/level")),
            read(&format!("{dir}/type")),
            read(&format!("{dir}/size")),
        );
        if size.trim().is_empty() {
            continue;
        }
        let kind = match kind.trim() {
            "Data" => "d",
            "Instruction" => "i",
            _ => "",
        };
        caches.push(format!("L{}{kind} {}", level.trim(), size.trim()));
    }
    let memory_bytes = read("/proc/meminfo")
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024);
    let run = |cmd: &str, args: &[&str]| {
        Command::new(cmd)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_else(|| "unknown".into())
    };
    let dirty = run("git", &["status", "--porcelain", "--untracked-files=no"]);
    let mut commit = run("git", &["rev-parse", "--short=12", "HEAD"]);
    if !dirty.is_empty() && dirty != "unknown" {
        commit.push_str("+dirty");
    }
    let v = membench::versions::all();
    Environment {
        cpu,
        cores,
        caches,
        memory_bytes,
        kernel: read("/proc/sys/kernel/osrelease").trim().to_string(),
        rustc: membench::versions::RUSTC.to_string(),
        versions: v
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        commit,
        date: run("date", &["-u", "+%Y-%m-%dT%H:%M:%SZ"]),
    }
}

/// Collects this machine's latest run from `target_dir` (`target/`), with the memory figures
/// `membench measure` wrote to `fragmentation` and the verdicts `membench verify` wrote to `verify`,
/// for those files that exist.
pub fn collect(target_dir: &Path, fragmentation: &Path, verify: &Path) -> Result<Results> {
    let verify = if verify.exists() {
        read_verify(verify)?
    } else {
        Vec::new()
    };
    let fragmentation = if fragmentation.exists() {
        let text = std::fs::read_to_string(fragmentation)?;
        serde_json::from_str::<FragFile>(&text)
            .with_context(|| format!("parsing {}", fragmentation.display()))?
            .records
    } else {
        Vec::new()
    };
    let rows = rows(&target_dir.join("criterion"), &target_dir.join("membench"))?;
    if rows.is_empty() && fragmentation.is_empty() && verify.is_empty() {
        anyhow::bail!(
            "no results under {}: run the benches first (with the same CARGO_TARGET_DIR)",
            target_dir.display()
        );
    }
    Ok(Results {
        environment: environment(),
        rows,
        fragmentation,
        verify,
        verify_environment: None,
    })
}

fn read_verify(path: &Path) -> Result<Vec<membench::verify::Verdict>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Replaces the verdicts of already collected `results` with those `membench verify` wrote to
/// `verify`, stamped with this machine and commit: so a published run can gain a later `verify`
/// (which runs in minutes) without re-running the benches (which take a quarter of an hour).
pub fn with_verify(mut results: Results, verify: &Path) -> Result<Results> {
    results.verify = read_verify(verify)?;
    results.verify_environment = Some(environment());
    Ok(results)
}
