//! Chromium's launcher ([`Browser::Chromium`](super::browser::Browser::Chromium)): its arguments
//! for every session are `chromium/args.txt`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Result;

use super::launcher::{first_file, listed, on_path, BrowserLauncher, Launch, Launcher, Switch};

/// Chromium's arguments for every session, one per line (`#` comments), why in the file.
const ARGS: &str = include_str!("chromium/args.txt");

/// [`ARGS`]' arguments, in its order.
fn session_args() -> impl Iterator<Item = &'static str> {
    listed(ARGS, "#")
}

pub(crate) struct Chromium;

impl Launcher for Chromium {
    fn id(&self) -> &'static str {
        "chromium-v8"
    }

    fn name(&self) -> &'static str {
        "chromium"
    }

    fn install_hint(&self) -> &'static str {
        "apt-get install -y chromium"
    }

    fn find(&self) -> Option<Vec<PathBuf>> {
        // Debian's `/usr/bin/chromium` is a wrapper script that reads /etc/chromium.d and
        // may not `exec`; the binary it starts is the browser itself.
        first_file(&[Path::new("/usr/lib/chromium/chromium").into()])
            .or_else(|| on_path(&["chromium", "chromium-browser"]))
            .map(|p| vec![p])
    }

    // Chromium's renderer applies --js-flags to V8 as node's command line does; the trap
    // handler is a Chromium feature (V8's own flag is not read there).
    fn switches(&self) -> Vec<Switch> {
        vec![
            Switch::DEFAULT,
            Switch {
                slug: "no-trap-handler",
                knobs: "--disable-features=WebAssemblyTrapHandler",
                args: &["--disable-features=WebAssemblyTrapHandler"],
                ..Switch::DEFAULT
            },
            Switch::flag(
                "bounds-checked",
                "--js-flags=--wasm-enforce-bounds-checks",
                &["--wasm-enforce-bounds-checks"],
            ),
            Switch::flag(
                "liftoff-only",
                "--js-flags=--liftoff-only",
                &["--liftoff-only"],
            ),
            Switch::flag(
                "turbofan-only",
                "--js-flags=--no-liftoff",
                &["--no-liftoff"],
            ),
        ]
    }
}

impl BrowserLauncher for Chromium {
    fn command(&self, command: &mut Command, launch: &Launch<'_>) -> Result<()> {
        let config = launch.config;
        // As for node: gc() for forced collections, and natives syntax only so the host
        // can ask which tier compiled a function (it changes no code V8 generates).
        let mut v8 = vec!["--expose-gc", "--allow-natives-syntax"];
        v8.extend(config.v8_flags);
        // Chromium reads only the last --disable-features: one switch carries them all.
        let mut features = vec!["SpareRendererForSitePerProcess".to_string()];
        let mut args = Vec::new();
        for arg in config.args {
            match arg.strip_prefix("--disable-features=") {
                Some(f) => features.push(f.to_string()),
                None => args.push(arg.to_string()),
            }
        }
        command
            .arg(&launch.programs[0])
            .args(session_args())
            .arg(format!("--user-data-dir={}", launch.profile.display()))
            .arg(format!("--disable-features={}", features.join(",")))
            .arg(format!("--js-flags={}", v8.join(" ")))
            .args(args)
            .arg(launch.url);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line of `args.txt` reaches the browser, in order: a lost or merged line fails here.
    #[test]
    fn every_session_argument_is_read_from_args_txt() {
        let args: Vec<&str> = session_args().collect();
        assert_eq!(args.len(), 18, "{args:?}");
        assert_eq!(args[0], "--headless");
        assert_eq!(args[1], "--no-sandbox");
        assert_eq!(args[12], "--password-store=basic");
        assert_eq!(args[17], "--disable-crash-reporter");
        assert!(args.iter().all(|a| a.starts_with("--") && !a.contains(' ')));
    }
}
