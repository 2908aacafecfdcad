//! The versions of everything a result depends on, as resolved in `Cargo.lock` at build time.

/// The wasmtime crate.
pub const WASMTIME: &str = env!("MEMBENCH_VERSION_WASMTIME");
/// The wasmer crate.
pub const WASMER: &str = env!("MEMBENCH_VERSION_WASMER");
/// The wasmi crate.
pub const WASMI: &str = env!("MEMBENCH_VERSION_WASMI");
/// The criterion crate.
pub const CRITERION: &str = env!("MEMBENCH_VERSION_CRITERION");
/// `rustc --version` of the compiler that built the host (and, through the nested build, the
/// guests: one toolchain builds both).
pub const RUSTC: &str = env!("MEMBENCH_VERSION_RUSTC");

/// Every crate version above, by crate name.
pub fn all() -> [(&'static str, &'static str); 4] {
    [
        ("wasmtime", WASMTIME),
        ("wasmer", WASMER),
        ("wasmi", WASMI),
        ("criterion", CRITERION),
    ]
}
