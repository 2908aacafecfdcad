//! bun's launcher ([`Engine::Bun`](super::Engine::Bun)): its switches are JSC options in the
//! environment (`BUN_JSC_<option>`).

use std::path::Path;
use std::process::Command;

use super::launcher::{Launcher, PipeLauncher, Switch};

pub(crate) struct Bun;

impl Launcher for Bun {
    fn id(&self) -> &'static str {
        "bun-jsc"
    }

    fn name(&self) -> &'static str {
        "bun"
    }

    fn switches(&self) -> Vec<Switch> {
        vec![
            Switch::DEFAULT,
            Switch::env(
                "no-fast-memory",
                "BUN_JSC_useWasmFastMemory=0",
                &[("BUN_JSC_useWasmFastMemory", "0")],
            ),
            Switch::env(
                "no-omg",
                "BUN_JSC_useOMGJIT=0",
                &[("BUN_JSC_useOMGJIT", "0")],
            ),
            Switch::env(
                "no-bbq",
                "BUN_JSC_useBBQJIT=0",
                &[("BUN_JSC_useBBQJIT", "0")],
            ),
        ]
    }
}

impl PipeLauncher for Bun {
    fn command(&self, command: &mut Command, _switch: &Switch, script: &Path) {
        command.arg(script);
    }
}
