//! What a result is: the identity of a case, stored next to criterion's own estimates so a report
//! can say exactly what ran (runtime, engine, strategy, pattern, sizes, limits, versions).

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// The identity of one measured case and the figures measured outside criterion; criterion stores
/// the timing itself under the same id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseRecord {
    /// The criterion id, `<family>/<pattern>/<size>/<runtime>-<engine>/<variant>[@<strategy>]`.
    pub id: String,
    /// `contiguous`, `grow`, `instantiate`.
    pub family: String,
    /// `<runtime>-<engine>`, e.g. `wasmtime-cranelift`.
    pub runtime: String,
    /// The host memory strategy, named as the runtime's API names it.
    pub strategy: String,
    /// `seq-read-i64`, `first-touch-seq-write-i64`, `grow-1`, ...
    pub pattern: String,
    /// The size parameter as in the id: working set bytes (contiguous) or pages × 65536 (grow).
    pub size_bytes: u64,
    /// `defined-max`, ..., or `host-buffer` for native.
    pub memory_variant: String,
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
    /// When the strategy's cap shrank the case: the cap, pages. The case ran at `ran_pages`.
    pub capped_at_pages: Option<u64>,
    /// The size the case really ran at, pages (differs from the id's when capped).
    pub ran_pages: Option<u64>,
    /// What one fresh instance added to the process (virtual, resident, instantiate time).
    pub footprint: Option<crate::grow::Footprint>,
    /// Versions of the runtime crate, rustc and criterion.
    pub versions: Versions,
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

/// Writes `value` as pretty JSON to `path` atomically (temp file in the same directory, then
/// rename), so a reader never sees a half-written file, even if the run is killed.
pub fn write_json_atomic<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = path.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(value).context("serialising a record")?;
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))
}

/// Where case records and failures go: `$CARGO_TARGET_DIR/membench` (default `target/membench`),
/// beside criterion's `target/criterion`.
pub fn results_dir() -> std::path::PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into());
    Path::new(&target).join("membench")
}

/// The message of a caught panic, so a case that panicked inside a runtime is recorded with its
/// cause rather than as "a panic".
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// A case that could not run, with its cause, so a report shows it as failed rather than missing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The case id.
    pub id: String,
    /// The full error chain.
    pub cause: String,
}

/// A file name for a case id (`/` becomes `__`).
pub fn file_name(id: &str) -> String {
    format!("{}.json", id.replace('/', "__"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_through_an_atomic_write() {
        let dir = std::env::temp_dir().join(format!("membench-record-{}", std::process::id()));
        let record = CaseRecord {
            id: "grow/grow-1/4096/wasmi-interpreter/defined-max".into(),
            family: "grow".into(),
            runtime: "wasmi-interpreter".into(),
            strategy: "default".into(),
            pattern: "grow-1".into(),
            size_bytes: 4096 << 16,
            memory_variant: "defined-max".into(),
            initial_pages: 1,
            maximum_pages: Some(4096),
            per: "grow".into(),
            bytes_per_iteration: 65536,
            grows: Some(4095),
            capped_at_pages: None,
            ran_pages: Some(4096),
            footprint: Some(crate::grow::Footprint {
                reserved_virtual_bytes: 1 << 20,
                resident_bytes: 0,
                instantiate_ns: 1000,
            }),
            versions: Versions::for_runtime(crate::versions::WASMI),
        };
        let path = dir.join(file_name(&record.id));
        write_json_atomic(&path, &record).unwrap();
        let back: CaseRecord =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(back, record);
        assert!(!path.with_extension("json.tmp").exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
