//! What the shared code asks of an engine, answered by one file per engine (`node.rs`, `deno.rs`,
//! `bun.rs`, `chromium.rs`, `firefox.rs`, `webkitgtk.rs`): its id, name and install hint, how its
//! executable is found, its switches, and how its command line is made, on a pipe
//! ([`PipeLauncher`]) or for a page ([`BrowserLauncher`]).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Result;

use crate::record::NotMeasured;

/// One engine's own facts.
pub(crate) trait Launcher: Sync {
    /// `<runtime>-<engine>` as bench ids carry it.
    fn id(&self) -> &'static str;

    /// The command that starts it (node, deno, bun); a browser's name in messages.
    fn name(&self) -> &'static str;

    /// How to install it, for the row that says it is missing: by default the repository's own
    /// npm packages (deno, bun).
    fn install_hint(&self) -> &'static str {
        "npm ci (in the repository root: package.json pins it)"
    }

    /// Its executables (WebKitGTK's: `Xvfb`, which gives it a display, then MiniBrowser), or
    /// `None` when not installed: by default its command, from `node_modules/.bin` or the `PATH`.
    fn find(&self) -> Option<Vec<PathBuf>> {
        local_or_on_path(self.name()).map(|p| vec![p])
    }

    /// Its strategies: its default, and the switches that change how it manages or checks
    /// memory, or which tier runs the guest. Names are the engines' own (checked against the
    /// pinned versions in `js-host/NOTES.md`).
    fn switches(&self) -> Vec<Switch>;

    /// [`Launcher::find`]'s executables, or a typed *not installed* error naming how to install it.
    fn locate(&self) -> Result<Vec<PathBuf>> {
        self.find().ok_or_else(|| {
            anyhow::Error::new(NotMeasured::not_installed(format!(
                "{} not installed: {}",
                self.name(),
                self.install_hint()
            )))
        })
    }
}

/// An engine that runs the host program as a script, on a pipe (node, deno, bun).
pub(crate) trait PipeLauncher: Launcher {
    /// Its command line after the program: `switch` and the host program `script`.
    fn command(&self, command: &mut Command, switch: &Switch, script: &Path);
}

/// A browser that loads the host program in its page.
pub(crate) trait BrowserLauncher: Launcher {
    /// Its command line after `unshare`'s, which starts it in a PID namespace of its own, with
    /// what else it needs written to the session's directory (Firefox's `user.js`).
    fn command(&self, command: &mut Command, launch: &Launch<'_>) -> Result<()>;
}

/// An engine switch as the engine names it: command-line flags (node), V8 flags (deno's
/// `--v8-flags=`, Chromium's `--js-flags=`), JSC options in the environment (bun's
/// `BUN_JSC_<option>`, WebKitGTK's `JSC_<option>`), browser arguments (Chromium's
/// `--disable-features=`) or preferences (Firefox's `user.js`).
#[derive(Clone, Debug)]
pub(crate) struct Switch {
    pub slug: &'static str,
    pub knobs: &'static str,
    pub flags: &'static [&'static str],
    pub env: &'static [(&'static str, &'static str)],
    pub args: &'static [&'static str],
    pub prefs: &'static [(&'static str, &'static str)],
}

impl Switch {
    pub const DEFAULT: Switch = Switch {
        slug: "default",
        knobs: "default",
        flags: &[],
        env: &[],
        args: &[],
        prefs: &[],
    };

    pub const fn flag(
        slug: &'static str,
        knobs: &'static str,
        flags: &'static [&'static str],
    ) -> Self {
        Switch {
            slug,
            knobs,
            flags,
            ..Switch::DEFAULT
        }
    }

    pub const fn env(
        slug: &'static str,
        knobs: &'static str,
        env: &'static [(&'static str, &'static str)],
    ) -> Self {
        Switch {
            slug,
            knobs,
            env,
            ..Switch::DEFAULT
        }
    }

    pub const fn pref(
        slug: &'static str,
        knobs: &'static str,
        prefs: &'static [(&'static str, &'static str)],
    ) -> Self {
        Switch {
            slug,
            knobs,
            prefs,
            ..Switch::DEFAULT
        }
    }
}

/// How a switch configures a browser: V8 flags (Chromium's `--js-flags`), browser command-line
/// arguments, Firefox preferences (the profile's `user.js`) and environment variables (JSC's
/// `JSC_<option>`).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Configuration<'a> {
    pub v8_flags: &'a [&'a str],
    pub args: &'a [&'a str],
    pub prefs: &'a [(&'a str, &'a str)],
    pub env: &'a [(&'a str, &'a str)],
}

/// What a browser's command line is made from.
pub(crate) struct Launch<'a> {
    /// The executables [`Launcher::find`] found.
    pub programs: &'a [PathBuf],
    pub config: Configuration<'a>,
    /// The session's directory.
    pub dir: &'a Path,
    /// The browser's profile, in the session's directory.
    pub profile: &'a Path,
    /// The host page's address.
    pub url: &'a str,
}

/// The repository root: where `js-host/` and the project-local `node_modules/` are.
pub(crate) fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The executable `program`: project-local `node_modules/.bin` first, then `PATH`.
pub(crate) fn local_or_on_path(program: &str) -> Option<PathBuf> {
    let local = repository_root().join("node_modules/.bin").join(program);
    if local.is_file() {
        return Some(local);
    }
    on_path(&[program])
}

pub(crate) fn first_file(paths: &[PathBuf]) -> Option<PathBuf> {
    paths.iter().find(|p| p.is_file()).cloned()
}

pub(crate) fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// The lines of a checked-in list (`chromium/args.txt`, `firefox/user.js`), trimmed, without
/// blank lines and lines starting with `comment`.
pub(crate) fn listed<'a>(text: &'a str, comment: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    text.lines()
        .map(str::trim)
        .filter(move |line| !line.is_empty() && !line.starts_with(comment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_leaves_out_comments_and_blank_lines_only() {
        let text = "# why\n--a\n\n  --b=c # d  \n#--e\n--f\n";
        assert_eq!(
            listed(text, "#").collect::<Vec<_>>(),
            ["--a", "--b=c # d", "--f"]
        );
    }
}
