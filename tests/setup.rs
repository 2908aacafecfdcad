//! A fresh machine sets up from README: its set-up line adds the wasm target the guests are built
//! for (machines with `RUSTUP_AUTO_INSTALL=0` do not add `rust-toolchain.toml`'s targets), and
//! without it the build stops on cargo's first call, before any crate is compiled, naming the
//! fix: `.cargo/config.toml` puts `scripts/rustc-wrapper` in front of every rustc.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A stand-in `rustc` whose `--print target-libdir` names `libdir`, in a fresh folder.
fn fake_rustc(name: &str, libdir: &Path) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("membench-setup-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rustc = dir.join("rustc");
    std::fs::write(
        &rustc,
        format!(
            "#!/bin/sh\nif [ \"$1\" = --print ]; then echo '{}'; exit 0; fi\necho \"ran $*\"\n",
            libdir.display()
        ),
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&rustc)
        .status()
        .unwrap();
    rustc
}

/// Runs the wrapper as cargo does (`wrapper rustc ARGS`) with `rustc` asked about the target.
fn wrapper(rustc: &Path, args: &[&str]) -> std::process::Output {
    Command::new(root().join("scripts/rustc-wrapper"))
        .arg(rustc)
        .args(args)
        .env("MEMBENCH_RUSTC_FOR_CHECK", rustc)
        .output()
        .unwrap()
}

#[test]
fn cargo_runs_every_rustc_through_the_wrapper() {
    let config = std::fs::read_to_string(root().join(".cargo/config.toml")).unwrap();
    let line = config
        .lines()
        .find(|l| l.starts_with("rustc-wrapper"))
        .expect("build.rustc-wrapper in .cargo/config.toml");
    assert_eq!(line, r#"rustc-wrapper = "scripts/rustc-wrapper""#);
    assert!(config.contains("[build]"), "{config}");
}

#[test]
fn without_the_wasm_std_cargos_first_call_fails_naming_the_fix() {
    let empty = std::env::temp_dir().join(format!("membench-setup-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let rustc = fake_rustc("missing", &empty);
    let out = wrapper(&rustc, &["-vV"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("rustup target add wasm32-unknown-unknown"),
        "{stderr}"
    );
    // Every other call runs unchanged, whatever is installed: only the first call checks.
    let out = wrapper(&rustc, &["--crate-name", "x", "lib.rs"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "ran --crate-name x lib.rs"
    );
}

#[test]
fn with_the_wasm_std_the_first_call_runs_rustc() {
    let lib = std::env::temp_dir().join(format!("membench-setup-lib-{}", std::process::id()));
    std::fs::create_dir_all(&lib).unwrap();
    std::fs::write(lib.join("libcore-0123abcd.rlib"), b"").unwrap();
    let rustc = fake_rustc("present", &lib);
    let out = wrapper(&rustc, &["-vV"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ran -vV");
}

/// README's set-up line (the one marked `# set-up`) adds the target, and CI does what it says.
#[test]
fn readme_set_up_adds_the_wasm_target() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let setup = readme
        .lines()
        .find(|l| l.ends_with("# set-up"))
        .expect("a set-up line in README.md");
    assert!(
        setup.starts_with("rustup target add wasm32-unknown-unknown &&"),
        "{setup}"
    );
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(ci.contains("rustup target add wasm32-unknown-unknown"));
}
