//! Gathers one run's results: criterion's own stored estimates and samples
//! (`target/criterion/**/new/`), the case records and failures the benches wrote
//! (`target/membench/`), and the memory figures and verdicts of `membench measure` and `verify`.
//!
//! Only the cases of one run are collected: the run whose id the records carry
//! ([`membench_data::record::RunStamp`]), by default the one started last. Everything else found on disk
//! (records and failures of other runs, criterion estimates without a record of this run, estimates
//! older than the run) is left out, and each is listed with the reason in [`Results::left_out`].
//! Nothing is timed here, and a case without an estimate stays without one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use anyhow::{Context, Result};
use membench_data::case::CaseKey;
use membench_data::record::{CaseRecord, Failure, FailureKind, RunStamp};
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

/// criterion's raw samples of one case (its `sample.json`): sample `i` ran `iters[i]` iterations
/// in `times[i]` nanoseconds. Kept so comparisons can be bootstrapped ([`crate::stats::compare`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Samples {
    /// `Linear` or `Flat`, as criterion chose.
    pub sampling_mode: String,
    /// Iterations per sample.
    pub iters: Vec<f64>,
    /// Time per sample, nanoseconds (the whole sample).
    pub times: Vec<f64>,
}

impl Samples {
    /// Time per iteration of each sample, nanoseconds.
    pub fn per_iteration_ns(&self) -> Vec<f64> {
        self.iters
            .iter()
            .zip(&self.times)
            .filter(|(i, _)| **i > 0.0)
            .map(|(i, t)| t / i)
            .collect()
    }
}

/// One case: what it is, and what was measured (or why nothing was).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The case id (criterion's; shown, never parsed).
    pub id: String,
    /// The case's identity, from its record (or its failure when it has no record). The report
    /// groups rows by this; a row without one is listed, never charted.
    pub key: Option<CaseKey>,
    /// The case's record (non-time figures and the run), when the case was prepared.
    pub record: Option<CaseRecord>,
    /// criterion's estimate, when the case was measured (not in `--test` mode).
    pub estimate: Option<Estimate>,
    /// criterion's samples behind the estimate.
    #[serde(default)]
    pub samples: Option<Samples>,
    /// Why the case has no figure: it failed, the engine does not support it, or a finding.
    pub failure: Option<Failure>,
}

impl Row {
    /// Bytes per second, from the record's bytes per iteration and the time estimate.
    pub fn throughput(&self) -> Option<f64> {
        let bytes = self.record.as_ref()?.bytes_per_iteration as f64;
        Some(bytes / (self.estimate?.point_ns * 1e-9))
    }

    /// Time per iteration of each sample, nanoseconds; `None` without samples (or after a failure).
    pub fn per_iteration_ns(&self) -> Option<Vec<f64>> {
        if self.failure.is_some() {
            return None;
        }
        let v = self.samples.as_ref()?.per_iteration_ns();
        (!v.is_empty()).then_some(v)
    }

    /// Time per byte of each sample (ns/B): what throughput comparisons compare, so cases that move
    /// different amounts of data per iteration compare fairly.
    pub fn ns_per_byte(&self) -> Option<Vec<f64>> {
        let bytes = self.record.as_ref()?.bytes_per_iteration;
        if bytes == 0 {
            return None;
        }
        Some(
            self.per_iteration_ns()?
                .into_iter()
                .map(|t| t / bytes as f64)
                .collect(),
        )
    }

    /// The run the row belongs to: its record's, else its failure's.
    pub fn run(&self) -> Option<&RunStamp> {
        self.record
            .as_ref()
            .map(|r| &r.run)
            .or_else(|| self.failure.as_ref()?.run.as_ref())
    }

    /// The failure's kind, when the case has no figure for a recorded reason.
    pub fn failure_kind(&self) -> Option<FailureKind> {
        self.failure.as_ref().map(|f| f.kind)
    }
}

/// The machine and software results were collected on, captured when they are collected.
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

/// Where something left out of a collection came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// A case record (`target/membench/cases/`).
    Record,
    /// A failure record (`target/membench/failures/`).
    Failure,
    /// A criterion estimate (`target/criterion/**/new/`).
    Estimate,
}

/// Why something was left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// It belongs to another run.
    OtherRun,
    /// It carries no run stamp (written by an older version of the benches).
    NoRunStamp,
    /// A criterion estimate with no record or failure in the collected run.
    NoRecord,
    /// A criterion estimate written before the run that recorded the case started: criterion did
    /// not measure the case in this run (e.g. `--test` mode, or a failure before sampling).
    EstimateOlderThanRun,
    /// The file could not be read as this version's record.
    Unreadable,
}

impl Reason {
    /// A short phrase for tables and the console.
    pub fn label(self) -> &'static str {
        match self {
            Reason::OtherRun => "another run",
            Reason::NoRunStamp => "no run stamp",
            Reason::NoRecord => "no record in this run",
            Reason::EstimateOlderThanRun => "estimate older than the run",
            Reason::Unreadable => "unreadable",
        }
    }
}

/// One thing found on disk and not collected, and why.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LeftOut {
    /// The case id (for an unreadable file: the file name).
    pub id: String,
    /// What it was.
    pub source: Source,
    /// Why it was left out.
    pub reason: Reason,
    /// The other run's id and start, the estimate's age, or the parse error.
    pub detail: String,
}

/// A collected run: the cases of one run, plus the memory figures and verdicts measured beside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// Where and when the results were collected (the runs' own machines are in their stamps).
    pub environment: Environment,
    /// The run the rows come from ([`RunStamp::id`]); `None` when no record carried a stamp.
    #[serde(default)]
    pub run_id: Option<String>,
    /// Every case of the run, sorted by id.
    pub rows: Vec<Row>,
    /// What was found on disk and not collected, with the reason.
    #[serde(default)]
    pub left_out: Vec<LeftOut>,
    /// The memory figures of the fragmentation family (`membench measure`), when measured.
    #[serde(default)]
    pub fragmentation: Vec<membench_data::fragmentation::FragRecord>,
    /// The run `membench measure` stamped its figures with, when its output carries one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fragmentation_run: Option<RunStamp>,
    /// The environment `membench measure` wrote beside its figures, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fragmentation_environment: Option<Environment>,
    /// The seed's claims as `membench verify` checked them, when run.
    #[serde(default)]
    pub verify: Vec<membench_data::verify::Verdict>,
    /// The run `membench verify` stamped its verdicts with, when its output carries one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_run: Option<RunStamp>,
    /// Where and when the verdicts were gathered, when that was apart from the measurements
    /// (`membench collect --onto`): the commit of a later `verify` differs from the benches'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_environment: Option<Environment>,
    /// How far repeated runs of the same cases on this machine moved (`membench spread`), shown
    /// beside criterion's within-run intervals; `None` until measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<membench_data::spread::Spread>,
}

impl Results {
    /// The rows of the collected run with their keys.
    pub fn keyed(&self) -> impl Iterator<Item = (&CaseKey, &Row)> {
        self.rows.iter().filter_map(|r| Some((r.key.as_ref()?, r)))
    }

    /// Lines for the console: how many were left out, per source and reason.
    pub fn left_out_summary(&self) -> Vec<String> {
        let mut counts: BTreeMap<(Source, Reason), usize> = BTreeMap::new();
        for l in &self.left_out {
            *counts.entry((l.source, l.reason)).or_default() += 1;
        }
        counts
            .into_iter()
            .map(|((source, reason), n)| {
                let source = match source {
                    Source::Record => "case record",
                    Source::Failure => "failure record",
                    Source::Estimate => "criterion estimate",
                };
                format!("left out {n} {source}(s): {}", reason.label())
            })
            .collect()
    }
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

/// What criterion stored for one case.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    /// The estimate (slope where criterion computed one, else the mean).
    pub estimate: Estimate,
    /// The samples, when `sample.json` is there.
    pub samples: Option<Samples>,
    /// When criterion wrote the estimate (the file's modification time).
    pub written: Option<SystemTime>,
}

/// Reads criterion's estimates and samples under `criterion_dir`, keyed by full id. The slope is
/// used where criterion computed one (linear sampling), the mean otherwise (flat sampling), as
/// criterion's own report does.
pub fn criterion_outputs(criterion_dir: &Path) -> Result<BTreeMap<String, Measured>> {
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
                    if let Some((id, measured)) = read_measured(&path)? {
                        out.insert(id, measured);
                    }
                } else {
                    stack.push(path);
                }
            }
        }
    }
    Ok(out)
}

/// criterion's estimates under `criterion_dir`, keyed by full id.
pub fn criterion_estimates(criterion_dir: &Path) -> Result<BTreeMap<String, Estimate>> {
    Ok(criterion_outputs(criterion_dir)?
        .into_iter()
        .map(|(id, m)| (id, m.estimate))
        .collect())
}

fn read_measured(new_dir: &Path) -> Result<Option<(String, Measured)>> {
    let (bench, est, sample) = (
        new_dir.join("benchmark.json"),
        new_dir.join("estimates.json"),
        new_dir.join("sample.json"),
    );
    if !bench.exists() || !est.exists() {
        return Ok(None);
    }
    let bench: BenchmarkJson = serde_json::from_str(&std::fs::read_to_string(&bench)?)
        .with_context(|| format!("parsing {}", bench.display()))?;
    let est_text = std::fs::read_to_string(&est)?;
    let parsed: EstimatesJson =
        serde_json::from_str(&est_text).with_context(|| format!("parsing {}", est.display()))?;
    let s = parsed.slope.unwrap_or(parsed.mean);
    let samples = if sample.exists() {
        Some(
            serde_json::from_str::<Samples>(&std::fs::read_to_string(&sample)?)
                .with_context(|| format!("parsing {}", sample.display()))?,
        )
    } else {
        None
    };
    let written = std::fs::metadata(&est).and_then(|m| m.modified()).ok();
    Ok(Some((
        bench.full_id,
        Measured {
            estimate: Estimate {
                point_ns: s.point_estimate,
                lower_ns: s.confidence_interval.lower_bound,
                upper_ns: s.confidence_interval.upper_bound,
                confidence: s.confidence_interval.confidence_level,
            },
            samples,
            written,
        },
    )))
}

/// A JSON file of a record directory, read or not, with when it was written.
struct Read<T> {
    path: PathBuf,
    value: std::result::Result<T, String>,
    written: Option<SystemTime>,
}

fn read_dir_json<T: for<'de> Deserialize<'de>>(dir: &Path) -> Result<Vec<Read<T>>> {
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
        out.push(Read {
            value: serde_json::from_str(&text).map_err(|e| e.to_string()),
            written: std::fs::metadata(&path).and_then(|m| m.modified()).ok(),
            path,
        });
    }
    Ok(out)
}

/// `YYYY-MM-DDTHH:MM:SSZ` (what [`membench_data::record::now_utc`] writes) as seconds since the epoch.
pub fn rfc3339_seconds(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (hh, mm, ss) = (n(11..13)?, n(14..16)?, n(17..19)?);
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

fn unix_seconds(t: SystemTime) -> Option<i64> {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs() as i64)
}

/// The id of the run started last among `stamps` (with the file time of each): the latest
/// [`RunStamp::started`], ties broken by the later file.
fn latest_run<'a>(
    stamps: impl Iterator<Item = (&'a RunStamp, Option<SystemTime>)>,
) -> Option<String> {
    stamps
        .max_by_key(|(s, written)| (rfc3339_seconds(&s.started), *written))
        .map(|(s, _)| s.id.clone())
}

/// Joins the records, failures and estimates of one run into rows, and lists everything else.
/// `run`: the run to collect; `None` collects the run started last.
pub fn rows_of_run(
    criterion_dir: &Path,
    membench_dir: &Path,
    run: Option<&str>,
) -> Result<(Option<String>, Vec<Row>, Vec<LeftOut>)> {
    let mut measured = criterion_outputs(criterion_dir)?;
    let records: Vec<Read<CaseRecord>> = read_dir_json(&membench_dir.join("cases"))?;
    let failures: Vec<Read<Failure>> = read_dir_json(&membench_dir.join("failures"))?;
    let mut left_out = Vec::new();
    let unreadable = |r: &dyn Fn() -> (PathBuf, String), source| {
        let (path, error) = r();
        LeftOut {
            id: path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            source,
            reason: Reason::Unreadable,
            detail: error,
        }
    };
    for r in &records {
        if let Err(e) = &r.value {
            left_out.push(unreadable(&|| (r.path.clone(), e.clone()), Source::Record));
        }
    }
    for f in &failures {
        if let Err(e) = &f.value {
            left_out.push(unreadable(&|| (f.path.clone(), e.clone()), Source::Failure));
        }
    }
    let run_id = match run {
        Some(id) => Some(id.to_string()),
        None => latest_run(
            records
                .iter()
                .filter_map(|r| Some((&r.value.as_ref().ok()?.run, r.written)))
                .chain(
                    failures
                        .iter()
                        .filter_map(|f| Some((f.value.as_ref().ok()?.run.as_ref()?, f.written))),
                ),
        ),
    };
    let other = |stamp: &RunStamp| format!("run {} (started {})", stamp.id, stamp.started);
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    // Ids recorded by other runs: their estimates are those runs', too.
    let mut elsewhere: BTreeMap<String, String> = BTreeMap::new();
    for record in records.into_iter().filter_map(|r| r.value.ok()) {
        if Some(&record.run.id) != run_id.as_ref() {
            elsewhere.insert(record.id.clone(), other(&record.run));
            left_out.push(LeftOut {
                id: record.id.clone(),
                source: Source::Record,
                reason: Reason::OtherRun,
                detail: other(&record.run),
            });
            continue;
        }
        let mut row = Row {
            id: record.id.clone(),
            key: Some(record.key.clone()),
            record: None,
            estimate: None,
            samples: None,
            failure: None,
        };
        if let Some(m) = measured.remove(&record.id) {
            // An estimate criterion wrote before this case's run started is not this run's.
            let started = rfc3339_seconds(&record.run.started);
            let written = m.written.and_then(unix_seconds);
            match (started, written) {
                (Some(started), Some(written)) if written + 1 < started => {
                    left_out.push(LeftOut {
                        id: record.id.clone(),
                        source: Source::Estimate,
                        reason: Reason::EstimateOlderThanRun,
                        detail: format!(
                            "written {}s before the run started ({})",
                            started - written,
                            record.run.started
                        ),
                    });
                }
                _ => {
                    row.estimate = Some(m.estimate);
                    row.samples = m.samples;
                }
            }
        }
        row.record = Some(record);
        rows.insert(row.id.clone(), row);
    }
    for failure in failures.into_iter().filter_map(|f| f.value.ok()) {
        match &failure.run {
            Some(stamp) if Some(&stamp.id) == run_id.as_ref() => {}
            stamp => {
                left_out.push(LeftOut {
                    id: failure.id.clone(),
                    source: Source::Failure,
                    reason: if stamp.is_some() {
                        Reason::OtherRun
                    } else {
                        Reason::NoRunStamp
                    },
                    detail: stamp.as_ref().map_or_else(String::new, other),
                });
                continue;
            }
        }
        // A case that failed in this run has no figure, whatever criterion stored for it.
        measured.remove(&failure.id);
        let row = rows.entry(failure.id.clone()).or_insert_with(|| Row {
            id: failure.id.clone(),
            key: failure.key.clone(),
            record: None,
            estimate: None,
            samples: None,
            failure: None,
        });
        if row.key.is_none() {
            row.key = failure.key.clone();
        }
        row.estimate = None;
        row.samples = None;
        row.failure = Some(failure);
    }
    for id in measured.into_keys() {
        let (reason, detail) = match elsewhere.get(&id) {
            Some(run) => (Reason::OtherRun, format!("its record belongs to {run}")),
            None => (
                Reason::NoRecord,
                "criterion measured it, but no record or failure of this run names it".into(),
            ),
        };
        left_out.push(LeftOut {
            id,
            source: Source::Estimate,
            reason,
            detail,
        });
    }
    left_out.sort();
    Ok((run_id, rows.into_values().collect(), left_out))
}

/// The environment of this machine, now.
pub fn environment() -> Environment {
    let machine = membench_data::record::Machine::current();
    let run = |cmd: &str, args: &[&str]| {
        Command::new(cmd)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_else(|| "unknown".into())
    };
    let v = membench_data::versions::all();
    Environment {
        cpu: machine.cpu,
        cores: machine.cores,
        caches: machine.caches,
        memory_bytes: machine.memory_bytes,
        kernel: machine.kernel,
        rustc: membench_data::versions::RUSTC.to_string(),
        versions: v
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        commit: membench_data::record::commit(),
        date: run("date", &["-u", "+%Y-%m-%dT%H:%M:%SZ"]),
    }
}

/// What `membench measure` writes: the records, and (when its version writes them) the run stamp
/// and the environment. Unknown fields are ignored, so a later shape still reads.
#[derive(Deserialize)]
struct FragFile {
    records: Vec<membench_data::fragmentation::FragRecord>,
    #[serde(default)]
    run: Option<RunStamp>,
    #[serde(default)]
    environment: Option<Environment>,
}

/// The fragmentation figures, their run (top-level `run`, else the first record's `run`) and the
/// environment written beside them.
type Fragmentation = (
    Vec<membench_data::fragmentation::FragRecord>,
    Option<RunStamp>,
    Option<Environment>,
);

fn read_fragmentation(path: &Path) -> Result<Fragmentation> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let record_run = value
        .get("records")
        .and_then(|r| r.as_array())
        .and_then(|r| r.iter().find_map(|r| r.get("run")))
        .and_then(|r| serde_json::from_value::<RunStamp>(r.clone()).ok());
    let file: FragFile =
        serde_json::from_value(value).with_context(|| format!("parsing {}", path.display()))?;
    Ok((file.records, file.run.or(record_run), file.environment))
}

/// Reads `membench verify`'s output: today a list of verdicts; tolerated too, an object with the
/// verdicts under `verdicts` (or `records`) and a `run` stamp, or verdicts that each carry a `run`.
pub fn read_verify(path: &Path) -> Result<(Vec<membench_data::verify::Verdict>, Option<RunStamp>)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let stamp = |v: Option<&serde_json::Value>| {
        v.and_then(|r| serde_json::from_value::<RunStamp>(r.clone()).ok())
    };
    let (list, run) = match &value {
        serde_json::Value::Array(_) => (value.clone(), None),
        serde_json::Value::Object(map) => (
            map.get("verdicts")
                .or_else(|| map.get("records"))
                .cloned()
                .unwrap_or(serde_json::Value::Array(Vec::new())),
            stamp(map.get("run")),
        ),
        _ => anyhow::bail!("{}: neither a list nor an object", path.display()),
    };
    let run = run.or_else(|| {
        list.as_array()
            .and_then(|l| l.iter().find_map(|v| stamp(v.get("run"))))
    });
    let verdicts =
        serde_json::from_value(list).with_context(|| format!("parsing {}", path.display()))?;
    Ok((verdicts, run))
}

/// Collects the run started last in `target_dir` (`target/`), with the memory figures
/// `membench measure` wrote to `fragmentation` and the verdicts `membench verify` wrote to `verify`,
/// for those files that exist.
pub fn collect(target_dir: &Path, fragmentation: &Path, verify: &Path) -> Result<Results> {
    collect_run(target_dir, fragmentation, verify, None)
}

/// [`collect`] for the run `run` ([`RunStamp::id`]); `None` is the run started last.
pub fn collect_run(
    target_dir: &Path,
    fragmentation: &Path,
    verify: &Path,
    run: Option<&str>,
) -> Result<Results> {
    let (verify, verify_run) = if verify.exists() {
        read_verify(verify)?
    } else {
        (Vec::new(), None)
    };
    let (fragmentation, fragmentation_run, fragmentation_environment) = if fragmentation.exists() {
        read_fragmentation(fragmentation)?
    } else {
        (Vec::new(), None, None)
    };
    let (run_id, rows, left_out) = rows_of_run(
        &target_dir.join("criterion"),
        &target_dir.join("membench"),
        run,
    )?;
    if rows.is_empty() && fragmentation.is_empty() && verify.is_empty() {
        match run {
            Some(run) => anyhow::bail!(
                "no results of run {run} under {} ({} left out)",
                target_dir.display(),
                left_out.len()
            ),
            None => anyhow::bail!(
                "no results under {}: run the benches first (with the same CARGO_TARGET_DIR)",
                target_dir.display()
            ),
        }
    }
    Ok(Results {
        environment: environment(),
        run_id,
        rows,
        left_out,
        fragmentation,
        fragmentation_run,
        fragmentation_environment,
        verify,
        verify_run,
        verify_environment: None,
        spread: None,
    })
}

/// The code states `results`' figures come from: each commit (`+dirty` included) with what was
/// measured at it (benches, memory figures, verdicts, spread), in commit order.
pub fn commits(results: &Results) -> BTreeMap<String, BTreeSet<&'static str>> {
    let mut out: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
    let mut add = |commit: &str, what: &'static str| {
        out.entry(commit.to_string()).or_default().insert(what);
    };
    for s in results.rows.iter().filter_map(Row::run) {
        add(&s.commit, "benches");
    }
    if !results.fragmentation.is_empty() {
        match (
            &results.fragmentation_run,
            &results.fragmentation_environment,
        ) {
            (Some(run), _) => add(&run.commit, "memory figures"),
            (None, Some(e)) => add(&e.commit, "memory figures"),
            (None, None) => {}
        }
    }
    if !results.verify.is_empty() {
        match (&results.verify_run, &results.verify_environment) {
            (Some(run), _) => add(&run.commit, "verdicts"),
            (None, Some(e)) => add(&e.commit, "verdicts"),
            (None, None) => {}
        }
    }
    for run in results.spread.iter().flat_map(|s| &s.runs) {
        add(&run.commit, "spread");
    }
    out
}

/// Why `results` are not one clean reference run, in a sentence naming the commits: a `+dirty`
/// commit (uncommitted changes: no commit reproduces it), or figures from more than one commit.
/// `None` for one clean commit.
pub fn reference_problem(results: &Results) -> Option<String> {
    let commits = commits(results);
    let dirty = commits.keys().any(|c| c.ends_with("+dirty"));
    if commits.len() <= 1 && !dirty {
        return None;
    }
    let list: Vec<String> = commits
        .iter()
        .map(|(c, what)| {
            format!(
                "`{c}` ({})",
                what.iter().copied().collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    let what = match (commits.len() > 1, dirty) {
        (true, true) => "more than one code state, some with uncommitted changes",
        (true, false) => "more than one commit",
        _ => "a commit with uncommitted changes (`+dirty`)",
    };
    Some(format!(
        "these figures come from {what}: {}",
        list.join("; ")
    ))
}

/// Refuses `results` as a reference run when they are not one clean commit
/// ([`reference_problem`]), unless `allow_mixed` (`--allow-mixed`): a published run is one code
/// state, or says it is not.
pub fn check_reference(results: &Results, allow_mixed: bool) -> Result<()> {
    match reference_problem(results) {
        Some(problem) if !allow_mixed => anyhow::bail!(
            "not one clean reference run: {problem}. Measure again from one clean commit (`just \
             report`), or pass --allow-mixed to publish it anyway (every page then says so)"
        ),
        _ => Ok(()),
    }
}

/// Replaces the verdicts of already collected `results` with those `membench verify` wrote to
/// `verify`, stamped with this machine and commit: so a published run can gain a later `verify`
/// (which runs in minutes) without re-running the benches (which take a quarter of an hour).
pub fn with_verify(mut results: Results, verify: &Path) -> Result<Results> {
    let (verdicts, run) = read_verify(verify)?;
    results.verify = verdicts;
    results.verify_run = run;
    results.verify_environment = Some(environment());
    Ok(results)
}

/// `results` as JSON: pretty, except that lists of numbers (criterion's samples) stay on one line
/// each, so the file stays readable and small.
pub fn to_json(results: &Results) -> Result<String> {
    let pretty = serde_json::to_string_pretty(results).context("serialising the results")?;
    let mut out = String::with_capacity(pretty.len() / 2);
    let mut lines = pretty.lines();
    while let Some(line) = lines.next() {
        if line.ends_with('[') {
            // Gather the list if every element is a number.
            let mut items = Vec::new();
            let mut end = None;
            let mut ahead = lines.clone();
            for next in ahead.by_ref() {
                let t = next.trim();
                if t == "]" || t == "]," {
                    end = Some(t.to_string());
                    break;
                }
                let item = t.trim_end_matches(',');
                if item.parse::<f64>().is_err() {
                    break;
                }
                items.push(item.to_string());
            }
            if let Some(end) = end.filter(|_| !items.is_empty()) {
                out.push_str(line);
                out.push_str(&items.join(", "));
                out.push_str(&end);
                out.push('\n');
                lines = ahead;
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

/// Writes `results` to `path` atomically (see [`to_json`]).
pub fn write_results(path: &Path, results: &Results) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, to_json(results)?)
        .with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))
}
