//! The crates' layout holds what issue 25 fixed: no two modules of one crate import each other,
//! directly or through others (`crate::a` in `b` while `b` is reached from `a`, `super::` counted,
//! a module and its own submodules apart), so each file can be read from the bottom of the
//! dependency order up. Read from the sources, as `rustc` sees the paths; doc comments and tests
//! do not count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const CRATES: [&str; 4] = [
    "crates/membench-data/src",
    "crates/membench/src",
    "crates/membench-report/src",
    "crates/membench-cli/src",
];

/// Every `.rs` file under `dir`, as (module path, file): `lib.rs`/`main.rs` are the root (""),
/// `a/mod.rs` is `a`, `a/b.rs` is `a::b`.
fn modules(dir: &Path) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(dir).unwrap().with_extension("");
                let mut parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if parts.last().is_some_and(|p| p == "mod") {
                    parts.pop();
                }
                if parts == ["lib"] || parts == ["main"] {
                    parts.clear();
                }
                out.insert(parts.join("::"), path);
            }
        }
    }
    out
}

/// The modules of `modules` that `name`'s source names through `crate::` or `super::`, leaving
/// out itself, its ancestors and its descendants.
fn imports(modules: &BTreeMap<String, PathBuf>, name: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(&modules[name]).unwrap();
    let code: String = text
        .split("#[cfg(test)]")
        .next()
        .unwrap_or("")
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let related = |other: &str| {
        other == name
            || (!name.is_empty() && other.starts_with(&format!("{name}::")))
            || other.is_empty()
            || name.starts_with(&format!("{other}::"))
    };
    let mut out = BTreeSet::new();
    for (root, base) in [("crate::", Vec::new()), ("super::", parent(name))] {
        for (at, _) in code.match_indices(root) {
            if at > 0 && code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            if root == "super::" && code[..at].ends_with("super::") {
                continue; // the second `super` of `super::super::`, read with the first
            }
            let mut rest = &code[at + root.len()..];
            let mut segs = base.clone();
            while let Some(r) = rest.strip_prefix("super::") {
                segs.pop();
                rest = r;
            }
            for seg in rest.split("::") {
                let word: String = seg
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                if word.is_empty() || word.len() != seg.len() && !seg.starts_with(&word) {
                    break;
                }
                segs.push(word.clone());
                if word.len() != seg.len() {
                    break;
                }
            }
            // The longest prefix that names a module.
            for k in (1..=segs.len()).rev() {
                let candidate = segs[..k].join("::");
                if modules.contains_key(&candidate) {
                    if !related(&candidate) {
                        out.insert(candidate);
                    }
                    break;
                }
            }
        }
    }
    out
}

fn parent(name: &str) -> Vec<String> {
    let mut parts: Vec<String> = name.split("::").map(str::to_string).collect();
    parts.pop();
    parts.retain(|p| !p.is_empty());
    parts
}

/// A cycle in `graph` through `start`, if any (a path back to it).
fn cycle_through(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_string(), vec![start.to_string()])];
    let mut seen = BTreeSet::new();
    while let Some((at, path)) = stack.pop() {
        for next in graph.get(&at).into_iter().flatten() {
            if next == start {
                let mut cycle = path.clone();
                cycle.push(start.to_string());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut p = path.clone();
                p.push(next.clone());
                stack.push((next.clone(), p));
            }
        }
    }
    None
}

#[test]
fn no_two_modules_of_a_crate_import_each_other() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut circles = Vec::new();
    for krate in CRATES {
        let modules = modules(&root.join(krate));
        assert!(modules.len() > 3, "{krate}: found {modules:?}");
        let graph: BTreeMap<String, BTreeSet<String>> = modules
            .keys()
            .map(|m| (m.clone(), imports(&modules, m)))
            .collect();
        for m in modules.keys() {
            if let Some(cycle) = cycle_through(&graph, m) {
                circles.push(format!("{krate}: {}", cycle.join(" -> ")));
            }
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

/// The check finds a circle where there is one: two modules of a scratch crate naming each other.
#[test]
fn a_circle_is_found() {
    let dir = std::env::temp_dir().join(format!("membench-layout-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("b")).unwrap();
    std::fs::write(dir.join("lib.rs"), "mod a;\nmod b;\nmod c;\n").unwrap();
    std::fs::write(dir.join("a.rs"), "use crate::b::inner::Thing;\n").unwrap();
    std::fs::write(dir.join("b/mod.rs"), "mod inner;\n").unwrap();
    std::fs::write(
        dir.join("b/inner.rs"),
        "use crate::a;\nuse super::super::c::X;\n",
    )
    .unwrap();
    std::fs::write(dir.join("c.rs"), "/// [`crate::a`]\nfn f() {}\n").unwrap();
    let modules = modules(&dir);
    let graph: BTreeMap<String, BTreeSet<String>> = modules
        .keys()
        .map(|m| (m.clone(), imports(&modules, m)))
        .collect();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(graph["a"], BTreeSet::from(["b::inner".to_string()]));
    assert_eq!(
        graph["b::inner"],
        BTreeSet::from(["a".to_string(), "c".to_string()])
    );
    assert!(graph["c"].is_empty(), "a doc comment is no import");
    assert!(cycle_through(&graph, "a").is_some());
    assert!(cycle_through(&graph, "c").is_none());
}
