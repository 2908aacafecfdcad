//! The checks of `membench verify` against a fake runtime with one chosen defect each: every check
//! must catch the defect it targets (and a fake without defects must pass), so none of them holds
//! by construction.
//!
//! The fake keeps its memory in a mapping of exactly the memory's size, bounds-checks every access
//! in the host, and can be told to misbehave:
//! - `torn_store`: a store that straddles the end writes the bytes past it too, then traps (so
//!   the probe sees a trap, and only the canary mapped right after the memory can tell). For
//!   safety the bytes past the end are written only when a canary-sized mapping sits right there.
//! - `leak_kept`: the memory a host kept after dropping the instance is never unmapped.
//! - `discard_kept`: handing the memory to the host throws its contents away.
//! - `no_shared`: the engine refuses a shared memory (a typed *unsupported*, as engines do).
//! - `no_import`: the binding cannot hand the guest a memory at all (every imported memory is a
//!   typed *binding* gap, as wamrx's and wasm3x's `Linker`s are).

use std::sync::Mutex;

use anyhow::{anyhow, bail, Result};
use membench::module::{MemoryDecl, MemoryPlan};
use membench::record::NotMeasured;
use membench::runtime::{
    self, Compiled, GuestModule, Instance, KeptMemory, MemoryInfo, Runtime, RuntimeSpec, Trap,
};
use membench::verify::{self, CheckId, Outcome, Verdict};

/// Address-space figures are process-wide: one test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

#[derive(Clone, Copy, Default)]
struct Faults {
    torn_store: bool,
    leak_kept: bool,
    discard_kept: bool,
    no_shared: bool,
    no_import: bool,
}

struct Fake(Faults);

impl Runtime for Fake {
    fn id(&self) -> &str {
        "fake-runtime"
    }
    fn strategy(&self) -> &str {
        "default"
    }
    fn version(&self) -> &'static str {
        "0"
    }
    fn compile(&self, module: &GuestModule) -> Result<Box<dyn Compiled>> {
        let unsupported = |why: &str| anyhow::Error::new(NotMeasured::unsupported(why.to_string()));
        if self.0.no_import && module.memory.decl == MemoryDecl::Imported {
            return Err(anyhow::Error::new(NotMeasured::binding(
                "fakex 0.1's Linker defines only host functions: a module cannot import a memory"
                    .to_string(),
            )));
        }
        if self.0.no_shared && module.memory.shared {
            return Err(unsupported(
                "fake-runtime refuses a shared memory: threads must be enabled",
            ));
        }
        // The fake's memory is wasm 1.0's: it refuses what an engine without the memory64,
        // custom-page-sizes and multi-memory proposals refuses.
        let memories: u32 = wasmparser::Parser::new(0)
            .parse_all(&module.wasm)
            .filter_map(|p| match p {
                Ok(wasmparser::Payload::MemorySection(r)) => Some(r.count()),
                _ => None,
            })
            .sum();
        anyhow::ensure!(
            !module.memory.memory64 && module.memory.page_size_log2.is_none() && memories <= 1,
            "the fake runtime has no memory64, custom page sizes or multi-memory"
        );
        Ok(Box::new(FakeCompiled {
            plan: module.memory,
            faults: self.0,
        }))
    }
}

struct FakeCompiled {
    plan: MemoryPlan,
    faults: Faults,
}

impl Compiled for FakeCompiled {
    fn instantiate_timed(&self) -> Result<(Box<dyn Instance>, std::time::Duration)> {
        let start = std::time::Instant::now();
        let instance = FakeInstance {
            memory: Mapped::new((self.plan.initial * 65536) as usize)?,
            maximum: self.plan.maximum,
            faults: self.faults,
            exports: Vec::new(),
        };
        Ok((Box::new(instance), start.elapsed()))
    }

    fn timed_instantiation(&self) -> &'static str {
        "a private mapping"
    }
}

/// Memory in a private mapping of exactly `len` bytes (none when empty).
struct Mapped {
    base: usize,
    len: usize,
}

impl Mapped {
    fn new(len: usize) -> Result<Self> {
        if len == 0 {
            return Ok(Self { base: 0, len: 0 });
        }
        // SAFETY: a fresh anonymous mapping.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            bail!("mmap: {}", std::io::Error::last_os_error());
        }
        Ok(Self {
            base: p as usize,
            len,
        })
    }

    fn byte(&self, addr: usize) -> u8 {
        // SAFETY: callers check `addr < len`.
        unsafe { ((self.base + addr) as *const u8).read_volatile() }
    }

    fn set(&mut self, addr: usize, value: u8) {
        // SAFETY: callers check `addr < len`.
        unsafe { ((self.base + addr) as *mut u8).write_volatile(value) }
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        if self.len > 0 {
            // SAFETY: unmaps the mapping made in `new`.
            unsafe { libc::munmap(self.base as *mut libc::c_void, self.len) };
        }
    }
}

struct FakeInstance {
    memory: Mapped,
    maximum: Option<u64>,
    faults: Faults,
    /// Resolved export names, as [`membench::runtime::resolve_export`] keeps them.
    exports: Vec<(String, ())>,
}

fn trap<T>() -> Result<T> {
    Err(anyhow::Error::new(Trap {
        message: "out of bounds memory access".into(),
    }))
}

impl FakeInstance {
    fn load(&mut self, addr: u32, width: u32) -> Result<u64> {
        let (addr, width) = (addr as usize, width as usize);
        if addr + width > self.memory.len {
            return trap();
        }
        Ok((0..width.min(8))
            .map(|k| u64::from(self.memory.byte(addr + k)) << (8 * k))
            .sum())
    }

    fn store(&mut self, addr: u32, width: u32, value: u8) -> Result<u64> {
        let (addr, width) = (addr as usize, width as usize);
        if addr + width <= self.memory.len {
            for k in 0..width {
                self.memory.set(addr + k, value);
            }
            return Ok(0);
        }
        if self.faults.torn_store && addr < self.memory.len && self.canary_follows() {
            let end = self.memory.base + self.memory.len;
            for k in 0..width {
                let at = self.memory.base + addr + k;
                if at < end {
                    self.memory.set(addr + k, value);
                } else {
                    // SAFETY: `canary_follows` found a canary-sized private mapping at `end`, and
                    // `at` lies within 16 bytes of it.
                    unsafe { (at as *mut u8).write_volatile(value) };
                }
            }
        }
        trap()
    }

    /// Whether a mapping the size of verify's canary starts right where the memory ends.
    fn canary_follows(&self) -> bool {
        let end = self.memory.base + self.memory.len;
        membench::procfs::maps().is_ok_and(|maps| {
            maps.iter().any(|m| {
                m.start == end
                    && m.end - m.start == verify::CANARY_BYTES
                    && m.perms == "rw-p"
                    && (m.name.is_empty() || m.name == "[anon:membench-canary]")
            })
        })
    }

    fn grow_pages(&mut self, delta: u64) -> Option<u64> {
        let old = self.memory.len as u64 / 65536;
        let new = old.checked_add(delta)?;
        if new > self.maximum.unwrap_or(65536) {
            return None;
        }
        let mut grown = Mapped::new((new * 65536) as usize).ok()?;
        for a in 0..self.memory.len {
            let b = self.memory.byte(a);
            if b != 0 {
                grown.set(a, b);
            }
        }
        self.memory = grown;
        Some(old)
    }
}

impl FakeInstance {
    /// What each export does, by name.
    fn dispatch(&mut self, name: &str, [a, b, c]: [u32; 3]) -> Result<u64> {
        let result = match name {
            "size" => Ok(self.memory.len as u64 / 65536),
            "grow" => Ok(self.grow_pages(u64::from(a)).unwrap_or(u64::from(u32::MAX))),
            "load_u8" => self.load(a, 1),
            "store_u8" => self.store(a, 1, b as u8),
            "load_n" => self.load(a, b),
            "store_n" => self.store(a, b, c as u8),
            "sum_bytes" => {
                if a as usize + b as usize > self.memory.len {
                    trap()
                } else {
                    Ok((a..a + b)
                        .map(|x| u64::from(self.memory.byte(x as usize)))
                        .sum())
                }
            }
            "touch_pages" => {
                let mut touched = 0;
                for x in (a..a + b).step_by(c.max(1) as usize) {
                    self.store(x, 1, 1)?;
                    touched += 1;
                }
                Ok(touched)
            }
            _ => match (name.strip_prefix("load"), name.strip_prefix("store")) {
                (Some(w), _) => self.load(a, w.parse()?),
                (_, Some(w)) => {
                    let w: u32 = w.parse()?;
                    self.store(a, w, if w == 16 { 0xFF } else { 0xA5 })
                }
                _ => Err(anyhow!(runtime::export_error(name))),
            },
        };
        result.map_err(|e| e.context(format!("calling `{name}`")))
    }
}

impl Instance for FakeInstance {
    fn export(&mut self, name: &str) -> Result<membench::runtime::Export> {
        membench::runtime::resolve_export(&mut self.exports, name, || Ok(()))
    }

    fn call_export(&mut self, export: membench::runtime::Export, args: [u32; 3]) -> Result<u64> {
        let name = self.exports[export.index()].0.clone();
        self.dispatch(&name, args)
    }

    fn memory(&mut self) -> Result<MemoryInfo> {
        Ok(MemoryInfo {
            size_bytes: self.memory.len as u64,
            maximum_pages: self.maximum,
            base: Some(self.memory.base),
            heap_backed: false,
            process: None,
        })
    }

    fn grow(&mut self, delta: u64) -> Result<u64> {
        let old = self.memory.len as u64 / 65536;
        self.grow_pages(delta)
            .ok_or_else(|| anyhow!(runtime::grow_error(old, delta, self.maximum)))
    }

    fn into_memory(self: Box<Self>) -> Box<dyn KeptMemory> {
        let memory = self.memory;
        if self.faults.discard_kept && memory.len > 0 {
            // SAFETY: drops the pages of the fake's own mapping; they read zero afterwards.
            unsafe {
                libc::madvise(
                    memory.base as *mut libc::c_void,
                    memory.len,
                    libc::MADV_DONTNEED,
                )
            };
        }
        Box::new(Kept {
            memory,
            leak: self.faults.leak_kept,
        })
    }
}

/// A kept memory: reads like the instance's, and unmaps it on drop unless told to leak.
struct Kept {
    memory: Mapped,
    leak: bool,
}

impl Drop for Kept {
    fn drop(&mut self) {
        if self.leak {
            // `Mapped::drop` unmaps nothing of a memory of length 0.
            self.memory.len = 0;
        }
    }
}

impl KeptMemory for Kept {
    fn read(&mut self, offset: usize, len: usize) -> Result<Vec<u8>> {
        let m = &self.memory;
        if offset + len > m.len {
            bail!("[{offset}, +{len}) is past the {} bytes", m.len);
        }
        Ok((offset..offset + len).map(|a| m.byte(a)).collect())
    }
}

fn verify_fake(faults: Faults) -> Verdict {
    let spec = RuntimeSpec {
        id: "fake-runtime",
        strategy: "default".into(),
        slug: "default",
        default: true,
        native: false,
        interpreter: false,
        grow_bound_pages: None,
        memory_limit_pages: None,
        out_of_process: false,
        build: Box::new(move || Ok(Box::new(Fake(faults)))),
    };
    verify::verify(
        &spec,
        verify::Options {
            cycles: 12,
            touch_bytes: 8 << 20,
            spec: false,
            many_memories: 64,
        },
    )
}

fn check(verdict: &Verdict, id: CheckId) -> &verify::Check {
    verdict
        .check(id)
        .unwrap_or_else(|| panic!("no {id} in {verdict:#?}"))
}

#[test]
fn a_fake_without_defects_passes_every_check() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let verdict = verify_fake(Faults::default());
    let failed: Vec<_> = verdict.checks.iter().filter(|c| c.is_failure()).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    for id in [CheckId::Isolation, CheckId::IsolationEdges] {
        let c = check(&verdict, id);
        assert_eq!(c.outcome, Outcome::Held, "{c:?}");
        // The fake's memory is a mapping of exactly its size: the canary goes right after it.
        assert!(
            c.detail
                .contains("canary right after the reservation at base + 0x"),
            "{c:?}"
        );
    }
    let reserve = verdict.reserve_ahead.as_ref().unwrap();
    assert_eq!(reserve.reservation, verify::Reservation::OnlyUsed);
}

#[test]
fn a_store_that_writes_past_the_end_and_then_traps_is_caught_by_the_canary() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let verdict = verify_fake(Faults {
        torn_store: true,
        ..Faults::default()
    });
    for id in [CheckId::Isolation, CheckId::IsolationEdges] {
        let c = check(&verdict, id);
        assert_eq!(c.outcome, Outcome::DidNotHold, "{c:?}");
        assert!(c.is_failure(), "{c:?}");
        assert!(
            c.detail
                .contains("of the canary mapped after the reservation changed"),
            "{c:?}"
        );
    }
}

#[test]
fn a_kept_memory_that_is_never_freed_is_caught() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let verdict = verify_fake(Faults {
        leak_kept: true,
        ..Faults::default()
    });
    let c = check(&verdict, CheckId::ReleasedWithHandleKept);
    assert_eq!(c.outcome, Outcome::DidNotHold, "{c:?}");
    assert!(c.is_failure());
    assert_eq!(
        check(&verdict, CheckId::ReleasedOnDrop).outcome,
        Outcome::Held
    );
}

#[test]
fn a_kept_memory_that_lost_its_contents_is_caught() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let verdict = verify_fake(Faults {
        discard_kept: true,
        ..Faults::default()
    });
    let c = check(&verdict, CheckId::ReleasedWithHandleKept);
    assert_eq!(c.outcome, Outcome::DidNotHold, "{c:?}");
    assert!(c.detail.contains("did not read back"), "{c:?}");
}

/// A binding that cannot import any memory is not the engine refusing a shared one: its shared
/// finding is "not supported by the binding", with the binding's words; an engine that refuses
/// only the shared memory is "refused".
#[test]
fn a_binding_that_cannot_import_a_memory_is_not_an_engine_refusing_a_shared_one() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let binding = verify_fake(Faults {
        no_import: true,
        ..Faults::default()
    });
    let shared = binding
        .reserve_ahead
        .as_ref()
        .and_then(|r| r.shared.clone());
    match &shared {
        Some(verify::SharedReserve::NotInBinding { why }) => {
            assert!(why.contains("fakex 0.1's Linker"), "{why}")
        }
        other => panic!("{other:?}"),
    }
    let detail = &check(&binding, CheckId::ReserveAhead).detail;
    assert!(
        detail.contains("a shared memory: not supported by the binding (")
            && !detail.contains("refused"),
        "{detail}"
    );
    let engine = verify_fake(Faults {
        no_shared: true,
        ..Faults::default()
    });
    match engine
        .reserve_ahead
        .as_ref()
        .and_then(|r| r.shared.as_ref())
    {
        Some(verify::SharedReserve::Refused { error }) => {
            assert!(error.contains("threads must be enabled"), "{error}")
        }
        other => panic!("{other:?}"),
    }
}
