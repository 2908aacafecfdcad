//! `membench list`: the ids of the cases a family runs, as `cargo bench` would run them.

use std::io::Write as _;

use membench::case::Family;
use membench::matrix::{self, Scope};

/// Prints the ids of `family`'s cases (the full matrix with `full`), after a line per optional
/// engine that is not installed.
pub(crate) fn run(family: Family, full: bool) {
    let scope = if full { Scope::Full } else { Scope::Default };
    let specs = matrix::bench_runtimes(scope);
    for line in membench::runtimes::js::missing() {
        println!("# {line}");
    }
    let ids: Vec<String> = match family {
        Family::Fragmentation => matrix::fragmentation(&specs)
            .iter()
            .map(|c| c.id(&specs))
            .collect(),
        Family::Contiguous => matrix::contiguous(scope, &specs)
            .iter()
            .map(|c| c.id(&specs))
            .collect(),
        Family::Grow => matrix::grow(scope, &specs)
            .iter()
            .map(|c| c.id(&specs))
            .collect(),
        Family::Instantiate => matrix::instantiate(&specs)
            .iter()
            .map(|c| c.key(&specs).id())
            .collect(),
    };
    // A reader that stops early (`membench list ... | head`) ends the listing, not with a panic.
    let mut out = std::io::stdout().lock();
    for id in ids {
        if writeln!(out, "{id}").is_err() {
            return;
        }
    }
}
