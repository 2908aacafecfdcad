//! Compiles the guest crates for `wasm32-unknown-unknown` with a nested cargo, in release mode, and
//! writes `gen.rs` with one `pub const` per guest holding its bytes (the pattern of wasmtime's
//! `crates/test-programs/artifacts`). The nested cargo gets its own target directory under `OUT_DIR`
//! so it never waits on the lock of the outer build.

use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Guest crates, by package name; each becomes a constant named after it in upper case.
const GUESTS: &[&str] = &[
    "guest-contiguous",
    "guest-grow",
    "guest-frag-dlmalloc",
    "guest-frag-talc",
    "guest-frag-lol",
    "guest-frag-bump",
];
const TARGET: &str = "wasm32-unknown-unknown";

fn main() {
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let workspace = manifest_dir
        .parent()
        .and_then(Path::parent)
        .expect("guest-modules/artifacts sits two levels below the workspace root");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());

    check_target_installed(&rustc);

    let target_dir = out_dir.join("guest-target");
    let mut cmd = Command::new(&cargo);
    cmd.arg("build")
        .arg("--release")
        .arg("--target")
        .arg(TARGET)
        .arg("--manifest-path")
        .arg(workspace.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target_dir)
        // A 32 KiB shadow stack instead of rustc's 1 MiB, so a guest's own memory (stack and
        // static data) fits in one 64 KiB page and a memory can start at 1 page.
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            "-Clink-arg=-zstack-size=32768",
        );
    for guest in GUESTS {
        cmd.arg("--package").arg(guest);
    }
    // Flags meant for the host build must not leak into the guest build.
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
        "MFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_PROFILE_RELEASE_DEBUG",
    ] {
        cmd.env_remove(var);
    }
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("could not run {cargo:?} to build the wasm guests: {e}"));
    assert!(
        status.success(),
        "building the wasm guests failed ({status}); the command was {cmd:?}"
    );

    let mut gen = String::new();
    for guest in GUESTS {
        let file = guest.replace('-', "_");
        let wasm = target_dir
            .join(TARGET)
            .join("release")
            .join(format!("{file}.wasm"));
        assert!(
            wasm.exists(),
            "the guest build did not produce {}",
            wasm.display()
        );
        let konst = file.trim_start_matches("guest_").to_uppercase();
        writeln!(
            gen,
            "/// The `{guest}` guest, compiled for `{TARGET}` in release mode.\n\
             pub const {konst}: &[u8] = include_bytes!({wasm:?});"
        )
        .expect("writing to a String cannot fail");
        rerun_on_dependencies(&wasm.with_extension("d"));
    }
    std::fs::write(out_dir.join("gen.rs"), gen).expect("writing gen.rs into OUT_DIR");
}

/// Fails the build with the exact fix when the wasm target's standard library is missing.
fn check_target_installed(rustc: &std::ffi::OsStr) {
    let sysroot = Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let lib = Path::new(&sysroot).join("lib/rustlib").join(TARGET);
    if !sysroot.is_empty() && !lib.exists() {
        panic!(
            "\n\nThe Rust standard library for {TARGET} is not installed (looked in {}).\n\
             Fix: rustup target add {TARGET}\n\n",
            lib.display()
        );
    }
}

/// Makes the outer build re-run exactly when a source the guests were built from changes, using the
/// dependency file cargo writes beside each artifact.
fn rerun_on_dependencies(dep_file: &Path) {
    println!("cargo:rerun-if-changed={}", dep_file.display());
    let Ok(text) = std::fs::read_to_string(dep_file) else {
        return;
    };
    let Some((_, deps)) = text.split_once(':') else {
        return;
    };
    for dep in deps.split_whitespace() {
        println!("cargo:rerun-if-changed={dep}");
    }
}
