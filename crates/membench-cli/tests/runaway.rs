//! A module given to `membench measure --wasm` that never returns is stopped on every runtime
//! (epoch deadline, metering, fuel), reported as a failed case naming the call, and the rest of
//! the run goes on: the well-behaved module given with it is measured on every runtime. The run
//! then exits 1, since cases failed.

use std::process::Command;
use std::time::{Duration, Instant};

const SPIN: &str = r#"(module (memory (export "memory") 1)
    (func (export "run") (param i32 i32 i32) (result i64) (loop (br 0)) (i64.const 0)))"#;
const FINISHES: &str = r#"(module (memory (export "memory") 2)
    (func (export "run") (param i32 i32 i32) (result i64) (i64.const 1)))"#;

#[test]
fn a_runaway_guest_fails_its_cases_and_the_run_goes_on() {
    let dir = std::env::temp_dir().join(format!("membench-runaway-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (spin, finishes, out) = (
        dir.join("spin.wat"),
        dir.join("finishes.wat"),
        dir.join("out.json"),
    );
    std::fs::write(&spin, SPIN).unwrap();
    std::fs::write(&finishes, FINISHES).unwrap();
    let start = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_membench"))
        .args([
            "measure",
            "--deadline",
            "1",
            "--fuel",
            "200000000",
            "--wasm",
        ])
        .arg(&spin)
        .arg("--wasm")
        .arg(&finishes)
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "{status}: cases failed");
    assert!(
        start.elapsed() < Duration::from_secs(120),
        "{:?}",
        start.elapsed()
    );
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let records = value["records"].as_array().unwrap();
    let runtimes = |allocator: &str| -> Vec<String> {
        records
            .iter()
            .filter(|r| r["allocator"] == allocator)
            .map(|r| r["runtime"].as_str().unwrap().to_string())
            .collect()
    };
    // Every wasm runtime-engine ran both modules.
    assert_eq!(runtimes("spin.wat").len(), 6, "{records:#?}");
    assert_eq!(runtimes("spin.wat"), runtimes("finishes.wat"));
    for r in records {
        if r["allocator"] == "spin.wat" {
            let failure = r["failure"].as_str().unwrap_or_else(|| panic!("{r:#}"));
            assert!(failure.contains("calling `run`"), "{failure}");
        } else {
            assert!(r["failure"].is_null(), "{r:#}");
            assert_eq!(r["figures"]["linear_bytes"], 2 * 65536, "{r:#}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
