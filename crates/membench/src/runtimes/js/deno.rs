//! deno's launcher ([`Engine::Deno`](super::Engine::Deno)): its switches are V8 flags in its
//! `--v8-flags=`.

use std::path::Path;
use std::process::Command;

use super::launcher::{Launcher, PipeLauncher, Switch};

pub(crate) struct Deno;

impl Launcher for Deno {
    fn id(&self) -> &'static str {
        "deno-v8"
    }

    fn name(&self) -> &'static str {
        "deno"
    }

    fn switches(&self) -> Vec<Switch> {
        vec![
            Switch::DEFAULT,
            Switch::flag(
                "liftoff-only",
                "--v8-flags=--liftoff-only",
                &["--liftoff-only"],
            ),
            Switch::flag(
                "turbofan-only",
                "--v8-flags=--no-liftoff",
                &["--no-liftoff"],
            ),
        ]
    }
}

impl PipeLauncher for Deno {
    fn command(&self, command: &mut Command, switch: &Switch, script: &Path) {
        let mut v8 = vec!["--expose-gc", "--allow-natives-syntax"];
        v8.extend(switch.flags);
        command
            .arg("run")
            .arg(format!("--v8-flags={}", v8.join(",")))
            .arg(script)
            .env("DENO_NO_UPDATE_CHECK", "1");
    }
}
