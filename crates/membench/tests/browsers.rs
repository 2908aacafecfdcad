//! The headless browsers behind the JavaScript adapter: what only they have. A page that must be
//! cross-origin isolated, a page process found from outside, switches that are browser arguments,
//! preferences or environment, the post's claims inside a browser, and no browser process
//! outliving a run, however the run ends. (What every JS engine has, browsers included, is in
//! `tests/js.rs`.)
//!
//! A browser that is not installed is skipped with a note, unless `MEMBENCH_REQUIRE_ALL=1` (CI).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use membench::contiguous::{MaxDecl, MemoryVariant};
use membench::grow::{self, GrowPattern};
use membench::module::MemoryDecl;
use membench::runtime::{Runtime, RuntimeSpec};
use membench::runtimes::browser::{self, Browser};
use membench::runtimes::js;

/// The browser configuration with this id and slug, built, or `None` when it is not installed.
fn browser(id: &str, slug: &str) -> Option<(RuntimeSpec, Box<dyn Runtime>)> {
    let spec = js::specs()
        .into_iter()
        .find(|s| s.id == id && s.slug == slug)
        .unwrap_or_else(|| panic!("no {id} @{slug} in the matrix"));
    let rt = spec
        .build_optional()
        .unwrap_or_else(|e| panic!("{id} @{slug}: {e:#}"))?;
    Some((spec, rt))
}

/// Each page is cross-origin isolated with the browser's fine timer, and the process found for it
/// is one of the session's (it carries the session's marker) and holds the page's memory: the
/// memory's pages appear in that process's maps where the adapter says they are.
#[test]
fn each_page_is_isolated_and_runs_in_the_process_found_for_it() {
    for b in Browser::ALL {
        let Some((_, rt)) = browser(b.id(), "default") else {
            continue;
        };
        let version = rt.version();
        assert!(version.contains("cross-origin isolated"), "{version}");
        let vm = match b {
            Browser::Chromium => "(V8,",
            Browser::Firefox => "(SpiderMonkey,",
            Browser::WebKit => "(JavaScriptCore,",
        };
        assert!(version.contains(vm), "{}: {version}", b.id());
        // Isolated pages get 5 µs (Chromium) or finer; 20 µs (WebKit) at most.
        let resolution: f64 = version
            .split("resolution ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|r| r.parse().ok())
            .unwrap_or_else(|| panic!("no resolution in {version}"));
        assert!(resolution <= 20_000.0, "{}: {version}", b.id());
        // 16 pages: a 4-page memory is the size of one of V8's heap pages, which may appear in the
        // same instant and leave two candidates (the adapter then names none).
        let plan = MemoryVariant::ALL[1].plan_pages(16, 16);
        let compiled = rt.compile(&grow::guest(plan).unwrap()).unwrap();
        let pid = compiled.process().expect("a page process");
        let session = format!("membench-{}-", b.id());
        let names_session = ["environ", "cmdline"].iter().any(|file| {
            membench::procfs::entries_of(pid, file)
                .iter()
                .any(|e| e.contains(&session))
        });
        let ours = names_session && browser::processes_under(&std::env::temp_dir()).contains(&pid);
        assert!(
            ours,
            "{}: process {pid} is not one of the session's (no marker, no profile named)",
            b.id()
        );
        let mut instance = compiled.instantiate().unwrap();
        let info = instance.memory().unwrap();
        assert_eq!(info.process, Some(pid));
        let base = info
            .base
            .unwrap_or_else(|| panic!("{}: the page's memory was not found", b.id()));
        let maps = membench::procfs::maps_of(Some(pid)).unwrap();
        assert!(
            membench::procfs::holds(&maps, base, info.size_bytes as usize),
            "{}: {base:#x} + {} is not accessible in process {pid}",
            b.id(),
            info.size_bytes
        );
    }
}

/// Address space, bytes, that one fresh instance of a 16-page memory with an exact maximum adds to
/// the page's process.
fn reservation(rt: &dyn Runtime) -> u64 {
    let p = grow::Prepared::new(rt, GrowPattern::GrowFail(16), MemoryVariant::ALL[1]).unwrap();
    p.footprint().unwrap().0.reserved_virtual_bytes
}

/// The smallest distance, in bytes, between the bases of `count` live one-page memories (no
/// maximum) among those whose base the adapter found (a memory of one page may appear beside
/// one of V8's heap pages, and the adapter then names no base), and how many it found: inside
/// V8's sandbox no reservation shows in `VmSize`, but the slots memories are carved from bound
/// how close two can be.
fn closest(rt: &dyn Runtime, count: usize) -> (u64, usize) {
    let plan = MemoryVariant::new(MemoryDecl::Defined, MaxDecl::None).plan_pages(1, 1);
    let compiled = rt.compile(&grow::guest(plan).unwrap()).unwrap();
    let mut live = Vec::new();
    let mut bases = Vec::new();
    for _ in 0..count {
        let mut instance = compiled.instantiate().unwrap();
        bases.extend(instance.memory().unwrap().base.map(|b| b as u64));
        live.push(instance);
    }
    bases.sort_unstable();
    let gap = bases
        .windows(2)
        .map(|w| w[1] - w[0])
        .min()
        .unwrap_or(u64::MAX);
    (gap, bases.len())
}

/// Each memory switch changes what it claims, on each memory's own slot, not on where the
/// allocator happens to put the next one (V8 places memories anywhere in its 1 TiB sandbox).
/// Chromium with its wasm trap handler gives each memory a slot of at least 8 GiB (4 GiB and its
/// guard), so no two live memories' bases are closer than that; without it each memory takes
/// less than 8 GiB, so enough live memories must pack closer: 160 of them in 1 TiB have two
/// bases at most 1 TiB / 159 (6.4 GiB) apart (200 are made, and at least 160 must be found). Firefox without huge memory reserves a memory's
/// maximum instead of 4 GiB and a guard; WebKit without fast memory gives a heap buffer (no
/// mapping of its own) instead of a 4 GiB reservation.
#[test]
fn each_browser_memory_switch_changes_what_it_claims() {
    const GIB: u64 = 1 << 30;
    if let (Some((_, on)), Some((_, off))) = (
        browser("chromium-v8", "default"),
        browser("chromium-v8", "no-trap-handler"),
    ) {
        let ((on, found_on), (off, found_off)) =
            (closest(on.as_ref(), 8), closest(off.as_ref(), 200));
        assert!(
            found_on >= 2 && found_off >= 160,
            "{found_on} of 8, {found_off} of 200"
        );
        assert!(
            on >= 8 * GIB,
            "chromium: two of 8 live memories are {on} bytes apart with the trap handler"
        );
        assert!(
            off < 8 * GIB,
            "chromium: no two of {found_off} live memories are closer than {off} bytes without \
             the trap handler: each still takes a slot of 8 GiB or more"
        );
    }
    if let (Some((_, on)), Some((_, off))) = (
        browser("firefox-spidermonkey", "default"),
        browser("firefox-spidermonkey", "no-huge-memory"),
    ) {
        let (on, off) = (reservation(on.as_ref()), reservation(off.as_ref()));
        assert!(
            on >= 4 * GIB && off < GIB,
            "firefox: a 16-page memory reserved {on} bytes with huge memory, {off} without"
        );
    }
    if let (Some((_, on)), Some((_, off))) = (
        browser("webkitgtk-jsc", "default"),
        browser("webkitgtk-jsc", "no-fast-memory"),
    ) {
        let base = |rt: &dyn Runtime| {
            let p =
                grow::Prepared::new(rt, GrowPattern::Grow1At(16), MemoryVariant::ALL[1]).unwrap();
            p.fresh().unwrap().memory().unwrap().base
        };
        assert!(
            base(on.as_ref()).is_some(),
            "webkit: no fast memory by default"
        );
        assert!(
            base(off.as_ref()).is_none(),
            "webkit: a mapping of its own with JSC_useWasmFastMemory=0"
        );
    }
}

/// A warm `copy-i64` over 16 KiB, a working set inside every x86 core's L1 data cache, so the
/// loop is bound by the code the tier emitted rather than by a cache level that differs between
/// machines (at 1 MiB an AMD core with 512 KiB of L2 reads from L3, where the two tiers'
/// `seq-read` ran within 15 % of each other). Of the kernels, copy separated the tiers most
/// (2.4-2.7× in three rounds here; the random kernels, bound by their index arithmetic, by
/// less than 10 %).
fn warm_copy(rt: &dyn Runtime) -> membench::contiguous::Prepared {
    use membench::case::GuestBuild;
    use membench::contiguous::{Kernel, Pattern, Touch, Width};
    let pattern = Pattern {
        kernel: Kernel::Copy,
        width: Width::I64,
        touch: Touch::Warm,
    };
    let mut p = membench::contiguous::Prepared::new(
        rt,
        pattern,
        MemoryVariant::ALL[1],
        16 << 10,
        GuestBuild::Scalar,
    )
    .unwrap();
    // Time for a tiering engine to reach its optimising tier.
    p.run_warm_timed(400).unwrap();
    p
}

/// Each compiler switch runs the tier it names. Firefox: with the optimizing compiler off
/// (`baseline-only`) a warm loop runs slower than with the baseline compiler off (`ion-only`),
/// by more than run-to-run noise. A browser that has just started keeps both cores busy for a
/// while, so the two pages take turns, 7 rounds of 40 engine-timed calls each, and each keeps
/// its fastest round: a burst of the browsers' own work slows a round of either, not one side.
/// WebKit: each `JSC_*` option reaches the web process that runs the page, and an unknown option
/// would have stopped the page from starting. (Chromium's tier switches are checked by asking
/// V8, in `tests/js.rs`.)
#[test]
fn each_browser_tier_switch_runs_the_tier_it_names() {
    if let (Some((_, baseline)), Some((_, ion))) = (
        browser("firefox-spidermonkey", "baseline-only"),
        browser("firefox-spidermonkey", "ion-only"),
    ) {
        let mut pages = [warm_copy(baseline.as_ref()), warm_copy(ion.as_ref())];
        let mut fastest = [f64::INFINITY; 2];
        for _ in 0..7 {
            for (page, best) in pages.iter_mut().zip(&mut fastest) {
                *best = best.min(page.run_warm_timed(40).unwrap().as_secs_f64());
            }
        }
        let [baseline, ion] = fastest;
        assert!(
            baseline > ion * 1.3,
            "firefox: 40 warm calls took {baseline:.6} s baseline-only, {ion:.6} s ion-only"
        );
    }
    for slug in ["no-omg", "no-bbq", "no-fast-memory"] {
        let Some((spec, rt)) = browser("webkitgtk-jsc", slug) else {
            continue;
        };
        let plan = MemoryVariant::ALL[1].plan_pages(1, 1);
        let compiled = rt.compile(&grow::guest(plan).unwrap()).unwrap();
        let pid = compiled.process().expect("a page process");
        let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
        let knob = spec.strategy.as_str();
        assert!(
            environ.split(|&b| b == 0).any(|e| e == knob.as_bytes()),
            "webkit @{slug}: {knob} not in the page process's environment"
        );
    }
}

/// The post's claims in a browser, by `membench verify`'s checks (fewer cycles): 64 KiB pages
/// and declared limits, `RangeError` past the maximum, the detached buffer, out-of-bounds
/// accesses trapping, fresh memory reading zero, and many live memories. Release on drop holds
/// where the page can force a collection (Chromium); Firefox and WebKit give a page none, and the
/// row says so unless their collector took the memories on its own.
#[test]
fn the_seed_claims_are_checked_in_each_browser() {
    use membench::verify::{self, CheckId, Outcome};
    for b in Browser::ALL {
        let Some((spec, rt)) = browser(b.id(), "default") else {
            continue;
        };
        drop(rt);
        let options = verify::Options {
            cycles: 10,
            touch_bytes: 16 << 20,
            spec: false,
            many_memories: 64,
        };
        let v = verify::verify(&spec, options);
        let check = |c: CheckId| {
            v.check(c)
                .unwrap_or_else(|| panic!("{}: no {c} in {:#?}", b.id(), v.checks))
        };
        for c in [
            CheckId::PagesAndLimits,
            CheckId::GrowPastMaximum,
            CheckId::DetachedOnGrow,
            CheckId::Isolation,
            CheckId::IsolationEdges,
            CheckId::FreshMemoryIsZero,
            CheckId::ManyMemories,
        ] {
            let found = check(c);
            assert_eq!(
                found.outcome,
                Outcome::Held,
                "{} {c}: {}",
                b.id(),
                found.detail
            );
        }
        let grow = check(CheckId::GrowPastMaximum);
        assert!(
            grow.detail.contains("RangeError"),
            "{}: {}",
            b.id(),
            grow.detail
        );
        for c in [CheckId::ReleasedOnDrop, CheckId::ReleasedWithHandleKept] {
            let found = check(c);
            match b {
                Browser::Chromium => {
                    assert_eq!(
                        found.outcome,
                        Outcome::Held,
                        "{} {c}: {}",
                        b.id(),
                        found.detail
                    )
                }
                _ => assert!(
                    found.outcome == Outcome::Held
                        || (found.outcome == Outcome::NotApplicable
                            && found.detail.contains("no way to force a collection")),
                    "{} {c}: {:?} {}",
                    b.id(),
                    found.outcome,
                    found.detail
                ),
            }
        }
    }
}

/// WebKit gives fast memory to 8 live memories, dropped ones keep theirs until collected, and a
/// page cannot force a collection: a fresh instance past that point gets a heap buffer. It is
/// refused as not measured rather than measured as this configuration's: every fresh instance
/// either has a mapping of its own or says why it is not measured.
#[test]
fn webkit_fresh_instances_never_silently_fall_back_to_heap_buffers() {
    let Some((_, rt)) = browser("webkitgtk-jsc", "default") else {
        return;
    };
    let p =
        grow::Prepared::new(rt.as_ref(), GrowPattern::Grow1At(16), MemoryVariant::ALL[1]).unwrap();
    let mut refused = 0;
    for k in 0..24 {
        match p.fresh() {
            Ok(mut instance) => assert!(
                instance.memory().unwrap().base.is_some(),
                "fresh instance {k} was measured on a heap buffer"
            ),
            Err(e) => {
                assert_eq!(
                    membench::record::NotMeasured::of(&e),
                    membench::record::FailureKind::Unsupported,
                    "{e:#}"
                );
                refused += 1;
            }
        }
    }
    eprintln!("webkitgtk-jsc: {refused} of 24 fresh instances refused as not measured");
}

/// When `MEMBENCH_HOLD_BROWSER` names a browser, starts it and keeps its page busy until killed:
/// the harness [`nothing_outlives_an_interrupted_run`] interrupts. Does nothing otherwise.
#[test]
#[ignore = "run by nothing_outlives_an_interrupted_run as the harness it interrupts"]
fn hold_a_browser_until_killed() {
    let Ok(id) = std::env::var("MEMBENCH_HOLD_BROWSER") else {
        return;
    };
    let (_, rt) = browser(&id, "default").expect("installed");
    let p =
        grow::Prepared::new(rt.as_ref(), GrowPattern::Grow1At(16), MemoryVariant::ALL[1]).unwrap();
    println!("ready");
    // Mid-run: fresh instances, grows and drops until the signal comes.
    let until = Instant::now() + Duration::from_secs(120);
    while Instant::now() < until {
        // WebKit refuses fresh instances past its fast memories (see above): the page stays busy.
        match p.fresh() {
            Ok(mut instance) => p.run(instance.as_mut()).map(drop).unwrap(),
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    panic!("not interrupted within 2 minutes");
}

/// Nothing outlives a run: a harness holding a browser mid-run is sent SIGINT (what Ctrl-C
/// sends), and separately SIGKILL (which no handler sees), and within 5 s no process that uses its
/// sessions' directory (the profile) is left, for every installed browser. A process group would
/// not do this for SIGKILL: the browser's PID namespace does.
#[test]
fn nothing_outlives_an_interrupted_run() {
    for b in Browser::ALL {
        if b.find().is_none() {
            if std::env::var("MEMBENCH_REQUIRE_ALL").as_deref() == Ok("1") {
                panic!("{} is not installed: {}", b.name(), b.install_hint());
            }
            eprintln!("skipped ({}): not installed", b.id());
            continue;
        }
        for signal in [libc::SIGINT, libc::SIGKILL] {
            let root: PathBuf = std::env::temp_dir().join(format!(
                "membench-interrupt-{}-{}-{signal}",
                std::process::id(),
                b.id()
            ));
            std::fs::create_dir_all(&root).unwrap();
            let mut command = Command::new(std::env::current_exe().unwrap());
            command
                .args([
                    "--exact",
                    "hold_a_browser_until_killed",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("MEMBENCH_HOLD_BROWSER", b.id())
                .env(browser::DIR_VARIABLE, &root)
                .stdout(Stdio::piped())
                .stderr(Stdio::null());
            // SAFETY: `signal` is async-signal-safe, called in the child between fork and exec:
            // SIGINT at its default even if this test inherited it ignored (a background job).
            unsafe {
                use std::os::unix::process::CommandExt;
                command.pre_exec(|| {
                    libc::signal(libc::SIGINT, libc::SIG_DFL);
                    Ok(())
                });
            }
            let mut harness = command.spawn().unwrap();
            let mut lines = BufReader::new(harness.stdout.take().unwrap()).lines();
            let ready = lines.any(|l| l.is_ok_and(|l| l.contains("ready")));
            assert!(
                ready,
                "{}: the harness did not get its browser going",
                b.id()
            );
            std::thread::sleep(Duration::from_millis(500));
            let running = browser::processes_under(&root);
            assert!(
                running.len() >= 2,
                "{}: expected the browser's processes mid-run, found {running:?}",
                b.id()
            );
            // SAFETY: signalling a child of ours that has not been reaped.
            unsafe { libc::kill(harness.id() as i32, signal) };
            let status = harness.wait().unwrap();
            let signalled = Instant::now();
            let mut left = browser::processes_under(&root);
            while !left.is_empty() && signalled.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(20));
                left = browser::processes_under(&root);
            }
            assert!(
                left.is_empty(),
                "{} after signal {signal} ({status}): {} of {} processes still use {}: {left:?}",
                b.id(),
                left.len(),
                running.len(),
                root.display()
            );
            eprintln!(
                "{} signal {signal}: {} processes gone in {:?}",
                b.id(),
                running.len(),
                signalled.elapsed()
            );
            let _ = std::fs::remove_dir_all(&root);
        }
    }
}
