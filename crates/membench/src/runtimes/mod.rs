//! One adapter per runtime, each behind [`crate::runtime::Runtime`].

pub mod browser;
pub mod js;
pub mod native;
pub mod stitch;
pub mod tinywasm;
pub mod wamr;
pub mod wasm3;
pub mod wasmer;
pub mod wasmi;
pub mod wasmtime;
