//! Firefox's launcher ([`Browser::Firefox`](super::browser::Browser::Firefox)): the preferences
//! every session sets are `firefox/user.js`, written to the profile with the switch's own after
//! them.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};

use super::launcher::{listed, on_path, BrowserLauncher, Launch, Launcher, Switch};

/// The preferences every session sets, one `user_pref` line each (`//` comments), why in the file.
const USER_JS: &str = include_str!("firefox/user.js");

/// [`USER_JS`]'s `user_pref` lines, in its order.
fn preferences() -> impl Iterator<Item = &'static str> {
    listed(USER_JS, "//")
}

pub(crate) struct Firefox;

impl Launcher for Firefox {
    fn id(&self) -> &'static str {
        "firefox-spidermonkey"
    }

    fn name(&self) -> &'static str {
        "firefox-esr"
    }

    fn install_hint(&self) -> &'static str {
        "apt-get install -y firefox-esr"
    }

    fn find(&self) -> Option<Vec<PathBuf>> {
        on_path(&["firefox-esr", "firefox"]).map(|p| vec![p])
    }

    // SpiderMonkey's switches are Firefox preferences (`javascript.options.*`, read at start).
    fn switches(&self) -> Vec<Switch> {
        vec![
            Switch::DEFAULT,
            Switch::pref(
                "no-huge-memory",
                "javascript.options.wasm_disable_huge_memory=true",
                &[("javascript.options.wasm_disable_huge_memory", "true")],
            ),
            Switch::pref(
                "baseline-only",
                "javascript.options.wasm_optimizingjit=false",
                &[("javascript.options.wasm_optimizingjit", "false")],
            ),
            Switch::pref(
                "ion-only",
                "javascript.options.wasm_baselinejit=false",
                &[("javascript.options.wasm_baselinejit", "false")],
            ),
        ]
    }
}

impl BrowserLauncher for Firefox {
    fn command(&self, command: &mut Command, launch: &Launch<'_>) -> Result<()> {
        let config = launch.config;
        let mut prefs = String::new();
        for line in preferences() {
            prefs.push_str(line);
            prefs.push('\n');
        }
        for (name, value) in config.prefs {
            prefs.push_str(&format!("user_pref({name:?}, {value});\n"));
        }
        let user_js = launch.profile.join("user.js");
        std::fs::write(&user_js, prefs)
            .with_context(|| format!("writing {}", user_js.display()))?;
        command
            .arg(&launch.programs[0])
            .args(["-headless", "-no-remote", "-profile"])
            .arg(launch.profile)
            .args(config.args)
            .arg(launch.url)
            .env("MOZ_CRASHREPORTER_DISABLE", "1");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every preference of `user.js` reaches the profile, in order: a lost line fails here.
    #[test]
    fn every_session_preference_is_read_from_user_js() {
        let prefs: Vec<&str> = preferences().collect();
        assert_eq!(prefs.len(), 31, "{prefs:?}");
        assert_eq!(
            prefs[0],
            "user_pref(\"app.update.disabledForTesting\", true);"
        );
        assert_eq!(prefs[1], "user_pref(\"app.normandy.api_url\", \"\");");
        assert_eq!(
            prefs[15],
            "user_pref(\"dom.ipc.processPrelaunch.enabled\", false);"
        );
        assert_eq!(prefs[17], "user_pref(\"dom.max_script_run_time\", 0);");
        assert_eq!(
            prefs[30],
            "user_pref(\"toolkit.telemetry.server\", \"https://127.0.0.1:1/telemetry-dummy/\");"
        );
        assert!(prefs
            .iter()
            .all(|p| p.starts_with("user_pref(\"") && p.ends_with(");")));
    }
}
