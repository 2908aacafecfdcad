//! One adapter per runtime, each behind [`crate::runtime::Runtime`].

pub mod js;
pub mod native;
pub mod stitch;
pub mod tinywasm;
pub mod wamr;
pub mod wasm3;
pub mod wasmer;
pub mod wasmi;
pub mod wasmtime;

/// The headless browsers, under the JavaScript adapter (`runtimes::js::browser`), by their old path.
pub use js::browser;

/// Runtimes whose Rust crate links only host functions and binds no host-side grow (wamrx 0.3.0,
/// wasm3x 0.2.1): a module cannot import its memory there and the host cannot grow one. Their
/// adapters refuse both as unsupported, saying which binding is missing; the tests accept that
/// refusal from these runtimes alone.
pub const HOST_FUNCTIONS_ONLY: &[&str] = &["wamr-fast-interp", "wasm3-interpreter"];
