//! What every page reads: the results with their keyed rows, and the comparisons between rows
//! (each a bootstrap), computed once and cached.

use super::*;

/// How comparisons are taken.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Measure {
    /// Time per iteration.
    Time,
    /// Time per byte (throughput, inverted).
    PerByte,
}

/// The results with their keyed rows and a cache of comparisons (each is a bootstrap).
pub(super) struct Ctx<'a> {
    pub(super) results: &'a Results,
    pub(super) rows: Vec<(&'a CaseKey, &'a Row)>,
    pub(super) cache: RefCell<HashMap<(usize, usize, Measure), Option<Comparison>>>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(results: &'a Results) -> Self {
        Self {
            results,
            rows: results.keyed().collect(),
            cache: RefCell::new(HashMap::new()),
        }
    }

    pub(super) fn family(&self, family: Family) -> Vec<(&'a CaseKey, &'a Row)> {
        self.rows
            .iter()
            .filter(|(k, _)| k.family == family)
            .copied()
            .collect()
    }

    pub(super) fn find(&self, pred: impl Fn(&CaseKey) -> bool) -> Option<&'a Row> {
        self.rows.iter().find(|(k, _)| pred(k)).map(|(_, r)| *r)
    }

    pub(super) fn is_first_touch(&self, k: &CaseKey) -> bool {
        k.pattern
            .contiguous()
            .is_some_and(|p| p.touch == Touch::FirstTouch)
    }

    /// The warm pattern of a first-touch one.
    pub(super) fn warm_of(&self, pattern: &CasePattern) -> Option<CasePattern> {
        Some(CasePattern::Contiguous(pattern.contiguous()?.warm()))
    }

    /// A's time (per iteration or per byte) ÷ B's, bootstrapped over both cases' samples.
    pub(super) fn compare(&self, a: &Row, b: &Row, measure: Measure) -> Option<Comparison> {
        let key = (a as *const Row as usize, b as *const Row as usize, measure);
        if let Some(c) = self.cache.borrow().get(&key) {
            return *c;
        }
        let c = match measure {
            Measure::Time => stats::compare(&a.per_iteration_ns()?, &b.per_iteration_ns()?),
            Measure::PerByte => stats::compare(&a.ns_per_byte()?, &b.ns_per_byte()?),
        };
        self.cache.borrow_mut().insert(key, c);
        c
    }

    /// Throughput of `a` ÷ throughput of `b` (so > 1 is faster), with the interval; the verdict
    /// says whether `a` is faster than `b`.
    pub(super) fn throughput_ratio(&self, a: &Row, b: &Row) -> Option<Comparison> {
        self.compare(a, b, Measure::PerByte).map(|c| Comparison {
            verdict: c.verdict,
            ..c.inverse()
        })
    }

    /// The native case of the same pattern, size and build (native's default strategy).
    pub(super) fn native_of(&self, k: &CaseKey) -> Option<&'a Row> {
        self.find(|n| {
            is_native(n)
                && n.strategy.default
                && n.family == k.family
                && n.pattern == k.pattern
                && n.size_bytes == k.size_bytes
                && n.build == k.build
        })
    }

    /// Throughput ÷ native's of the same pattern, size and build.
    pub(super) fn vs_native(&self, k: &CaseKey, row: &Row) -> Option<Comparison> {
        let native = self.native_of(k)?;
        if std::ptr::eq(native, row) {
            return None;
        }
        self.throughput_ratio(row, native)
    }

    /// Run stamps of `rows`.
    pub(super) fn stamps(rows: &[(&'a CaseKey, &'a Row)]) -> Vec<&'a RunStamp> {
        rows.iter().filter_map(|(_, r)| r.run()).collect()
    }

    /// `a` against `b` by `measure`: throughput ÷ throughput for [`Measure::PerByte`] (above 1 is
    /// faster), time ÷ time for [`Measure::Time`] (below 1 is faster). Either way the verdict
    /// says whether `a` is faster, so "slower" and "faster" read the same for both.
    pub(super) fn twin_ratio(&self, a: &Row, b: &Row, measure: Measure) -> Option<Comparison> {
        match measure {
            Measure::PerByte => self.throughput_ratio(a, b),
            Measure::Time => self.compare(a, b, Measure::Time),
        }
    }

    /// The rows of `family` that `is_kind` picks, each beside its twin (the row of the same
    /// pattern, size, runtime and strategy that `is_twin(kind, twin)` accepts: the same case but
    /// for its build or its memory variant) and the kind's ratio to the twin by `measure`
    /// ([`Ctx::twin_ratio`]); in runtime order (native first), then pattern, size and variant.
    pub(super) fn twin_pairs(
        &self,
        family: Family,
        is_kind: impl Fn(&CaseKey) -> bool,
        is_twin: impl Fn(&CaseKey, &CaseKey) -> bool,
        measure: Measure,
    ) -> Vec<TwinPair<'a>> {
        let rows = self.family(family);
        let mut out: Vec<TwinPair<'a>> = rows
            .iter()
            .filter(|(k, _)| is_kind(k))
            .map(|(k, row)| {
                let twin = rows
                    .iter()
                    .find(|(t, _)| {
                        t.pattern == k.pattern
                            && t.size_bytes == k.size_bytes
                            && t.runtime == k.runtime
                            && t.strategy == k.strategy
                            && is_twin(k, t)
                    })
                    .map(|(_, t)| *t);
                let c = twin.and_then(|t| self.twin_ratio(row, t, measure));
                (*k, *row, twin, c)
            })
            .collect();
        out.sort_by_key(|(k, ..)| (runtime_order(k), k.pattern.clone(), k.size_bytes, k.variant));
        out
    }
}
