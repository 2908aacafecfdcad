//! wasm-memory-bench's library: how a runtime under a memory configuration is driven
//! ([`runtime`]), one adapter per runtime ([`runtimes`]), the memory variants of one guest build
//! ([`module`]), the measured families ([`contiguous`], [`grow`], [`fragmentation`]), and the single definition of what runs
//! ([`matrix`]), and the spec's memory tests run through it all ([`spec`]).

pub mod contiguous;
pub mod fragmentation;
pub mod grow;
pub mod matrix;
pub mod module;
pub mod procfs;
pub mod record;
pub mod runtime;
pub mod runtimes;
pub mod spec;
pub mod verify;

// The schema's modules under the paths measuring code has always named.
pub use membench_data::{case, versions};
