//! How far repeated runs of the same cases on one machine moved, as a collected run stores it
//! (`membench spread --into`) and its report shows beside criterion's intervals.

use serde::{Deserialize, Serialize};

use crate::record::RunStamp;

/// How far one family's point estimates moved between repeated runs of the same cases on one
/// machine, against criterion's own interval within each run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FamilySpread {
    /// The family (`contiguous`, `grow`, ...).
    pub family: String,
    /// Cases measured in every run.
    pub cases: usize,
    /// Median over cases of max ÷ min of the runs' point estimates, minus 1 (0.05 = 5 %).
    pub median_between: f64,
    /// The largest such move, and its case.
    pub max_between: f64,
    /// The case that moved most.
    pub max_case: String,
    /// Median over cases and runs of criterion's interval half-width ÷ its point estimate.
    pub median_within: f64,
    /// Cases whose runs' criterion intervals do not all overlap: criterion in one run would have
    /// called another run's figure out of its interval.
    pub disjoint: usize,
}

/// Between-run spread of repeated runs (`membench_report::runs::spread` computes it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// The runs compared, in the order given.
    pub runs: Vec<RunStamp>,
    /// Per family, in `Family` order.
    pub families: Vec<FamilySpread>,
}
