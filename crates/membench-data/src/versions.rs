//! The versions of everything a result depends on, as resolved in `Cargo.lock` at build time.

/// The wasmtime crate.
pub const WASMTIME: &str = env!("MEMBENCH_VERSION_WASMTIME");
/// The wasmer crate.
pub const WASMER: &str = env!("MEMBENCH_VERSION_WASMER");
/// The wasmi crate.
pub const WASMI: &str = env!("MEMBENCH_VERSION_WASMI");
/// The tinywasm crate.
pub const TINYWASM: &str = env!("MEMBENCH_VERSION_TINYWASM");
/// The makepad-stitch crate.
pub const STITCH: &str = env!("MEMBENCH_VERSION_MAKEPAD_STITCH");
/// The wamrx crate (its `wamrx-sys` vendors the WAMR C sources it builds).
pub const WAMRX: &str = env!("MEMBENCH_VERSION_WAMRX");
/// The wasm3x crate (its `wasm3x-sys` vendors wasm3's C sources).
pub const WASM3X: &str = env!("MEMBENCH_VERSION_WASM3X");
/// The criterion crate.
pub const CRITERION: &str = env!("MEMBENCH_VERSION_CRITERION");
/// `rustc --version` of the compiler that built the host (and, through the nested build, the
/// guests: one toolchain builds both).
pub const RUSTC: &str = env!("MEMBENCH_VERSION_RUSTC");

/// Every crate version above, by crate name.
pub fn all() -> [(&'static str, &'static str); 8] {
    [
        ("wasmtime", WASMTIME),
        ("wasmer", WASMER),
        ("wasmi", WASMI),
        ("tinywasm", TINYWASM),
        ("makepad-stitch", STITCH),
        ("wamrx", WAMRX),
        ("wasm3x", WASM3X),
        ("criterion", CRITERION),
    ]
}
