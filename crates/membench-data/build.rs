//! Records the versions of everything a result depends on, as resolved in `Cargo.lock`, plus the
//! rustc that built the host, so every record can carry them without asking at run time.

use std::path::PathBuf;
use std::process::Command;

const PACKAGES: &[&str] = &[
    "wasmtime",
    "wasmer",
    "wasmi",
    "criterion",
    "tinywasm",
    "makepad-stitch",
    "wamrx",
    "wasm3x",
];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let lock = manifest.join("../../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let text = std::fs::read_to_string(&lock).unwrap_or_default();
    for package in PACKAGES {
        let version = locked_version(&text, package).unwrap_or_else(|| "unknown".into());
        let var = format!(
            "MEMBENCH_VERSION_{}",
            package.to_uppercase().replace('-', "_")
        );
        println!("cargo:rustc-env={var}={version}");
    }
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| "unknown".into());
    println!("cargo:rustc-env=MEMBENCH_VERSION_RUSTC={version}");
}

/// The version of the (first) `[[package]]` named `name` in a Cargo.lock, with ` (patched copy in
/// vendor/)` where the lock gives it no `source`: a path dependency, the published crate with the
/// patches `vendor/README.md` describes, so a record never passes it off as the published one.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let needle = format!("name = \"{name}\"\nversion = \"");
    let start = lock.find(&needle)? + needle.len();
    let end = lock[start..].find('"')?;
    let version = &lock[start..start + end];
    let rest = &lock[start + end + 1..];
    if rest.starts_with("\nsource = ") {
        Some(version.to_string())
    } else {
        Some(format!("{version} (patched copy in vendor/)"))
    }
}
