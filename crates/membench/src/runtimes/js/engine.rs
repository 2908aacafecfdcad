//! Which JavaScript engine a runtime is, and where its own facts are: its launcher file.

use super::browser::Browser;
use super::bun::Bun;
use super::deno::Deno;
use super::launcher::{Launcher, PipeLauncher};
use super::node::Node;

/// A JavaScript engine, as the host program reports and the matrix names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// V8 by node (the machine's own Node, from `PATH`).
    Node,
    /// V8 by deno (pinned in `package.json`).
    Deno,
    /// JavaScriptCore by bun (pinned in `package.json`).
    Bun,
    /// A headless browser's engine, driven through its page.
    Browser(Browser),
}

/// Where an engine runs the host program: as a script on a pipe, or in a browser's page.
pub(crate) enum Runs {
    Pipe(&'static dyn PipeLauncher),
    Page(Browser),
}

impl Engine {
    /// Where it runs the host program, with its launcher.
    pub(crate) fn runs(self) -> Runs {
        match self {
            Engine::Node => Runs::Pipe(&Node),
            Engine::Deno => Runs::Pipe(&Deno),
            Engine::Bun => Runs::Pipe(&Bun),
            Engine::Browser(b) => Runs::Page(b),
        }
    }

    /// Its own facts (`node.rs`, ..., `webkitgtk.rs`).
    pub(crate) fn launcher(self) -> &'static dyn Launcher {
        match self.runs() {
            Runs::Pipe(engine) => engine,
            Runs::Page(b) => b.launcher(),
        }
    }

    /// `<runtime>-<engine>` as bench ids carry it.
    pub fn id(self) -> &'static str {
        self.launcher().id()
    }

    /// The command that starts it.
    pub(crate) fn program(self) -> &'static str {
        self.launcher().name()
    }

    /// Every engine, in the order the matrix lists them.
    pub(crate) fn all() -> impl Iterator<Item = Engine> {
        [Engine::Node, Engine::Deno, Engine::Bun]
            .into_iter()
            .chain(Browser::ALL.map(Engine::Browser))
    }

    /// Whether it is installed here.
    pub(crate) fn installed(self) -> bool {
        self.launcher().find().is_some()
    }

    /// How to install it, for the row that says it is missing.
    pub fn install_hint(self) -> &'static str {
        self.launcher().install_hint()
    }
}
