//! Collecting from a target directory laid out as the benches and criterion leave it: only the
//! cases of one run are collected (by default the one started last), and everything else found is
//! left out with the reason; criterion's samples are kept; the results round-trip through their
//! JSON; `measure` and `verify` outputs are read with their run stamps when present.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use common::*;
use membench_data::case::{CaseKey, GuestBuild};
use membench_data::record::{file_name, Failure, FailureKind, RunStamp};
use membench_report::collect::{
    collect, collect_run, read_verify, rfc3339_seconds, to_json, Reason, Results, Source,
};

struct Target(PathBuf);

impl Target {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("membench-collect-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn write(&self, path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// criterion's files for `id`, samples averaging `ns` per iteration.
    fn estimate(&self, id: &str, ns: f64) -> PathBuf {
        let dir = self
            .0
            .join("criterion")
            .join(id.replace(['/', '+', '@'], "_"))
            .join("new");
        self.write(
            &dir.join("benchmark.json"),
            &serde_json::json!({ "full_id": id }).to_string(),
        );
        let stat = |v: f64| {
            serde_json::json!({
                "point_estimate": v,
                "standard_error": 1.0,
                "confidence_interval": {
                    "confidence_level": 0.95, "lower_bound": v * 0.9, "upper_bound": v * 1.1
                }
            })
        };
        self.write(
            &dir.join("estimates.json"),
            &serde_json::json!({ "mean": stat(ns), "slope": stat(ns), "median": stat(ns) })
                .to_string(),
        );
        self.write(
            &dir.join("sample.json"),
            &serde_json::json!({
                "sampling_mode": "Linear",
                "iters": [1.0, 2.0, 3.0],
                "times": [ns, 2.0 * ns, 3.0 * ns]
            })
            .to_string(),
        );
        dir.join("estimates.json")
    }

    fn record(&self, key: &CaseKey, run: &RunStamp) -> PathBuf {
        let path = self.0.join("membench/cases").join(file_name(&key.id()));
        self.write(
            &path,
            &serde_json::to_string(&record(key, run, 1 << 20)).unwrap(),
        );
        path
    }

    fn failure(&self, key: &CaseKey, run: Option<&RunStamp>, kind: FailureKind) {
        let failure = Failure {
            id: key.id(),
            cause: "it broke".into(),
            kind,
            key: Some(key.clone()),
            run: run.cloned(),
        };
        self.write(
            &self.0.join("membench/failures").join(file_name(&key.id())),
            &serde_json::to_string(&failure).unwrap(),
        );
    }

    fn collect(&self, run: Option<&str>) -> Results {
        collect_run(
            &self.0,
            &self.0.join("fragmentation.json"),
            &self.0.join("verify.json"),
            run,
        )
        .unwrap()
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn set_mtime(path: &Path, secs: u64) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
        .unwrap();
}

fn seq_read(runtime: &str) -> CaseKey {
    contiguous("seq-read-i64", runtime, GuestBuild::Scalar)
}

#[test]
fn only_the_run_started_last_is_collected_and_the_rest_is_listed() {
    let t = Target::new("runs");
    let new = stamp("run-new", "2020-01-01T06:00:00Z");
    let old = stamp("run-old", "2020-01-01T05:00:00Z");
    // This run: a measured case and a failed one.
    t.record(&seq_read("wasmtime-cranelift"), &new);
    t.estimate(&seq_read("wasmtime-cranelift").id(), 200.0);
    t.failure(
        &seq_read("wasmi-interpreter"),
        Some(&new),
        FailureKind::Failed,
    );
    // An hour earlier, another run measured a 256 MiB case: its record and estimate are still there.
    let mut big = seq_read("wasmtime-cranelift");
    big.size_bytes = 256 << 20;
    big.ran_bytes = big.size_bytes;
    t.record(&big, &old);
    t.estimate(&big.id(), 9000.0);
    // And a failure of the old run, one without a stamp, and an estimate nothing names.
    t.failure(
        &seq_read("wasmer-cranelift"),
        Some(&old),
        FailureKind::Failed,
    );
    t.failure(&seq_read("wasmer-singlepass"), None, FailureKind::Failed);
    t.estimate("contiguous/orphan/1MiB/x/y", 1.0);

    let results = t.collect(None);
    assert_eq!(results.run_id.as_deref(), Some("run-new"));
    let ids: Vec<&str> = results.rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            seq_read("wasmi-interpreter").id(),
            seq_read("wasmtime-cranelift").id()
        ]
    );
    let measured = results
        .rows
        .iter()
        .find(|r| r.id == seq_read("wasmtime-cranelift").id())
        .unwrap();
    assert_eq!(measured.estimate.unwrap().point_ns, 200.0);
    // The samples are kept, for the bootstrap.
    assert_eq!(
        measured.samples.as_ref().unwrap().per_iteration_ns(),
        [200.0, 200.0, 200.0]
    );
    assert_eq!(measured.key.as_ref(), Some(&seq_read("wasmtime-cranelift")));
    let failed = results
        .rows
        .iter()
        .find(|r| r.id == seq_read("wasmi-interpreter").id())
        .unwrap();
    assert_eq!(failed.failure.as_ref().unwrap().kind, FailureKind::Failed);
    assert_eq!(failed.key.as_ref(), Some(&seq_read("wasmi-interpreter")));

    let left: Vec<(&str, Source, Reason)> = results
        .left_out
        .iter()
        .map(|l| (l.id.as_str(), l.source, l.reason))
        .collect();
    let big_id = big.id();
    assert!(
        left.contains(&(big_id.as_str(), Source::Record, Reason::OtherRun)),
        "{left:?}"
    );
    assert!(
        left.contains(&(big_id.as_str(), Source::Estimate, Reason::OtherRun)),
        "{left:?}"
    );
    let old_failure = seq_read("wasmer-cranelift").id();
    assert!(
        left.contains(&(old_failure.as_str(), Source::Failure, Reason::OtherRun)),
        "{left:?}"
    );
    let unstamped = seq_read("wasmer-singlepass").id();
    assert!(
        left.contains(&(unstamped.as_str(), Source::Failure, Reason::NoRunStamp)),
        "{left:?}"
    );
    assert!(left.contains(&(
        "contiguous/orphan/1MiB/x/y",
        Source::Estimate,
        Reason::NoRecord
    )));
    assert_eq!(left.len(), 5, "{left:?}");
    let other = results
        .left_out
        .iter()
        .find(|l| l.source == Source::Record)
        .unwrap();
    assert!(other.detail.contains("run-old"), "{}", other.detail);
    assert!(results
        .left_out_summary()
        .contains(&"left out 1 case record(s): another run".to_string()));

    // The earlier run, asked for by id, gets its own case and none of the later run's.
    let results = t.collect(Some("run-old"));
    let ids: Vec<&str> = results.rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, [old_failure.as_str(), big_id.as_str()]);
}

#[test]
fn equal_start_times_are_decided_by_the_later_file() {
    let t = Target::new("tie");
    let a = stamp("run-a", "2020-01-01T06:00:00Z");
    let b = stamp("run-b", "2020-01-01T06:00:00Z");
    let pa = t.record(&seq_read("wasmtime-cranelift"), &a);
    let pb = t.record(&seq_read("wasmtime-winch"), &b);
    set_mtime(&pa, 2_000_000_000);
    set_mtime(&pb, 1_900_000_000);
    assert_eq!(t.collect(None).run_id.as_deref(), Some("run-a"));
    set_mtime(&pb, 2_100_000_000);
    assert_eq!(t.collect(None).run_id.as_deref(), Some("run-b"));
}

#[test]
fn an_estimate_older_than_the_run_is_not_the_runs() {
    // A `--test` run writes records but no estimates: the estimate on disk is an earlier run's.
    let t = Target::new("stale");
    let run = stamp("run-test", "2020-01-01T06:00:00Z");
    t.record(&seq_read("wasmtime-cranelift"), &run);
    let est = t.estimate(&seq_read("wasmtime-cranelift").id(), 200.0);
    set_mtime(
        &est,
        rfc3339_seconds("2020-01-01T05:00:00Z").unwrap() as u64,
    );
    let results = t.collect(None);
    assert_eq!(results.rows.len(), 1);
    assert_eq!(results.rows[0].estimate, None);
    assert_eq!(results.rows[0].samples, None);
    assert_eq!(results.left_out.len(), 1);
    assert_eq!(results.left_out[0].reason, Reason::EstimateOlderThanRun);
    assert_eq!(results.left_out[0].source, Source::Estimate);
}

#[test]
fn results_round_trip_through_their_json_with_samples_on_one_line() {
    let t = Target::new("json");
    let run = stamp("run-json", "2020-01-01T06:00:00Z");
    t.record(&seq_read("wasmtime-cranelift"), &run);
    t.estimate(&seq_read("wasmtime-cranelift").id(), 200.0);
    let results = collect(
        &t.0,
        &t.0.join("fragmentation.json"),
        &t.0.join("verify.json"),
    )
    .unwrap();
    let text = to_json(&results).unwrap();
    assert!(text.contains("\"times\": [200.0, 400.0, 600.0]"), "{text}");
    let back: Results = serde_json::from_str(&text).unwrap();
    assert_eq!(back, results);
}

#[test]
fn measure_and_verify_outputs_are_read_with_their_run_stamps_when_present() {
    let t = Target::new("stamps");
    let run = stamp("run-b", "2020-01-01T06:00:00Z");
    t.record(&seq_read("wasmtime-cranelift"), &run);
    // Today's verify output: a list of verdicts, no stamp.
    t.write(&t.0.join("verify.json"), "[]");
    let results = t.collect(None);
    assert_eq!(results.verify_run, None);
    // A later shape: an object with the stamp and the verdicts.
    let verify_run = stamp("verify-1", "2020-01-02T00:00:00Z");
    t.write(
        &t.0.join("verify.json"),
        &serde_json::json!({
            "run": verify_run,
            "verdicts": [{ "runtime": "wasmi-interpreter", "strategy": "default", "checks": [] }]
        })
        .to_string(),
    );
    let (verdicts, stamp_read) = read_verify(&t.0.join("verify.json")).unwrap();
    assert_eq!(verdicts.len(), 1);
    assert_eq!(stamp_read, Some(verify_run.clone()));
    // measure's output, with a stamp on top and its environment beside the records.
    let frag_run = stamp("measure-1", "2020-01-02T01:00:00Z");
    t.write(
        &t.0.join("fragmentation.json"),
        &serde_json::json!({
            "methods": {},
            "run": frag_run,
            "records": []
        })
        .to_string(),
    );
    let results = t.collect(None);
    assert_eq!(results.verify_run, Some(verify_run));
    assert_eq!(results.fragmentation_run, Some(frag_run));
}

#[test]
fn rfc3339_times_are_read_as_seconds() {
    assert_eq!(rfc3339_seconds("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(rfc3339_seconds("2000-03-01T00:00:01Z"), Some(951_868_801));
    assert_eq!(rfc3339_seconds("unknown"), None);
}
