//! The report: reads what the benches stored (criterion's estimates, membench's case records) and
//! draws it. It never times anything and never invents a missing value: a case without an
//! estimate is shown as missing, a failed one with its cause.

pub mod charts;
pub mod collect;
pub mod render;
pub mod stats;

pub use collect::{collect, with_verify, Results};
pub use render::render;
pub use stats::{compare, Comparison, Verdict};
