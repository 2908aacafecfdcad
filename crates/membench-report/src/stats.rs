//! The one verdict function of the report: is case A faster than case B, slower, or no different?
//!
//! [`compare`] takes two cases' per-iteration times (one value per criterion sample: the sample's
//! time divided by its iterations) and gives the ratio of their means with a 95 % bootstrap
//! interval: each resample draws both cases' samples with replacement, so the interval carries the
//! uncertainty of both. The verdict says faster or slower only when that interval excludes 1.
//! Every comparison the report states goes through here; the generator is seeded, so the same
//! samples give the same interval on every render.

use serde::{Deserialize, Serialize};

/// Resamples per comparison.
pub const RESAMPLES: usize = 2000;
/// The interval's confidence level.
pub const CONFIDENCE: f64 = 0.95;
/// Bootstrap resamples behind criterion's own estimates and intervals (the benches and `membench
/// bench` set it; criterion's default is 100 000). Its HTML report draws a density estimate over
/// every resample of five statistics, which at 100 000 took about 2.8 s per case, more than the
/// case's measurement; at 5 000 the whole case (measurement, analysis and plots) took about 0.58 s,
/// against 0.60 s at 100 000 without plots (`membench bench` on five cases, virtualised 2-core
/// Xeon, commit 030ba82's code, while another build ran: rough times, a clear gap). 5 000
/// resamples still put 125 of them in each 2.5 % tail of the interval.
pub const CRITERION_RESAMPLES: usize = 5000;
/// The generator's fixed seed: the same samples always give the same interval.
const SEED: u64 = 0x9E37_79B9_7F4A_7C15;

/// What a comparison of A with B says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// A takes less time per iteration than B: the interval lies wholly below 1.
    Faster,
    /// A takes more time per iteration than B: the interval lies wholly above 1.
    Slower,
    /// The interval contains 1.
    NoDifference,
}

impl Verdict {
    /// `faster`, `slower`, `no difference`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Faster => "faster",
            Verdict::Slower => "slower",
            Verdict::NoDifference => "no difference",
        }
    }

    /// The verdict of B against A.
    pub fn reversed(self) -> Self {
        match self {
            Verdict::Faster => Verdict::Slower,
            Verdict::Slower => Verdict::Faster,
            Verdict::NoDifference => Verdict::NoDifference,
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// A's mean time per iteration divided by B's, with its bootstrap interval and the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// mean(A) ÷ mean(B) over the measured samples.
    pub ratio: f64,
    /// The interval's lower bound (2.5th percentile of the resampled ratios).
    pub lower: f64,
    /// The interval's upper bound (97.5th percentile).
    pub upper: f64,
    /// Faster or slower when the interval excludes 1, else no difference.
    pub verdict: Verdict,
}

impl Comparison {
    /// B against A: the ratio and its bounds inverted, the verdict reversed. For time ratios this
    /// is the throughput ratio (A's throughput ÷ B's when `self` compares A's time with B's).
    pub fn inverse(self) -> Self {
        Self {
            ratio: 1.0 / self.ratio,
            lower: 1.0 / self.upper,
            upper: 1.0 / self.lower,
            verdict: self.verdict.reversed(),
        }
    }

    /// `0.512× [0.498–0.527]`.
    pub fn label(&self) -> String {
        format!(
            "{}× [{}–{}]",
            ratio_digits(self.ratio),
            ratio_digits(self.lower),
            ratio_digits(self.upper)
        )
    }
}

/// A ratio with three significant digits (`0.0512`, `0.512`, `1.02`, `13.8`).
pub fn ratio_digits(r: f64) -> String {
    if !r.is_finite() {
        return "–".into();
    }
    let a = r.abs();
    let decimals = if a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else if a > 0.0 {
        // Three significant digits below 1.
        (2 - a.log10().floor() as i32).clamp(2, 8) as usize
    } else {
        0
    };
    format!("{r:.decimals$}")
}

/// Compares A's per-iteration times with B's (any unit, the same for both): the ratio of their
/// means with a [`CONFIDENCE`] bootstrap interval over [`RESAMPLES`] resamples of both, and the
/// verdict. `None` when either has no sample or a mean that is not positive.
pub fn compare(a: &[f64], b: &[f64]) -> Option<Comparison> {
    let (ma, mb) = (mean(a)?, mean(b)?);
    if !(ma > 0.0 && mb > 0.0 && ma.is_finite() && mb.is_finite()) {
        return None;
    }
    let mut rng = XorShift(SEED);
    let mut ratios: Vec<f64> = (0..RESAMPLES)
        .map(|_| resampled_mean(a, &mut rng) / resampled_mean(b, &mut rng))
        .collect();
    ratios.sort_by(f64::total_cmp);
    let tail = (1.0 - CONFIDENCE) / 2.0;
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    let (lower, upper) = (at(tail), at(1.0 - tail));
    let verdict = if upper < 1.0 {
        Verdict::Faster
    } else if lower > 1.0 {
        Verdict::Slower
    } else {
        Verdict::NoDifference
    };
    Some(Comparison {
        ratio: ma / mb,
        lower,
        upper,
        verdict,
    })
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn resampled_mean(v: &[f64], rng: &mut XorShift) -> f64 {
    let n = v.len();
    let sum: f64 = (0..n).map(|_| v[rng.below(n)]).sum();
    sum / n as f64
}

/// xorshift64*: small, fast, and enough to draw resample indices.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A uniform index below `n` (multiply-high: no modulo bias worth speaking of).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` samples around `mean` with uniform noise of ±`noise` (relative), from `seed`.
    fn samples(mean: f64, noise: f64, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = XorShift(seed);
        (0..n)
            .map(|_| {
                let u = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
                mean * (1.0 + noise * (2.0 * u - 1.0))
            })
            .collect()
    }

    #[test]
    fn identical_samples_are_no_difference() {
        let a = samples(1000.0, 0.05, 100, 1);
        let c = compare(&a, &a).unwrap();
        assert_eq!(c.verdict, Verdict::NoDifference, "{c:?}");
        assert_eq!(c.ratio, 1.0);
        assert!(c.lower < 1.0 && c.upper > 1.0, "{c:?}");
    }

    #[test]
    fn a_planted_twenty_percent_difference_is_found_in_the_right_direction() {
        let slow = samples(1200.0, 0.03, 100, 2);
        let fast = samples(1000.0, 0.03, 100, 3);
        let c = compare(&slow, &fast).unwrap();
        assert_eq!(c.verdict, Verdict::Slower, "{c:?}");
        assert!(c.lower > 1.1 && c.upper < 1.3, "{c:?}");
        let c = compare(&fast, &slow).unwrap();
        assert_eq!(c.verdict, Verdict::Faster, "{c:?}");
        assert_eq!(c.inverse().verdict, Verdict::Slower);
    }

    #[test]
    fn the_interval_contains_the_true_ratio() {
        // One case, and the coverage over many: a 95 % interval should miss about 1 in 20.
        let (a, b) = (samples(800.0, 0.1, 60, 10), samples(1000.0, 0.1, 80, 11));
        let c = compare(&a, &b).unwrap();
        assert!(c.lower <= 0.8 && 0.8 <= c.upper, "{c:?}");
        assert!(c.lower <= c.ratio && c.ratio <= c.upper, "{c:?}");
        let covered = (0..40u64)
            .filter(|seed| {
                let a = samples(800.0, 0.1, 60, 100 + seed);
                let b = samples(1000.0, 0.1, 80, 200 + seed);
                let c = compare(&a, &b).unwrap();
                c.lower <= 0.8 && 0.8 <= c.upper
            })
            .count();
        assert!(
            covered >= 34,
            "the interval held the true ratio in {covered} of 40"
        );
    }

    #[test]
    fn a_small_difference_inside_the_noise_is_no_difference() {
        let a = samples(1010.0, 0.2, 30, 4);
        let b = samples(1000.0, 0.2, 30, 5);
        assert_eq!(compare(&a, &b).unwrap().verdict, Verdict::NoDifference);
    }

    #[test]
    fn the_same_samples_give_the_same_interval() {
        let a = samples(800.0, 0.1, 50, 6);
        let b = samples(1000.0, 0.1, 50, 7);
        assert_eq!(compare(&a, &b), compare(&a, &b));
    }

    #[test]
    fn nothing_to_compare_is_none() {
        assert_eq!(compare(&[], &[1.0]), None);
        assert_eq!(compare(&[1.0], &[0.0]), None);
    }

    #[test]
    fn ratios_keep_three_significant_digits() {
        assert_eq!(ratio_digits(0.0512345), "0.0512");
        assert_eq!(ratio_digits(0.51234), "0.512");
        assert_eq!(ratio_digits(1.0234), "1.02");
        assert_eq!(ratio_digits(13.84), "13.8");
    }
}
