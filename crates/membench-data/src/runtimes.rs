//! The one list of runtime-engines: the id every record, bench id and row carries, and the colour
//! every chart draws it in. `membench`'s matrix must list exactly these, in this order (its test
//! `the_runtime_list_is_the_matrix` fails otherwise), and the report reads them from here.

/// One runtime-engine as the report knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuntimeInfo {
    /// `<runtime>-<engine>`: `wasmtime-cranelift`, `node-v8`, ...
    pub id: &'static str,
    /// Its colour in every chart of every report, as RGB: fixed here so a runtime keeps its colour
    /// from render to render and machine to machine.
    pub colour: (u8, u8, u8),
}

const fn rt(id: &'static str, colour: (u8, u8, u8)) -> RuntimeInfo {
    RuntimeInfo { id, colour }
}

/// Every runtime-engine of the matrix, native baseline first, in the matrix's order (the order
/// of rows and legends).
pub const RUNTIMES: [RuntimeInfo; 17] = [
    rt("native-rustc", (40, 40, 40)), // near black, the reference
    rt("wasmtime-cranelift", (31, 119, 180)), // blue
    rt("wasmtime-winch", (23, 190, 207)), // cyan
    rt("wasmtime-pulley", (0, 60, 120)), // navy
    rt("wasmer-cranelift", (214, 39, 40)), // red
    rt("wasmer-singlepass", (255, 127, 14)), // orange
    rt("wasmi-interpreter", (44, 160, 44)), // green
    rt("tinywasm-interpreter", (188, 189, 34)), // olive
    rt("stitch-interpreter", (0, 100, 0)), // dark green
    rt("wamr-fast-interp", (140, 86, 75)), // brown
    rt("wasm3-interpreter", (160, 80, 0)), // dark orange
    rt("node-v8", (148, 103, 189)),   // purple
    rt("deno-v8", (80, 40, 120)),     // dark purple
    rt("bun-jsc", (227, 119, 194)),   // pink
    rt("chromium-v8", (120, 0, 0)),   // maroon
    rt("firefox-spidermonkey", (0, 128, 128)), // teal
    rt("webkitgtk-jsc", (210, 160, 0)), // gold
];

/// The runtime-engine with this id, if the list has it.
pub fn find(id: &str) -> Option<(usize, &'static RuntimeInfo)> {
    RUNTIMES.iter().enumerate().find(|(_, r)| r.id == id)
}

/// Every id, in list order.
pub fn ids() -> impl Iterator<Item = &'static str> {
    RUNTIMES.iter().map(|r| r.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_runtime_engine_pairs_and_colours_distinct() {
        for (i, a) in RUNTIMES.iter().enumerate() {
            assert!(a.id.contains('-'), "{} is not <runtime>-<engine>", a.id);
            for b in &RUNTIMES[i + 1..] {
                assert_ne!(a.id, b.id);
                assert_ne!(a.colour, b.colour, "{} and {} share a colour", a.id, b.id);
            }
        }
        assert_eq!(find("wasmi-interpreter").map(|(i, _)| i), Some(6));
        assert_eq!(find("wasmi"), None);
    }
}
