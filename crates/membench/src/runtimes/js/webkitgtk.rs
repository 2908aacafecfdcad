//! WebKitGTK's launcher ([`Browser::WebKit`](super::browser::Browser::WebKit)):
//! `webkitgtk/on-xvfb.sh` starts Xvfb, then MiniBrowser on its display.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Result;

use super::launcher::{first_file, on_path, BrowserLauncher, Launch, Launcher, Switch};

/// Xvfb, then the browser on its display; its leading `#` lines say how.
const ON_XVFB: &str = include_str!("webkitgtk/on-xvfb.sh");

/// [`ON_XVFB`] as `sh -c` runs it: without its leading comment lines and its last newline.
fn on_xvfb() -> &'static str {
    let mut script = ON_XVFB;
    while script.starts_with('#') {
        script = script.split_once('\n').map_or("", |(_, rest)| rest);
    }
    script.strip_suffix('\n').unwrap_or(script)
}

pub(crate) struct WebKit;

impl Launcher for WebKit {
    fn id(&self) -> &'static str {
        "webkitgtk-jsc"
    }

    fn name(&self) -> &'static str {
        "MiniBrowser (WebKitGTK)"
    }

    fn install_hint(&self) -> &'static str {
        "apt-get install -y webkit2gtk-driver xvfb"
    }

    fn find(&self) -> Option<Vec<PathBuf>> {
        let triplet = format!("{}-linux-gnu", std::env::consts::ARCH);
        let mini = first_file(&[
            Path::new("/usr/lib")
                .join(&triplet)
                .join("webkit2gtk-4.1/MiniBrowser"),
            Path::new("/usr/lib")
                .join(&triplet)
                .join("webkit2gtk-4.0/MiniBrowser"),
        ])?;
        Some(vec![on_path(&["Xvfb"])?, mini])
    }

    // WebKitGTK's web process reads JSC's options from JSC_<option>, as bun from BUN_JSC_.
    fn switches(&self) -> Vec<Switch> {
        vec![
            Switch::DEFAULT,
            Switch::env(
                "no-fast-memory",
                "JSC_useWasmFastMemory=0",
                &[("JSC_useWasmFastMemory", "0")],
            ),
            Switch::env("no-omg", "JSC_useOMGJIT=0", &[("JSC_useOMGJIT", "0")]),
            Switch::env("no-bbq", "JSC_useBBQJIT=0", &[("JSC_useBBQJIT", "0")]),
        ]
    }
}

impl BrowserLauncher for WebKit {
    fn command(&self, command: &mut Command, launch: &Launch<'_>) -> Result<()> {
        // Xvfb and MiniBrowser, both in the namespace (MiniBrowser's own sandbox is off
        // unless asked for).
        command
            .args(["sh", "-c", on_xvfb(), "sh"])
            .arg(launch.dir)
            .arg(&launch.programs[0])
            .arg(&launch.programs[1])
            .args(launch.config.args)
            .arg(launch.url);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The script `sh -c` gets is the file's, without its comments and last newline.
    #[test]
    fn the_xvfb_script_is_on_xvfb_sh_without_its_comments() {
        let script = on_xvfb();
        let lines: Vec<&str> = script.lines().collect();
        assert_eq!(lines.len(), 8, "{script}");
        assert_eq!(lines[0], "d=\"$1\"; x=\"$2\"; shift 2");
        assert_eq!(lines[7], "DISPLAY=\":$(cat \"$d/display\")\" exec \"$@\"");
        assert!(!script.ends_with('\n'));
        assert!(!script.contains("\n#"));
    }
}
