//! What a result is: the identity of a case, stored next to criterion's own estimates so a report
//! can say exactly what ran (runtime, engine, strategy, pattern, sizes, limits, versions), and the
//! run it came from (commit, machine, the environment that can change a figure).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::case::CaseKey;

/// The identity of one measured case and the figures measured outside criterion; criterion stores
/// the timing itself under the same id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseRecord {
    /// The criterion id, formatted from `key` ([`CaseKey::id`]); never parsed back.
    pub id: String,
    /// What the case is.
    pub key: CaseKey,
    /// The run that measured it: a report collects only the cases of one run.
    pub run: RunStamp,
    /// What the timed region holds, in the runtime's API terms (e.g. "one guest call through a
    /// resolved export", "Store::new + InstancePre::instantiate").
    pub timed: String,
    /// The memory's declared `initial`, pages.
    pub initial_pages: u64,
    /// The memory's declared `maximum`, pages, if any.
    pub maximum_pages: Option<u64>,
    /// What one criterion iteration is: `call` (one guest call) or `grow` (one grow, averaged over
    /// the call's grows), `instantiate` (one instantiation).
    pub per: String,
    /// Bytes loaded/stored (contiguous) or gained (grow) per criterion iteration.
    pub bytes_per_iteration: u64,
    /// Grows one timed call made (grow family).
    pub grows: Option<u64>,
    /// When the strategy's cap shrank the case: the cap, pages. The case ran at `key.ran_bytes`.
    pub capped_at_pages: Option<u64>,
    /// What one fresh instance added to the process (virtual, resident, instantiate time).
    pub footprint: Option<crate::grow::Footprint>,
    /// For a first-touch case: whether the working set really was untouched before the timed call.
    pub first_touch: Option<FirstTouch>,
    /// Versions of the runtime crate, rustc and criterion.
    pub versions: Versions,
}

impl CaseRecord {
    /// A record for `key` in this process's run, with the figures every family has; the
    /// family-specific ones (`grows`, `footprint`, ...) start empty.
    pub fn new(
        key: CaseKey,
        timed: impl Into<String>,
        plan: crate::memory::MemoryPlan,
        per: &str,
        bytes_per_iteration: u64,
        runtime_version: &str,
    ) -> Self {
        Self {
            id: key.id(),
            key,
            run: RunStamp::current().clone(),
            timed: timed.into(),
            initial_pages: plan.initial,
            maximum_pages: plan.maximum,
            per: per.into(),
            bytes_per_iteration,
            grows: None,
            capped_at_pages: None,
            footprint: None,
            first_touch: None,
            versions: Versions::for_runtime(runtime_version),
        }
    }
}

/// What a first-touch case found about its working set before each timed call (read from
/// `/proc/<pid>/pagemap`, outside the timing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstTouch {
    /// The working set, bytes.
    pub working_set_bytes: u64,
    /// The most working-set bytes found already resident before a timed call, over every check.
    pub max_resident_before_bytes: u64,
    /// How many fresh instances were checked.
    pub checked: u64,
}

impl FirstTouch {
    /// True when every checked instance's working set was wholly non-resident: the timed call
    /// really paid the first touch.
    pub fn untouched(&self) -> bool {
        self.max_resident_before_bytes == 0
    }
}

/// The run a figure comes from, captured when it ran: its id, the commit, the time and the machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunStamp {
    /// Shared by every process of one invocation (the three bench binaries `cargo bench` starts):
    /// `MEMBENCH_RUN_ID` when set, else derived from the parent process (its pid and start time)
    /// and the boot.
    pub id: String,
    /// `git rev-parse --short=12 HEAD`, `+dirty` with uncommitted changes to tracked files.
    pub commit: String,
    /// When this process started measuring, UTC, RFC 3339.
    pub started: String,
    /// Where it ran.
    pub machine: Machine,
    /// The environment variables that can change what is measured ([`MEASURED_ENVIRONMENT`]),
    /// as this process saw them when the run started, and `RUST_LIB_BACKTRACE` as the
    /// measuring process set it ([`quiet_library_backtraces`]). Absent from older records.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
}

/// Names and name prefixes (ending in `_`) of the environment variables that change what a run
/// measures: backtrace capture (an error built with `RUST_BACKTRACE=1` captures a backtrace unless
/// `RUST_LIB_BACKTRACE=0`), the project's own switches, the engines' own variables and flags.
pub const MEASURED_ENVIRONMENT: [&str; 15] = [
    "RUST_BACKTRACE",
    "RUST_LIB_BACKTRACE",
    "RUSTFLAGS",
    "MEMBENCH_",
    "WASMTIME_",
    "WASMER_",
    "WASMI_",
    "JSC_",
    "BUN_",
    "NODE_OPTIONS",
    "DENO_V8_FLAGS",
    "MOZ_",
    "MALLOC_",
    "GLIBC_TUNABLES",
    "LD_PRELOAD",
];

/// The [`MEASURED_ENVIRONMENT`] variables set in this process, sorted by name.
pub fn measured_environment() -> BTreeMap<String, String> {
    std::env::vars()
        .filter(|(name, _)| {
            MEASURED_ENVIRONMENT.iter().any(|m| {
                if m.ends_with('_') {
                    name.starts_with(m)
                } else {
                    name == m
                }
            })
        })
        .collect()
}

/// Turns off the capture of library backtraces (`RUST_LIB_BACKTRACE=0`) in a process that
/// measures, before anything is timed. With `RUST_BACKTRACE=1` in the environment (set on the
/// machines this project runs on) every `anyhow` or `wasmtime` error captures a backtrace when it
/// is made, tens of microseconds: a refused grow timed with it measures the capture, not the
/// engine. Panics keep their backtraces (those follow `RUST_BACKTRACE` alone). The environment
/// as it was is recorded first ([`RunStamp::environment`]).
///
/// Call it first thing in `main`, before any thread starts: the standard library reads the
/// variable once, at the first capture, and setting it races with threads reading the
/// environment.
pub fn quiet_library_backtraces() {
    let _ = RunStamp::current();
    std::env::set_var("RUST_LIB_BACKTRACE", "0");
}

/// The machine a run measured on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// `model name` from `/proc/cpuinfo`.
    pub cpu: String,
    /// Logical CPUs available.
    pub cores: usize,
    /// Cache sizes of CPU 0 (`L1d 32K`, ...): virtual machines of different hosts report one model.
    pub caches: Vec<String>,
    /// `MemTotal`, bytes.
    pub memory_bytes: u64,
    /// The kernel release.
    pub kernel: String,
}

impl Machine {
    /// This machine, now.
    pub fn current() -> Self {
        let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
        let cpu = read("/proc/cpuinfo")
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| "unknown".into());
        let mut caches = Vec::new();
        for i in 0..8 {
            let dir = format!("/sys/devices/system/cpu/cpu0/cache/index{i}");
            let size = read(&format!("{dir}/size"));
            if size.trim().is_empty() {
                continue;
            }
            let kind = match read(&format!("{dir}/type")).trim() {
                "Data" => "d",
                "Instruction" => "i",
                _ => "",
            };
            let level = read(&format!("{dir}/level"));
            caches.push(format!("L{}{kind} {}", level.trim(), size.trim()));
        }
        let memory_bytes = read("/proc/meminfo")
            .lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024);
        Self {
            cpu,
            cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
            caches,
            memory_bytes,
            kernel: read("/proc/sys/kernel/osrelease").trim().to_string(),
        }
    }
}

impl Machine {
    /// The folder name of this machine's reports (`reports/<slug>/`): the CPU model, the logical
    /// cores and the cache sizes, lower-case, `-`-separated. The caches are in it because virtual
    /// machines on different hosts report the same model name (`Intel(R) Xeon(R) Processor`); the
    /// kernel and the memory size are not, as they change without changing what a case measures.
    pub fn slug(&self) -> String {
        let cpu = self
            .cpu
            .replace("(R)", "")
            .replace("(TM)", "")
            .replace("(tm)", "")
            .replace(" CPU", "");
        let mut parts: Vec<String> = vec![cpu, format!("{}c", self.cores)];
        // The unified caches (L2, L3) tell hosts apart; L1 sizes add length, rarely information.
        parts.extend(self.caches.iter().filter(|c| !c.starts_with("L1")).cloned());
        let mut slug = String::new();
        for c in parts.join(" ").chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.ends_with('-') && !slug.is_empty() {
                slug.push('-');
            }
        }
        slug.trim_end_matches('-').to_string()
    }
}

impl RunStamp {
    /// This process's run, captured once (the first call) and the same afterwards.
    pub fn current() -> &'static RunStamp {
        static STAMP: std::sync::OnceLock<RunStamp> = std::sync::OnceLock::new();
        STAMP.get_or_init(|| {
            let mut environment = measured_environment();
            environment
                .entry("RUST_LIB_BACKTRACE".into())
                .or_insert_with(|| "(unset; 0 in the measuring process)".into());
            RunStamp {
                id: run_id(),
                commit: commit(),
                started: now_utc(),
                machine: Machine::current(),
                environment,
            }
        })
    }
}

/// See [`RunStamp::id`].
fn run_id() -> String {
    if let Ok(id) = std::env::var("MEMBENCH_RUN_ID") {
        if !id.is_empty() {
            return id;
        }
    }
    // Field 22 of /proc/<pid>/stat is the start time in clock ticks since boot; the command name
    // (field 2) may hold spaces, so count from the closing parenthesis.
    let parent = std::os::unix::process::parent_id();
    let started = std::fs::read_to_string(format!("/proc/{parent}/stat"))
        .ok()
        .and_then(|s| {
            let rest = &s[s.rfind(')')? + 2..];
            rest.split_whitespace().nth(19).map(str::to_string)
        })
        .unwrap_or_default();
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap_or_default();
    let boot = boot.trim().split('-').next().unwrap_or("");
    format!("{boot}-{parent}-{started}")
}

fn command(cmd: &str, args: &[&str]) -> Option<String> {
    std::process::Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// The commit the working tree is at, `+dirty` when tracked files differ from it.
pub fn commit() -> String {
    let Some(mut commit) = command("git", &["rev-parse", "--short=12", "HEAD"]) else {
        return "unknown".into();
    };
    if command("git", &["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|s| !s.is_empty())
    {
        commit.push_str("+dirty");
    }
    commit
}

/// The time now, UTC, RFC 3339 to the second.
pub fn now_utc() -> String {
    command("date", &["-u", "+%Y-%m-%dT%H:%M:%SZ"]).unwrap_or_else(|| "unknown".into())
}

/// Versions of everything a figure depends on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versions {
    /// The runtime crate's version (or rustc's, for native).
    pub runtime: String,
    /// `rustc --version` (host and guests are built by the same toolchain).
    pub rustc: String,
    /// The criterion crate.
    pub criterion: String,
}

impl Versions {
    /// Versions for a runtime whose crate is at `runtime`.
    pub fn for_runtime(runtime: &str) -> Self {
        Self {
            runtime: runtime.to_string(),
            rustc: crate::versions::RUSTC.to_string(),
            criterion: crate::versions::CRITERION.to_string(),
        }
    }
}

/// A case that could not run, with its cause, so a report shows it as failed (or unsupported, or
/// a finding) rather than missing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The case id.
    pub id: String,
    /// The full error chain.
    pub cause: String,
    /// Failed, unsupported by the engine, or a finding.
    #[serde(default)]
    pub kind: FailureKind,
    /// The case's identity, when it was known.
    #[serde(default)]
    pub key: Option<CaseKey>,
    /// The run it belongs to.
    #[serde(default)]
    pub run: Option<RunStamp>,
}

/// Why a case has no figure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// Something went wrong: a bug, a trap, a runtime error. Counts as a failure of the run.
    #[default]
    Failed,
    /// The engine refuses what the case needs (e.g. `simd128` on wasmer-singlepass).
    Unsupported,
    /// The crate we drive the engine through cannot ask for what the case needs, though the
    /// engine may have it (wamrx binds no memory imports; WAMR has them): a gap in this
    /// benchmark, never published as the engine's refusal.
    Binding,
    /// Measuring it would publish a wrong figure, and why is itself a result (e.g. a runtime whose
    /// memory arrives already touched has no first-touch figure).
    Finding,
    /// The engine is not installed on this machine (an optional engine: node, deno, bun); the
    /// cause names the command that installs it.
    NotInstalled,
}

impl FailureKind {
    /// Whether the case cannot run here, and rightly so: the engine refuses it or our binding
    /// cannot ask for it. Callers that fall back to another configuration, or mark a check not
    /// applicable, treat both alike; the report tells them apart.
    pub fn cannot_run(self) -> bool {
        matches!(self, FailureKind::Unsupported | FailureKind::Binding)
    }
}

impl std::fmt::Display for FailureKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FailureKind::Failed => "failed",
            FailureKind::Unsupported => "unsupported",
            FailureKind::Binding => "not in our binding",
            FailureKind::Finding => "finding",
            FailureKind::NotInstalled => "not installed",
        })
    }
}

/// A file name for a case id (`/` becomes `__`).
pub fn file_name(id: &str) -> String {
    format!("{}.json", id.replace('/', "__"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_recorded_is_what_can_change_a_figure() {
        // A name of the project's own prefix is kept, with its value; others are not.
        std::env::set_var("MEMBENCH_RECORD_PROBE", "probe value");
        std::env::set_var("JSC_useWasmFastMemory", "0");
        let env = measured_environment();
        assert_eq!(
            env.get("MEMBENCH_RECORD_PROBE").map(String::as_str),
            Some("probe value")
        );
        assert_eq!(
            env.get("JSC_useWasmFastMemory").map(String::as_str),
            Some("0")
        );
        assert!(
            !env.contains_key("PATH") && !env.contains_key("HOME"),
            "{env:?}"
        );
        // An exact name is not a prefix.
        std::env::set_var("RUST_BACKTRACE_EXTRA", "1");
        assert!(!measured_environment().contains_key("RUST_BACKTRACE_EXTRA"));
    }

    fn machine(cpu: &str, l3: &str) -> Machine {
        Machine {
            cpu: cpu.into(),
            cores: 2,
            caches: vec![
                "L1d 48K".into(),
                "L1i 64K".into(),
                "L2 2048K".into(),
                l3.into(),
            ],
            memory_bytes: 24 << 30,
            kernel: "6.18.44".into(),
        }
    }

    #[test]
    fn machine_slugs_tell_hosts_of_one_cpu_model_apart_and_are_path_safe() {
        let a = machine("Intel(R) Xeon(R) Processor", "L3 491520K");
        assert_eq!(a.slug(), "intel-xeon-processor-2c-l2-2048k-l3-491520k");
        // The same model name on another host (another L3) is another folder.
        assert_ne!(
            a.slug(),
            machine("Intel(R) Xeon(R) Processor", "L3 16384K").slug()
        );
        // The kernel and the memory size do not move a run to another folder.
        let b = Machine {
            kernel: "6.1.0".into(),
            memory_bytes: 8 << 30,
            ..a.clone()
        };
        assert_eq!(a.slug(), b.slug());
        let amd = machine("AMD EPYC 7B13 64-Core Processor", "L3 32768K").slug();
        assert_eq!(amd, "amd-epyc-7b13-64-core-processor-2c-l2-2048k-l3-32768k");
        assert!(amd
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
    }
}
