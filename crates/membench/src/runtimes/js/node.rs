//! node's launcher ([`Engine::Node`](super::Engine::Node)): its switches are V8 flags on its
//! command line.

use std::path::Path;
use std::process::Command;

use super::launcher::{Launcher, PipeLauncher, Switch};

pub(crate) struct Node;

impl Launcher for Node {
    fn id(&self) -> &'static str {
        "node-v8"
    }

    fn name(&self) -> &'static str {
        "node"
    }

    fn install_hint(&self) -> &'static str {
        "apt-get install -y nodejs (Node 20 or newer), or `npm ci` for deno and bun"
    }

    fn switches(&self) -> Vec<Switch> {
        vec![
            Switch::DEFAULT,
            Switch::flag(
                "no-trap-handler",
                "--disable-wasm-trap-handler",
                &["--disable-wasm-trap-handler"],
            ),
            Switch::flag(
                "bounds-checked",
                "--wasm-enforce-bounds-checks",
                &["--wasm-enforce-bounds-checks"],
            ),
            Switch::flag("liftoff-only", "--liftoff-only", &["--liftoff-only"]),
            Switch::flag("turbofan-only", "--no-liftoff", &["--no-liftoff"]),
        ]
    }
}

impl PipeLauncher for Node {
    fn command(&self, command: &mut Command, switch: &Switch, script: &Path) {
        // --allow-natives-syntax only lets the host ask V8 which tier compiled a
        // function (the `tier` op); it changes no code V8 generates.
        command
            .args(switch.flags)
            .args(["--expose-gc", "--allow-natives-syntax"])
            .arg(script);
    }
}
