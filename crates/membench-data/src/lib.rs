//! The schema of wasm-memory-bench: what a case is ([`case`]), what its records hold
//! ([`record`], [`grow`], [`contiguous`], [`fragmentation`], [`memory`], [`procfs`]), what
//! `membench verify` and the spec suite found ([`verify`], [`spec`]), and which runtimes exist
//! ([`runtimes`]).
//!
//! `membench` writes these types and `membench-report` reads them; this crate depends on serde
//! alone, so the report builds without a wasm runtime and no type here refers to measuring code.

pub mod allocator;
pub mod case;
pub mod contiguous;
pub mod fragmentation;
pub mod grow;
pub mod memory;
pub mod procfs;
pub mod record;
pub mod runtimes;
pub mod spec;
pub mod spread;
pub mod verify;
pub mod versions;
