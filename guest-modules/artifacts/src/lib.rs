//! The wasm guests as bytes. Built by `build.rs` with a nested cargo for `wasm32-unknown-unknown`;
//! nothing is compiled at run time, and the benches, tests and CLI all use these same bytes.

include!(concat!(env!("OUT_DIR"), "/gen.rs"));
