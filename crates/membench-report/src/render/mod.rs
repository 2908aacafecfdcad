//! Turns a collected run into the published report of one machine: `REPORT.md`, the summary that
//! answers the post's questions first (each in a few generated sentences with one chart), the
//! detail pages it links ([`PAGES`]: the long tables, one per runtime-engine or strategy), the
//! charts (SVG + PNG) and `results.csv`; and, over several machines' results, the cross-machine
//! page [`render_machines`]. Rendering reads only the `Results` it is given, so re-rendering
//! committed results reproduces the files.
//!
//! Rows are grouped by their typed identity ([`CaseKey`]); an id is shown, never parsed. Every
//! comparison (× native, faster/slower, with/without a maximum) comes from
//! [`crate::stats::compare`], with its bootstrap interval.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use membench_data::case::{size_id, CaseKey, CasePattern, CaseVariant, Family, GuestBuild};
use membench_data::contiguous::{Kernel, MaxDecl, MemoryVariant, Pattern, Touch, Width};
use membench_data::grow::GrowKind;
use membench_data::memory::MemoryDecl;
use membench_data::record::{FailureKind, RunStamp};

use crate::charts::{self, Axis, Chart, DotPanel, DotRow, Frame, Mark, Shape, Unit};
use crate::collect::{Results, Row};
use crate::stats::{self, Comparison, Verdict};

mod cases;
mod contiguous;
mod ctx;
mod grow;
mod instantiate;
mod keys;
mod machines;
mod page;
mod results_csv;
mod summary;
mod twin;
mod verify;
mod wasted;
mod words;

use ctx::*;
use keys::*;
use page::*;
use results_csv::*;
use twin::*;
use words::*;

pub use grow::grow_lines;
pub use machines::render_machines;
pub use summary::MAX_LINES;

/// The detail pages, in the order the summary links them: file name and title.
pub const PAGES: [(&str, &str); 7] = [
    (
        "contiguous.md",
        "Load/store throughput, first touch, memory variants and strategies",
    ),
    (
        "grow.md",
        "Grow: what one `memory.grow` costs, and whether a maximum helps",
    ),
    (
        "instantiate.md",
        "Instantiation and reserved address space per strategy",
    ),
    (
        "wasted.md",
        "Wasted memory: linear memory against what the guest held",
    ),
    ("verify.md", "The seed's claims, per runtime × strategy"),
    ("spec.md", "Spec conformance: the WebAssembly memory tests"),
    (
        "cases.md",
        "Runs, environment, cases without a figure, and what was left out",
    ),
];

/// How [`render_with`] treats results that are not one clean reference run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Render results from more than one commit, or a `+dirty` one, saying so on every page
    /// (`--allow-mixed`); otherwise they are refused ([`crate::collect::check_reference`]).
    pub allow_mixed: bool,
}

/// Renders one machine's report into `out` (`reports/<machine>/`): the summary `REPORT.md`, the
/// detail pages ([`PAGES`]), the charts and `results.csv`. Refuses results that are not one clean
/// commit ([`render_with`] with `allow_mixed` renders them, and says so on every page).
pub fn render(results: &Results, out: &Path) -> Result<()> {
    render_with(results, out, Options::default())
}

/// The line every page of a mixed run carries under its title.
fn mixed_line(results: &Results) -> Option<String> {
    crate::collect::reference_problem(results).map(|p| {
        format!(
            "**Not one clean reference run**: {p}. Rendered with `--allow-mixed`: figures from \
             different code states are compared below as if they were one."
        )
    })
}

/// `md` with `line` after its title (its first paragraph).
fn after_title(md: String, line: &str) -> String {
    match md.find("\n\n") {
        Some(at) => format!("{}\n\n{line}{}", &md[..at], &md[at..]),
        None => format!("{line}\n\n{md}"),
    }
}

/// [`render`], with `options`.
pub fn render_with(results: &Results, out: &Path, options: Options) -> Result<()> {
    crate::collect::check_reference(results, options.allow_mixed)?;
    let mixed = mixed_line(results);
    let mark = |md: String| match &mixed {
        Some(line) => after_title(md, line),
        None => md,
    };
    let charts_dir = out.join("charts");
    std::fs::create_dir_all(&charts_dir)
        .with_context(|| format!("creating {}", charts_dir.display()))?;
    // Charts of an earlier render that this one does not redraw would be stale: remove them.
    for entry in std::fs::read_dir(&charts_dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "svg" || e == "png") {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    // REPORT.md is the summary now: an earlier render's SUMMARY.md would be stale.
    let stale = out.join("SUMMARY.md");
    if stale.exists() {
        std::fs::remove_file(&stale).with_context(|| format!("removing {}", stale.display()))?;
    }
    let ctx = Ctx::new(results);
    let pages = [
        contiguous::page(&ctx, &charts_dir)?,
        grow::page(&ctx, &charts_dir)?,
        instantiate::page(&ctx, &charts_dir)?,
        wasted::page(&ctx, &charts_dir)?,
        verify::page(&ctx),
        verify::spec_page(&ctx),
        cases::page(&ctx),
    ];
    for ((file, _), md) in PAGES.iter().zip(pages) {
        std::fs::write(out.join(file), mark(md)).with_context(|| format!("writing {file}"))?;
    }
    let summary = mark(summary::page(&ctx, &charts_dir)?);
    std::fs::write(out.join("REPORT.md"), summary).context("writing REPORT.md")?;
    write_csv(&ctx, &out.join("results.csv"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Item 5 of issue 23: the notes read "8" (Firefox) and "21 }" (tinywasm's debug form), and
    /// a long message was cut inside a word and a quote ("(at offse…"). The engine's clause is
    /// whole, or cut at a word outside any quote.
    #[test]
    fn refusal_words_are_never_cut_inside_a_quote_or_a_word() {
        assert_eq!(
            refusal_reason(
                "compiling page-size-1: compile: WebAssembly.CompileError: at offset 27: \
                 unexpected bits set in flags: 8"
            ),
            "“unexpected bits set in flags: 8”"
        );
        assert_eq!(
            refusal_reason(
                "unsupported: tinywasm-interpreter refuses a shared memory: tinywasm parsing \
                 grow: error parsing module: ParseError { message: \"threads must be enabled \
                 for shared memories\", offset: 21 }"
            ),
            "“ParseError { message: \"threads must be enabled for shared memories\", offset: 21 }”"
        );
        let custom = "wasmer-cranelift compiling page-size-1: Validation error: the custom page \
                      sizes proposal must be enabled to customize a memory's page size (at \
                      offset 0x1a)";
        assert_eq!(
            refusal_reason(custom),
            "“the custom page sizes proposal must be enabled to customize a memory's page size \
             (at offset 0x1a)”"
        );
        // Past the limit: cut at a word, never inside the quote.
        let long = format!(
            "compiling x: compile: {} (evaluating 'new WebAssembly.Module(bytes)')",
            "resizable limits flag should be 0x00, 0x01, or 0x03 but 0x08 ".repeat(3)
        );
        let cut = refusal_reason(&long);
        assert!(cut.ends_with("…”"), "{cut}");
        assert!(!cut.contains("'new"), "{cut}");
        let words = cut.trim_start_matches('“').trim_end_matches("…”");
        let after = long[long.find(words).expect("a part of the message") + words.len()..]
            .chars()
            .next();
        assert!(matches!(after, Some(' ' | ',')), "cut inside a word: {cut}");
    }
}
