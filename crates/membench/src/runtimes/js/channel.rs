//! How requests reach the host program and its answers come back ([`Channel`]), and the pipe to
//! an engine that runs it as a script ([`Pipe`]: node, deno, bun); a browser's page answers over
//! a WebSocket instead (`browser.rs`).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use anyhow::{Context, Result};

use super::launcher::{PipeLauncher, Switch};

/// How requests reach the host program and its answers come back: one line each way.
pub(crate) trait Channel: Send {
    /// Sends one request line (without its newline).
    fn send_line(&mut self, line: &str) -> Result<()>;
    /// The next answer line, or `None` when the engine closed its end.
    fn read_line(&mut self) -> Result<Option<String>>;
    /// How the engine ended, with the end of what it printed, for errors.
    fn exit_note(&mut self) -> String;
    /// The processes the engine started (none for a pipe's: its process is the engine).
    fn processes(&self) -> Vec<u32> {
        Vec::new()
    }
}

/// The pipe to an engine that runs the host program as a script (node, deno, bun).
pub(crate) struct Pipe {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// Where the engine's stderr goes (read back when it fails).
    stderr_path: PathBuf,
}

impl Channel for Pipe {
    fn send_line(&mut self, line: &str) -> Result<()> {
        self.stdin.write_all(line.as_bytes())?;
        self.stdin.write_all(b"\n")?;
        self.stdin.flush()?;
        Ok(())
    }

    fn read_line(&mut self) -> Result<Option<String>> {
        let mut line = String::new();
        let n = self.stdout.read_line(&mut line)?;
        Ok((n > 0).then_some(line))
    }

    fn exit_note(&mut self) -> String {
        let status = match self.child.try_wait() {
            Ok(Some(status)) => format!("the engine exited: {status}"),
            _ => "the engine is still running".to_string(),
        };
        let mut stderr = String::new();
        if let Ok(mut f) = std::fs::File::open(&self.stderr_path) {
            let _ = f.read_to_string(&mut stderr);
        }
        let tail: String = stderr.lines().rev().take(5).collect::<Vec<_>>().join(" | ");
        if tail.is_empty() {
            status
        } else {
            format!("{status}; stderr: {tail}")
        }
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        // Closing stdin ends the host program; killing makes sure, and `wait` reaps it: no engine
        // outlives the runtime that started it.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.stderr_path);
    }
}

/// Starts node, deno or bun on the host program with `switch`, on a pipe.
pub(crate) fn spawn_pipe(
    engine: &dyn PipeLauncher,
    switch: &Switch,
    script: &Path,
) -> Result<Pipe> {
    let program = engine.locate()?.remove(0);
    let mut command = Command::new(&program);
    engine.command(&mut command, switch, script);
    command.envs(switch.env.iter().copied());
    let stderr_path = std::env::temp_dir().join(format!(
        "membench-{}-{}-{}.stderr",
        engine.name(),
        std::process::id(),
        switch.slug
    ));
    let stderr = std::fs::File::create(&stderr_path)
        .with_context(|| format!("creating {}", stderr_path.display()))?;
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr);
    // SAFETY: prctl in the child between fork and exec, async-signal-safe: the engine is
    // killed if this process dies, so an interrupted run leaves no engine behind.
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command
        .spawn()
        .with_context(|| format!("starting {}", program.display()))?;
    let stdin = child.stdin.take().context("the engine's stdin")?;
    let stdout = BufReader::new(child.stdout.take().context("the engine's stdout")?);
    Ok(Pipe {
        child,
        stdin,
        stdout,
        stderr_path,
    })
}
