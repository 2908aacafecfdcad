//! An interrupted run keeps every result already written, and its output file is never
//! half-written: `membench measure` is stopped with SIGINT (what Ctrl-C sends) part-way, while a
//! reader checks the file after every change it can see. (A `.json.tmp` beside it may hold a record
//! being written when the signal came; the output itself is only ever replaced by a rename.)

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The records in the output file, or `None` while it does not exist. Panics if the file is ever
/// not whole JSON: that is the property under test.
fn records(path: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not whole JSON ({e}): {text:.200}", path.display()));
    Some(value["records"].as_array().expect("a records array").len())
}

#[test]
fn sigint_keeps_every_record_already_written() {
    let dir = std::env::temp_dir().join(format!("membench-sigint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Interrupt once right after the first record and once well into the run.
    for after in [1, 25] {
        let out = dir.join(format!("after-{after}.json"));
        let mut command = Command::new(env!("CARGO_BIN_EXE_membench"));
        command
            .arg("measure")
            .arg("--out")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SIGINT at its default, whatever this test inherited: a shell runs a background job with
        // SIGINT ignored, and an ignored signal stays ignored across exec, so `membench` would
        // never see the interrupt under test.
        // SAFETY: `signal` is async-signal-safe, called in the child between fork and exec.
        unsafe {
            use std::os::unix::process::CommandExt;
            command.pre_exec(|| {
                libc::signal(libc::SIGINT, libc::SIG_DFL);
                Ok(())
            });
        }
        let mut child = command.spawn().expect("membench starts");
        let start = Instant::now();
        let seen = loop {
            match records(&out) {
                Some(n) if n >= after => break n,
                _ => {}
            }
            assert!(
                child.try_wait().unwrap().is_none(),
                "membench ended before {after} records were written"
            );
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "no records in 2 minutes"
            );
            std::thread::sleep(Duration::from_millis(2));
        };
        // SAFETY: sends a signal to our own child, which has not been reaped (try_wait said running).
        assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
        let status = child.wait().unwrap();
        assert_eq!(
            status.signal(),
            Some(libc::SIGINT),
            "membench finished ({status}) before the interrupt: the test did not interrupt it"
        );
        let kept = records(&out).expect("the output survives the interrupt");
        assert!(
            kept >= seen,
            "{kept} records kept, {seen} were written before SIGINT"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
