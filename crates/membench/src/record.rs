//! Where records go and how they are written, and the error that says a case has no figure; the
//! record types themselves are the schema's ([`membench_data::record`]), re-exported here so
//! measuring code names one path.

use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

pub use membench_data::record::*;

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

/// An error meaning "no figure, and rightly so": carried in an `anyhow::Error` so callers can tell
/// it from a failure with [`NotMeasured::of`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct NotMeasured {
    /// Why there is no figure.
    pub kind: FailureKind,
    /// What was found.
    pub message: String,
}

impl NotMeasured {
    /// The engine refuses what the case needs.
    pub fn unsupported(message: String) -> Self {
        Self {
            kind: FailureKind::Unsupported,
            message,
        }
    }

    /// The crate binding the engine cannot ask for what the case needs; `message` names the
    /// crate, its version and what it lacks.
    pub fn binding(message: String) -> Self {
        Self {
            kind: FailureKind::Binding,
            message,
        }
    }

    /// Measuring would be wrong, for a reason worth publishing.
    pub fn finding(message: String) -> Self {
        Self {
            kind: FailureKind::Finding,
            message,
        }
    }

    /// The engine is not on this machine; `message` says how to install it.
    pub fn not_installed(message: String) -> Self {
        Self {
            kind: FailureKind::NotInstalled,
            message,
        }
    }

    /// The kind of failure `err` is: the [`NotMeasured`] kind in its chain, else `Failed`.
    pub fn of(err: &anyhow::Error) -> FailureKind {
        err.chain()
            .find_map(|e| e.downcast_ref::<NotMeasured>())
            .map_or(FailureKind::Failed, |n| n.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::CaseKey;

    #[test]
    fn records_round_trip_through_an_atomic_write() {
        let dir = std::env::temp_dir().join(format!("membench-record-{}", std::process::id()));
        let key = CaseKey {
            family: crate::case::Family::Grow,
            pattern: "grow-1".parse().unwrap(),
            size_bytes: 4096 << 16,
            runtime: "wasmi-interpreter".into(),
            strategy: crate::case::StrategyKey {
                slug: "default".into(),
                knobs: "default".into(),
                default: true,
            },
            variant: "defined-max".parse().unwrap(),
            build: crate::case::GuestBuild::Scalar,
            ran_bytes: 4096 << 16,
        };
        let record = CaseRecord {
            id: key.id(),
            key,
            run: RunStamp::current().clone(),
            timed: "one guest call".into(),
            initial_pages: 1,
            maximum_pages: Some(4096),
            per: "grow".into(),
            bytes_per_iteration: 65536,
            grows: Some(4095),
            capped_at_pages: None,
            first_touch: None,
            footprint: Some(crate::grow::Footprint {
                reserved_virtual_bytes: 1 << 20,
                reserved_basis: crate::procfs::ReservedBasis::Mappings,
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
