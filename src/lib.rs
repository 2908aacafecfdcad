//! The root package of wasm-memory-bench: it owns `benches/` (criterion) and re-exports the
//! library, so `cargo bench` at the workspace root runs every family.

pub use membench;
