//! The commands over runs and over a user's module, run as a user runs them: `membench compare`
//! exits 1 on a planted regression in a copy of the committed reference run and 0 on the run
//! against itself; `membench spread` reports the move it was given; `membench bench --wasm` times
//! the example module's loop on the runtimes and prints a table with intervals.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use membench_report::Results;

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("membench-runs-{}-{test}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn membench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_membench"))
        .args(args)
        .current_dir(workspace())
        .output()
        .expect("membench starts")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The committed reference run (the one machine folder under reports/ with a results.json).
fn reference() -> (PathBuf, Results) {
    let reports = workspace().join("reports");
    let path = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().path().join("results.json"))
        .find(|p| p.is_file())
        .expect("a committed run under reports/<machine>/");
    let results = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    (path, results)
}

fn write(path: &Path, results: &Results) {
    std::fs::write(path, serde_json::to_string(results).unwrap()).unwrap();
}

/// The first measured grow case with samples, and its index.
fn measured_case(results: &Results) -> usize {
    results
        .rows
        .iter()
        .position(|r| r.id.starts_with("grow/grow1-at/") && r.per_iteration_ns().is_some())
        .expect("the reference run has measured grow cases")
}

/// Multiplies every sample time (and the estimate) of row `i` by `factor`.
fn scale(results: &mut Results, i: usize, factor: f64) {
    let row = &mut results.rows[i];
    for t in &mut row.samples.as_mut().unwrap().times {
        *t *= factor;
    }
    let e = row.estimate.as_mut().unwrap();
    e.point_ns *= factor;
    e.lower_ns *= factor;
    e.upper_ns *= factor;
}

#[test]
fn compare_exits_non_zero_on_a_planted_regression_and_names_it() {
    let dir = scratch("compare");
    let (a_path, a) = reference();
    let mut b = a.clone();
    let i = measured_case(&b);
    scale(&mut b, i, 1.5);
    let b_path = dir.join("b.json");
    write(&b_path, &b);
    let (a_arg, b_arg) = (a_path.display().to_string(), b_path.display().to_string());

    let out = membench(&["compare", &a_arg, &b_arg, "--threshold", "10"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let id = &a.rows[i].id;
    let line = stdout
        .lines()
        .find(|l| l.starts_with(id.as_str()))
        .unwrap_or_else(|| panic!("no line for {id}:\n{stdout}"));
    assert!(line.contains("1.50×") && line.ends_with("slower"), "{line}");
    assert!(
        stdout.contains("1 cases are slower in B by more than 10%"),
        "{stdout}"
    );
    // Every other case is the same samples: no difference, and counted so.
    let measured = a
        .rows
        .iter()
        .filter(|r| r.per_iteration_ns().is_some())
        .count();
    assert!(
        stdout.contains(&format!(
            "0 faster in B, 1 slower, {} no different",
            measured - 1
        )),
        "{stdout}"
    );

    // Past the planted regression's size the threshold lets it pass.
    let out = membench(&["compare", &a_arg, &b_arg, "--threshold", "60"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A run against itself: nothing differs.
    let out = membench(&["compare", &a_arg, &a_arg, "--changed"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("0 faster in B, 0 slower"), "{stdout}");
    // A threshold out of range is refused before anything runs.
    let out = membench(&["compare", &a_arg, &a_arg, "--threshold", "-5"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn spread_reports_how_far_a_case_moved_and_stores_it_for_the_report() {
    let dir = scratch("spread");
    let (_, a) = reference();
    let mut b = a.clone();
    let i = measured_case(&b);
    scale(&mut b, i, 2.0);
    let (pa, pb) = (dir.join("a.json"), dir.join("b.json"));
    write(&pa, &a);
    write(&pb, &b);
    let (sa, sb) = (pa.display().to_string(), pb.display().to_string());
    let out = membench(&["spread", &sa, &sb, "--into", &sa]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let grow = stdout
        .lines()
        .find(|l| l.starts_with("grow "))
        .unwrap_or_else(|| panic!("no grow line:\n{stdout}"));
    // The doubled case moved 100 % and is named; the rest did not move.
    assert!(
        grow.contains("100.0%") && grow.contains(&a.rows[i].id),
        "{grow}"
    );
    let stored: Results = serde_json::from_str(&std::fs::read_to_string(&pa).unwrap()).unwrap();
    let spread = stored.spread.expect("stored in --into");
    let g = spread.families.iter().find(|f| f.family == "grow").unwrap();
    assert!((g.max_between - 1.0).abs() < 1e-9 && g.median_between == 0.0);
    assert_eq!(g.disjoint, 1);
    // One run is not a spread.
    assert_eq!(membench(&["spread", &sa]).status.code(), Some(2));
}

#[test]
fn bench_times_a_wat_loop_on_each_runtime_with_intervals() {
    let dir = scratch("bench");
    let module = workspace().join("guest-modules/examples/sum.wat");
    let out_dir = dir.display().to_string();
    let out = membench(&[
        "bench",
        "--wasm",
        &module.display().to_string(),
        "--export",
        "sum",
        "--args",
        "65536",
        "--setup",
        "fill",
        "--runtime",
        "^(wasmtime-cranelift|wasmi-interpreter)$",
        "--out",
        &out_dir,
        "--chart",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Each runtime × memory variant has a line with a time and its interval.
    for runtime in ["wasmtime-cranelift", "wasmi-interpreter"] {
        for variant in ["as-declared", "defined-nomax", "imported-max4g"] {
            let line = stdout
                .lines()
                .find(|l| l.starts_with(runtime) && l.contains(variant))
                .unwrap_or_else(|| panic!("no {runtime} {variant} line:\n{stdout}"));
            assert!(line.contains(" [") && line.contains(" – "), "{line}");
        }
    }
    // The interpreter is slower than the compiler on the same loop, by the report's verdict.
    let wasmi = stdout
        .lines()
        .find(|l| l.starts_with("wasmi-interpreter"))
        .unwrap();
    assert!(wasmi.ends_with("slower"), "{wasmi}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("bench.json")).unwrap()).unwrap();
    assert_eq!(json["cases"].as_array().unwrap().len(), 10);
    assert!(dir.join("sum_wat-sum.svg").is_file());
    assert!(dir.join("criterion/report/index.html").is_file());

    // An export that does not exist is refused before anything runs.
    let out = membench(&[
        "bench",
        "--wasm",
        &module.display().to_string(),
        "--export",
        "nope",
        "--out",
        &out_dir,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
}
