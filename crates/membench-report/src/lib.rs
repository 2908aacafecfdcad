//! The report: reads what the benches stored (criterion's estimates and samples, membench's case
//! records) for one run and draws it. It never times anything and never invents a missing value: a
//! case without an estimate is shown as missing, a failed one with its cause, an unsupported one
//! or a finding as such. Every comparison it states goes through one verdict function,
//! [`stats::compare`].

pub mod charts;
pub mod collect;
pub mod render;
pub mod runs;
pub mod stats;

pub use collect::{check_reference, collect, collect_run, with_verify, write_results, Results};
pub use render::render_machines;
pub use render::{render, render_with};
pub use stats::{compare, Comparison, Verdict};
