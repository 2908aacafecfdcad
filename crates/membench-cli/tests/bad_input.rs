//! Bad input gets a clear error, and the exit code tells: a `--wasm` module that cannot be read,
//! parsed, or does not follow the guest ABI is refused once, before any case runs, with everything
//! wrong named in one message, and `membench` exits 2; a number out of its range is a clap error
//! naming the range (exit 2); a run in which a case failed exits 1 after writing every record.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A directory of its own for each test (they run in parallel).
fn scratch(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("membench-bad-input-{}-{test}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn membench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_membench"))
        .args(args)
        .output()
        .expect("membench starts")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `measure --wasm <each module> --out <dir>/out.json`, asserting it was refused with exit code 2
/// before anything ran: no output file, no case measured. Returns stderr.
fn refused(dir: &Path, modules: &[&Path]) -> String {
    let out = dir.join("out.json");
    let mut args = vec!["measure".to_string()];
    for m in modules {
        args.extend(["--wasm".to_string(), m.display().to_string()]);
    }
    args.extend(["--out".to_string(), out.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = membench(&args);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        !out.exists(),
        "{} was written: a case ran\n{err}",
        out.display()
    );
    assert!(!err.contains("measured"), "a case ran:\n{err}");
    assert!(err.contains("refused before anything ran"), "{err}");
    err
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_missing_module_is_refused_naming_its_path() {
    let dir = scratch("missing");
    let missing = dir.join("nonexistent.wasm");
    let err = refused(&dir, &[&missing]);
    assert!(err.contains(&missing.display().to_string()), "{err}");
    assert!(err.contains("cannot read it"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn malformed_bytes_are_refused() {
    let dir = scratch("malformed");
    let junk = write(&dir, "junk.wasm", "this is not WebAssembly");
    let err = refused(&dir, &[&junk]);
    assert!(err.contains(&junk.display().to_string()), "{err}");
    assert!(err.contains("not valid WebAssembly"), "{err}");
    // Text that does not parse, given as `.wat`, likewise.
    let text = write(&dir, "broken.wat", "(module (func (export \"run\")");
    let err = refused(&dir, &[&text]);
    assert!(err.contains("cannot parse it as WebAssembly text"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_module_without_memory_is_refused_naming_it() {
    let dir = scratch("no-memory");
    let module = write(
        &dir,
        "no-memory.wat",
        r#"(module (func (export "run") (param i32 i32 i32) (result i64) i64.const 0))"#,
    );
    let err = refused(&dir, &[&module]);
    assert!(err.contains("no exported memory `memory`"), "{err}");
    assert!(!err.contains("`run`"), "`run` is fine:\n{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_problem_of_every_module_is_named_in_one_message() {
    let dir = scratch("everything");
    let wrong = write(
        &dir,
        "wrong.wat",
        r#"(module (func (export "run") (param i32) (result i32) i32.const 0))"#,
    );
    let err = refused(&dir, &[&wrong]);
    assert!(err.contains("no exported memory `memory`"), "{err}");
    assert!(
        err.contains(
            "export `run` has type (i32) -> i32, expected `run` with type (i32, i32, i32) -> i64"
        ),
        "{err}"
    );
    // A module that would run is not run while another is refused; every bad one is named.
    let fine = write(
        &dir,
        "fine.wat",
        r#"(module (memory (export "memory") 1)
             (func (export "run") (param i32 i32 i32) (result i64) i64.const 1))"#,
    );
    let missing = dir.join("missing.wasm");
    let err = refused(&dir, &[&fine, &wrong, &missing]);
    assert_eq!(
        err.matches("refused before anything ran").count(),
        1,
        "{err}"
    );
    assert!(err.contains(&wrong.display().to_string()), "{err}");
    assert!(err.contains(&missing.display().to_string()), "{err}");
    assert!(!err.contains(&fine.display().to_string()), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn optional_exports_and_imports_are_checked_too() {
    let dir = scratch("optional");
    // `live_bytes` as the README once wrote it, `() -> i64`, would silently read as absent; an
    // import the host does not provide would fail every instantiation.
    let module = write(
        &dir,
        "imports.wat",
        r#"(module (import "env" "log" (func (param i32)))
             (import "host" "mem" (memory 1)) (export "memory" (memory 0))
             (func (export "run") (param i32 i32 i32) (result i64) i64.const 1)
             (func (export "live_bytes") (result i64) i64.const 0))"#,
    );
    let err = refused(&dir, &[&module]);
    for expected in [
        "imports function `env.log`",
        "imports its memory as `host.mem`",
        "export `live_bytes` has type () -> i64",
    ] {
        assert!(err.contains(expected), "{expected}:\n{err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Each numeric flag out of its range: clap's error names the range, and the exit code is 2.
/// (`--runtime` selects nothing, so that on a build without the ranges each command ends at once
/// with exit code 0 instead of running.)
#[test]
fn numbers_out_of_range_are_refused_naming_the_range() {
    let none = "^no-such-runtime$";
    let cases: [(&[&str], &str); 8] = [
        (&["verify", "--touch-mib", "5000"], "1..=4095"),
        (&["verify", "--touch-mib", "0"], "1..=4095"),
        (&["verify", "--cycles", "0"], "1..=10000"),
        (
            &["measure", "--wasm", "x.wat", "--deadline", "0"],
            "1..=3600",
        ),
        (
            &["measure", "--wasm", "x.wat", "--fuel", "0"],
            "1..=10000000000000",
        ),
        (
            &["measure", "--wasm", "x.wat", "--scale", "2147483648"],
            "0..=2147483647",
        ),
        (
            &["measure", "--wasm", "x.wat", "--workload=-1"],
            "0..=2147483647",
        ),
        (
            &["measure", "--wasm", "x.wat", "--workload", "4294967296"],
            "0..=2147483647",
        ),
    ];
    for (args, range) in cases {
        let mut args = args.to_vec();
        args.extend(["--runtime", none]);
        let output = membench(&args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(range), "{args:?}: {err}");
    }
}

#[test]
fn flags_for_wasm_modules_without_one_and_a_runtime_pattern_matching_nothing_are_refused() {
    let dir = scratch("flags");
    let out = dir.join("out.json");
    let out = out.to_str().unwrap();
    // `--scale` means nothing to the built-in guests: it used to be ignored.
    let output = membench(&["measure", "--scale", "4", "--runtime", "^x$", "--out", out]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("--wasm"), "{err}");
    // A typo in `--runtime` used to run nothing and succeed.
    for args in [
        &["measure", "--runtime", "wasmtim-cranelift", "--out", out][..],
        &["verify", "--runtime", "wasmtim-cranelift"],
        &["spec", "--runtime", "wasmtim-cranelift"],
    ] {
        let output = membench(args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("matches none of the runtime ids"), "{err}");
    }
    assert!(!Path::new(out).exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_run_with_a_failed_case_exits_1_and_keeps_every_record() {
    let dir = scratch("trap");
    let traps = write(
        &dir,
        "traps.wat",
        r#"(module (memory (export "memory") 1)
             (func (export "run") (param i32 i32 i32) (result i64) unreachable))"#,
    );
    let fine = write(
        &dir,
        "fine.wat",
        r#"(module (memory (export "memory") 2)
             (func (export "run") (param i32 i32 i32) (result i64) i64.const 1))"#,
    );
    let (out, csv) = (dir.join("out.json"), dir.join("out.csv"));
    let output = Command::new(env!("CARGO_BIN_EXE_membench"))
        .arg("measure")
        .arg("--wasm")
        .arg(&traps)
        .arg("--wasm")
        .arg(&fine)
        .arg("--out")
        .arg(&out)
        .arg("--csv")
        .arg(&csv)
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("measured 12 cases (6 failed, 0 unsupported, not in our binding or findings, 0 on engines not installed)"),
        "{err}"
    );
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let records = value["records"].as_array().unwrap();
    assert_eq!(records.len(), 12, "{records:#?}");
    for r in records {
        if r["allocator"] == "traps.wat" {
            let failure = r["failure"].as_str().unwrap_or_else(|| panic!("{r:#}"));
            assert!(failure.contains("calling `run`"), "{failure}");
        } else {
            assert!(r["failure"].is_null(), "{r:#}");
        }
    }
    // The CSV is written too: a header and every record.
    let rows = std::fs::read_to_string(&csv).unwrap().lines().count();
    assert_eq!(rows, 13);
    std::fs::remove_dir_all(&dir).ok();
}

/// A collected run naming a pattern or variant this version does not know is refused (exit 2),
/// saying which name and where, and nothing is rendered: a typed key never lets an unknown name
/// through to become a case no chart finds.
#[test]
fn results_naming_an_unknown_pattern_or_variant_are_refused_naming_it() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../reports/amd-epyc-2c-l2-512k-l3-32768k/results.json");
    let text = std::fs::read_to_string(&committed).unwrap();
    for (from, to, words) in [
        (
            "\"pattern\": \"seq-read-i64\"",
            "\"pattern\": \"seq-read-i16\"",
            "`seq-read-i16` is no pattern this version knows",
        ),
        (
            "\"variant\": \"defined-max\"",
            "\"variant\": \"defined-maximum\"",
            "`defined-maximum` is no memory variant this version knows",
        ),
    ] {
        assert!(text.contains(from), "the committed run has {from}");
        let dir = scratch(&format!("unknown-{}", to.len()));
        let input = write(&dir, "results.json", &text.replacen(from, to, 1));
        let output = membench(&[
            "render",
            "--input",
            &input.display().to_string(),
            "--allow-mixed",
        ]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert!(err.contains(words) && err.contains("line"), "{err}");
        assert!(!dir.join("REPORT.md").exists(), "rendered anyway:\n{err}");
        std::fs::remove_dir_all(dir).ok();
    }
}
