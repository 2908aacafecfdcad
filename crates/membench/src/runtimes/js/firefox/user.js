// Firefox preferences every session sets (firefox.rs writes the `user_pref` lines of this file,
// in this order, to the profile's user.js, then the switch's own): no network beyond the page
// (updates, telemetry, safe browsing, remote settings), no spare content process (it would be one
// more candidate for the page's process), no slow-script dialog during long calls, and
// `performance.now()` at SpiderMonkey's own resolution rather than 20 µs (the clock the engine
// times with; it changes no code the engine runs). From Mozilla's `RecommendedPreferences.sys.mjs`
// for automation. Lines starting with `//` and blank lines are left out.
user_pref("app.update.disabledForTesting", true);
user_pref("app.normandy.api_url", "");
user_pref("browser.safebrowsing.blockedURIs.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.search.update", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("browser.newtabpage.enabled", false);
user_pref("browser.region.network.url", "");
user_pref("browser.sessionstore.resume_from_crash", false);
user_pref("browser.topsites.contile.enabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("dom.ipc.processPrelaunch.enabled", false);
user_pref("dom.ipc.reportProcessHangs", false);
user_pref("dom.max_script_run_time", 0);
user_pref("dom.push.connection.enabled", false);
user_pref("extensions.getAddons.cache.enabled", false);
user_pref("extensions.systemAddon.update.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("geo.provider.network.url", "");
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("privacy.reduceTimerPrecision", false);
user_pref("privacy.reduceTimerPrecision.unconditional", false);
user_pref("security.remote_settings.intermediates.enabled", false);
user_pref("services.settings.server", "data:,#remote-settings-dummy/v1");
user_pref("toolkit.startup.max_resumed_crashes", -1);
user_pref("toolkit.telemetry.server", "https://127.0.0.1:1/telemetry-dummy/");
