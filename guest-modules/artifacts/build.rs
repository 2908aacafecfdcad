//! Compiles the guest crates for `wasm32-unknown-unknown` with a nested cargo, in release mode, and
//! writes `gen.rs` with one `pub const` per guest holding its bytes (the pattern of wasmtime's
//! `crates/test-programs/artifacts`). The nested cargo gets its own target directory under `OUT_DIR`
//! so it never waits on the lock of the outer build.
//!
//! The guest build axis comes from here too: `guest-contiguous` is built a second time with
//! `-C target-feature=+simd128` (`CONTIGUOUS_SIMD128`), and compiled natively once more, with
//! LLVM's loop and SLP vectorisers off, as a shared library (`CONTIGUOUS_SCALAR_LIB`, a path): the
//! native baseline of the scalar wasm guest, since the host build itself is auto-vectorised.

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
    "guest-frag-bump-bytes",
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
    build_wasm(&cargo, workspace, &target_dir, GUESTS, "");
    let simd_dir = out_dir.join("guest-target-simd128");
    build_wasm(
        &cargo,
        workspace,
        &simd_dir,
        &["guest-contiguous"],
        " -Ctarget-feature=+simd128",
    );

    let mut gen = String::new();
    for (dir, guest, suffix) in GUESTS.iter().map(|g| (&target_dir, *g, "")).chain([(
        &simd_dir,
        "guest-contiguous",
        "_SIMD128",
    )]) {
        let file = guest.replace('-', "_");
        let wasm = dir
            .join(TARGET)
            .join("release")
            .join(format!("{file}.wasm"));
        assert!(
            wasm.exists(),
            "the guest build did not produce {}",
            wasm.display()
        );
        let konst = format!(
            "{}{suffix}",
            file.trim_start_matches("guest_").to_uppercase()
        );
        let flags = if suffix.is_empty() {
            ""
        } else {
            " with `+simd128`"
        };
        writeln!(
            gen,
            "/// The `{guest}` guest, compiled for `{TARGET}` in release mode{flags}.\n\
             pub const {konst}: &[u8] = include_bytes!({wasm:?});"
        )
        .expect("writing to a String cannot fail");
        rerun_on_dependencies(&wasm.with_extension("d"));
    }
    let scalar = build_scalar_native(&rustc, workspace, &out_dir.join("scalar-native"));
    writeln!(
        gen,
        "/// `guest-contiguous` compiled natively as a shared library with `-C no-vectorize-loops \
         -C no-vectorize-slp`: the scalar native baseline.\n\
         pub const CONTIGUOUS_SCALAR_LIB: &str = {scalar:?};"
    )
    .expect("writing to a String cannot fail");
    std::fs::write(out_dir.join("gen.rs"), gen).expect("writing gen.rs into OUT_DIR");
}

/// Builds `guests` for wasm into `target_dir` with a nested cargo, `extra_flags` added to the
/// guests' rustflags.
fn build_wasm(
    cargo: &std::ffi::OsStr,
    workspace: &Path,
    target_dir: &Path,
    guests: &[&str],
    extra_flags: &str,
) {
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .arg("--release")
        .arg("--target")
        .arg(TARGET)
        .arg("--manifest-path")
        .arg(workspace.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir)
        // A 32 KiB shadow stack instead of rustc's 1 MiB, so a guest's own memory (stack and
        // static data) fits in one 64 KiB page and a memory can start at 1 page.
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            format!("-Clink-arg=-zstack-size=32768{extra_flags}"),
        );
    for guest in guests {
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
}

/// Compiles `guest-abi` and then `guest-contiguous` (with `--cfg membench_export`, so its
/// kernels have C symbols) natively with plain rustc, at the release profile's `opt-level=3` but
/// with LLVM's loop and SLP vectorisers off, into a shared library in `dir`; returns its path.
/// Plain rustc rather than cargo: the two crates have no dependencies, and a second cargo
/// workspace would need a lock file of its own.
fn build_scalar_native(rustc: &std::ffi::OsStr, workspace: &Path, dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).expect("creating the scalar build's directory");
    let common = [
        "--edition=2021",
        "-Copt-level=3",
        "-Cno-vectorize-loops",
        "-Cno-vectorize-slp",
        "-Cdebuginfo=line-tables-only",
    ];
    let run = |args: &[&std::ffi::OsStr]| {
        let mut cmd = Command::new(rustc);
        cmd.args(common).args(args);
        for var in [
            "CARGO_ENCODED_RUSTFLAGS",
            "RUSTFLAGS",
            "RUSTC_WORKSPACE_WRAPPER",
        ] {
            cmd.env_remove(var);
        }
        let status = cmd
            .status()
            .unwrap_or_else(|e| panic!("could not run {rustc:?}: {e}"));
        assert!(status.success(), "{cmd:?} failed ({status})");
    };
    let abi_src = workspace.join("guest-modules/abi/src/lib.rs");
    let src = workspace.join("guest-modules/contiguous/src/lib.rs");
    let abi_lib = dir.join("libguest_abi.rlib");
    let lib = dir.join("libguest_contiguous_scalar.so");
    run(&[
        "--crate-type=rlib".as_ref(),
        "--crate-name=guest_abi".as_ref(),
        abi_src.as_os_str(),
        "-o".as_ref(),
        abi_lib.as_os_str(),
    ]);
    let extern_abi = format!("guest_abi={}", abi_lib.display());
    run(&[
        "--crate-type=cdylib".as_ref(),
        "--crate-name=guest_contiguous_scalar".as_ref(),
        "--cfg=membench_export".as_ref(),
        "--extern".as_ref(),
        extern_abi.as_ref(),
        src.as_os_str(),
        "-o".as_ref(),
        lib.as_os_str(),
    ]);
    println!("cargo:rerun-if-changed={}", abi_src.display());
    println!("cargo:rerun-if-changed={}", src.display());
    lib
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
/// dependency file cargo writes beside each artifact. Not on the dependency file itself: the nested
/// build rewrites it while this script runs, so it is always newer than the run cargo recorded, and
/// every cargo command rebuilt the guests and everything above them (about a minute each).
fn rerun_on_dependencies(dep_file: &Path) {
    let Ok(text) = std::fs::read_to_string(dep_file) else {
        // No dependency file: re-run on anything, as cargo does for a script that names nothing.
        println!("cargo:rerun-if-changed={}", dep_file.display());
        return;
    };
    let Some((_, deps)) = text.split_once(':') else {
        return;
    };
    for dep in deps.split_whitespace() {
        println!("cargo:rerun-if-changed={dep}");
    }
}
