//! The seed's fifth claim: out-of-bounds accesses trap, a canary mapped right after the memory's
//! reservation stays intact, a second instance is untouched, and a new instance reads zeros.

use super::*;

/// The size of the canary mapped right after a memory's reservation: one wasm page.
pub const CANARY_BYTES: usize = 65536;

/// The canary's name in `/proc/self/maps` (`[anon:membench-canary]`), where the kernel names
/// anonymous mappings (`CONFIG_ANON_VMA_NAME`).
pub const CANARY_NAME: &std::ffi::CStr = c"membench-canary";

/// A private anonymous mapping of [`CANARY_BYTES`], filled with a pattern without zero bytes, at an
/// address chosen by the caller: where a stray access past a memory's reservation would land.
pub(super) struct Canary {
    pub(super) addr: usize,
}

impl Canary {
    /// Maps the canary at `addr`, or `None` if anything is mapped there (`MAP_FIXED_NOREPLACE`
    /// never replaces a mapping).
    fn map_at(addr: usize) -> Option<Canary> {
        // SAFETY: MAP_FIXED_NOREPLACE fails rather than replace an existing mapping, so this maps
        // fresh memory or nothing.
        let p = unsafe {
            libc::mmap(
                addr as *mut libc::c_void,
                CANARY_BYTES,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return None;
        }
        if p as usize != addr {
            // A kernel older than 4.17 ignores the flag and maps elsewhere.
            // SAFETY: unmaps the mapping just made.
            unsafe { libc::munmap(p, CANARY_BYTES) };
            return None;
        }
        let canary = Canary { addr };
        // Flags of its own, so the kernel never merges the canary with a neighbouring mapping of
        // the same protection (the memory's), and /proc/self/maps keeps showing where it is; and
        // a name where the kernel supports naming anonymous mappings.
        // SAFETY: advice and a name for the mapping made above; neither changes its contents.
        unsafe {
            libc::madvise(addr as *mut libc::c_void, CANARY_BYTES, libc::MADV_DONTDUMP);
            libc::prctl(
                libc::PR_SET_VMA,
                libc::PR_SET_VMA_ANON_NAME as libc::c_ulong,
                addr as libc::c_ulong,
                CANARY_BYTES as libc::c_ulong,
                CANARY_NAME.as_ptr() as libc::c_ulong,
            );
        }
        for k in 0..CANARY_BYTES {
            // SAFETY: inside the mapping made above.
            unsafe { ((addr + k) as *mut u8).write_volatile(Self::pattern(k)) };
        }
        Some(canary)
    }

    /// The byte at offset `k`: never zero, so a load that reads the canary is told from fresh memory.
    fn pattern(k: usize) -> u8 {
        (k % 251) as u8 + 1
    }

    /// How many bytes differ from the pattern.
    fn changed(&self) -> usize {
        (0..CANARY_BYTES)
            // SAFETY: inside the mapping, alive as long as `self`.
            .filter(
                |&k| unsafe { ((self.addr + k) as *const u8).read_volatile() } != Self::pattern(k),
            )
            .count()
    }
}

impl Drop for Canary {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping made in `map_at`.
        unsafe { libc::munmap(self.addr as *mut libc::c_void, CANARY_BYTES) };
    }
}

/// Where the canary of one probed memory is.
pub(super) enum Site {
    /// Mapped right after the memory's reservation.
    Placed(Canary),
    /// Not placed, and why.
    Absent(String),
}

/// How often [`with_canary`] makes room for the canary before saying the neighbour is taken.
pub(super) const CANARY_ATTEMPTS: usize = 6;

/// A mapping run larger than this (a pool of memory slots) is not moved to make room for a canary.
pub(super) const CANARY_MAX_SPAN: usize = 16 << 30;

/// Makes an instance with `make` whose memory has a canary mapped right after its reservation
/// (the memory's mapping run, [`procfs::surroundings`]), where a stray access past the
/// reservation would land first.
///
/// New mappings are packed top-down, so the address after a fresh reservation is usually taken by
/// the mapping made before it. Then the instance is dropped, room for its run and the canary is
/// made where the kernel puts the next mapping, the canary is mapped at the top of it, and the
/// instance is made again (up to [`CANARY_ATTEMPTS`] times, keeping the instances that landed
/// elsewhere alive meanwhile, so the next one cannot land there). When that fails, [`Site::Absent`]
/// says what is mapped there instead.
pub(super) fn with_canary<T>(
    mut make: impl FnMut() -> Result<T>,
    mut info: impl FnMut(&mut T) -> Result<MemoryInfo>,
) -> Result<(T, Site)> {
    let mut item = make()?;
    let i = info(&mut item)?;
    if let Some(pid) = i.process {
        // The out-of-bounds probes still run; only the canary cannot be placed.
        return Ok((
            item,
            Site::Absent(format!(
                "the memory lives in engine process {pid}, and a canary can only be mapped in \
                 this one"
            )),
        ));
    }
    let Some(base) = i.base else {
        return Ok((
            item,
            Site::Absent("the runtime gave no address for the memory".into()),
        ));
    };
    let Some(s) = procfs::surroundings(base, i.size_bytes as usize)? else {
        return Ok((
            item,
            Site::Absent(format!(
                "no mapping holds the memory's base {base:#x}, so nothing lies next to it"
            )),
        ));
    };
    if s.inside_host_mapping() && i.heap_backed {
        let host = s.next.as_ref().map(|m| m.to_string()).unwrap_or_default();
        return Ok((
            item,
            Site::Absent(format!(
                "the memory is a heap buffer inside the host mapping {host}: the bytes after it are the host's own, no canary can be mapped there"
            )),
        ));
    }
    // (A memory of its own mapping that shows inside a larger one was merged by the kernel with
    // an accessible neighbour of the same protection: that neighbour takes the address after it.)
    if s.next.is_none() {
        if let Some(canary) = Canary::map_at(s.end) {
            return Ok((item, Site::Placed(canary)));
        }
    }
    let taken = |s: &procfs::Surroundings, base: usize| {
        format!(
            "the address after the reservation ({:#x}, base + {:#x}) is taken by {}",
            s.end,
            s.end - base,
            s.next
                .as_ref()
                .map_or("a mapping made meanwhile".to_string(), |m| m.to_string())
        )
    };
    if s.span() > CANARY_MAX_SPAN {
        return Ok((
            item,
            Site::Absent(format!(
                "{}; the mapping run holding the memory ({}) is too large to move for a canary",
                taken(&s, base),
                mib(s.span() as i64)
            )),
        ));
    }
    let span = s.span();
    let mut last = taken(&s, base);
    let mut parked = Vec::new();
    drop(item);
    for _ in 0..CANARY_ATTEMPTS {
        // SAFETY: reserves fresh address space and unmaps exactly it at once: only the address the
        // kernel picks is used.
        let hole = unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                span + CANARY_BYTES,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            );
            ensure!(
                p != libc::MAP_FAILED,
                "reserving room for the canary: {}",
                std::io::Error::last_os_error()
            );
            libc::munmap(p, span + CANARY_BYTES);
            p as usize
        };
        let canary = Canary::map_at(hole + span);
        let mut item = make()?;
        let i = info(&mut item)?;
        let surroundings = match i.base {
            Some(base) => procfs::surroundings(base, i.size_bytes as usize)?.map(|s| (base, s)),
            None => None,
        };
        let Some((base, s)) = surroundings else {
            parked.push(item);
            continue;
        };
        match canary {
            Some(canary) if canary.addr == s.end => return Ok((item, Site::Placed(canary))),
            _ => {}
        }
        // The kernel may align a large mapping (to 2 MiB, for transparent huge pages), leaving a
        // gap between its end and the room made for it: then the canary goes into that gap.
        if s.next.is_none() {
            if let Some(canary) = Canary::map_at(s.end) {
                return Ok((item, Site::Placed(canary)));
            }
        }
        last = taken(&s, base);
        parked.push(item);
    }
    let item = parked.pop().context("no attempt was made")?;
    drop(parked);
    Ok((
        item,
        Site::Absent(format!(
            "{last} ({CANARY_ATTEMPTS} attempts to make room for a canary there failed)"
        )),
    ))
}

/// One kind of guest access at an address.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Load,
    Store,
}

impl Op {
    pub(super) fn name(self) -> &'static str {
        match self {
            Op::Load => "load",
            Op::Store => "store",
        }
    }
}

/// Loads and stores of every width in `widths` at the canary, when a 32-bit address reaches it
/// (a store there can only write the canary: it is mapped, and ours). Appends escapes, counts
/// probes, and returns how the site reads for the detail.
pub(super) fn probe_canary(
    site: &Site,
    info: MemoryInfo,
    widths: &[u32],
    access: &mut dyn FnMut(Op, u32, u32) -> Result<u64>,
    escapes: &mut Vec<String>,
    probes: &mut u32,
) -> Result<String> {
    let canary = match site {
        Site::Absent(why) => return Ok(format!("no canary: {why}")),
        Site::Placed(canary) => canary,
    };
    // A canary is placed only beside a memory of this process, which has an address.
    let base = info.in_this_process("probing the canary")?;
    let offset = canary.addr as i128 - base as i128;
    let reach = if offset < info.size_bytes as i128 {
        format!(
            "at {:#x}, which the memory (now at {base:#x}) moved away from",
            canary.addr
        )
    } else if offset + CANARY_BYTES as i128 > 1 << 32 {
        format!("at base + {offset:#x}, beyond what a 32-bit address reaches")
    } else {
        let offset = offset as u32;
        for &w in widths {
            for addr in [offset, offset + CANARY_BYTES as u32 - w] {
                for op in [Op::Load, Op::Store] {
                    *probes += 1;
                    match access(op, w, addr) {
                        Ok(v) => escapes.push(format!(
                            "{w}-byte {} at {addr:#x} (the canary after the reservation) did not trap{}",
                            op.name(),
                            if op == Op::Load {
                                format!(": read {v:#x}")
                            } else {
                                String::new()
                            }
                        )),
                        Err(e) => ensure!(
                            is_trap(&e),
                            "{w}-byte {} at {addr:#x} was not a trap: {e:#}",
                            op.name()
                        ),
                    }
                }
            }
        }
        format!("at base + {offset:#x}, probed")
    };
    let changed = canary.changed();
    if changed > 0 {
        // First, so the shortened list of escapes keeps it.
        escapes.insert(
            0,
            format!("{changed} byte(s) of the canary mapped after the reservation changed"),
        );
    }
    Ok(format!(
        "canary right after the reservation {reach}, {}",
        if changed == 0 { "intact" } else { "CHANGED" }
    ))
}

/// Claim 5: loads and stores of 1, 2, 4 and 8 bytes at the last valid address succeed and one byte
/// further trap, at the initial size and after a grow; a canary mapped right after the memory's
/// reservation (where a stray access would land: [`with_canary`]) and a second instance's memory
/// are unchanged by it all, and accesses at the canary's address trap where a 32-bit address
/// reaches it.
pub(super) fn isolation(rt: &dyn Runtime) -> Result<(bool, String)> {
    let plan = MemoryVariant::new(MemoryDecl::Defined, MaxDecl::Large).plan_pages(2, 2);
    let compiled = compile(rt, plan)?;
    let mut other = compiled.instantiate()?;
    other.call("store_n", [65536 - 8, 8, 0x5A])?;
    let other_before = other.call("sum_bytes", [0, 2 * 65536, 0])?;
    let (mut i, site) = with_canary(|| compiled.instantiate(), |i| i.memory())?;
    let mut probes = 0;
    let mut escapes = Vec::new();
    let mut sites = Vec::new();
    for grown in [false, true] {
        if grown {
            ensure!(i.call("grow", [3, 0, 0])? == 2, "grow by 3 pages failed");
        }
        let info = i.memory()?;
        let end = info.size_bytes as u32;
        for width in [1u32, 2, 4, 8] {
            let last = end - width;
            i.call("store_n", [last, width, 0xA5])?;
            let v = i.call("load_n", [last, width, 0])?;
            ensure!(
                v & 0xFF == 0xA5,
                "width {width} at {last}: read back {v:#x}"
            );
            for (op, value) in [(Op::Load, 0), (Op::Store, 0xEE)] {
                let export = format!("{}_n", op.name());
                probes += 1;
                match i.call(&export, [last + 1, width, value]) {
                    Ok(v) => escapes.push(format!(
                        "{export} of {width} bytes at {} (one past the last valid address) returned {v:#x}",
                        last + 1
                    )),
                    Err(e) => ensure!(
                        is_trap(&e),
                        "{export} out of bounds was not a trap: {e:#}"
                    ),
                }
            }
        }
        let mut access =
            |op: Op, w: u32, addr: u32| i.call(&format!("{}_n", op.name()), [addr, w, 0xEE]);
        let note = probe_canary(&site, info, &[1, 8], &mut access, &mut escapes, &mut probes)?;
        sites.push(format!("at {} pages: {note}", end / 65536));
    }
    ensure!(
        other.call("sum_bytes", [0, 2 * 65536, 0])? == other_before,
        "the other instance's memory changed"
    );
    if let Some(verdict) = escaped(&escapes, &sites) {
        return Ok(verdict);
    }
    Ok((
        true,
        format!("{probes} out-of-bounds accesses (widths 1, 2, 4, 8 one past the end at 2 and 5 pages; 1 and 8 at the canary where reachable) trapped; second instance intact; {}; 16-byte (SIMD) accesses not checked here: guests are built without simd128 (see isolation-edges)", sites.join("; ")),
    ))
}

/// A new instance reads zeros where the previous one wrote a secret (with the pooling allocator,
/// the same slot is reused).
pub(super) fn fresh_memory_is_zero(rt: &dyn Runtime) -> Result<(bool, String)> {
    let plan = MemoryVariant::new(MemoryDecl::Defined, MaxDecl::None).plan_pages(4, 4);
    let compiled = compile(rt, plan)?;
    let secret_at = [65536 * 2 + 100, 65536 * 3 + 65535];
    {
        let mut a = compiled.instantiate()?;
        for addr in secret_at {
            a.call("store_u8", [addr, 0x77, 0])?;
        }
        a.call("grow", [2, 0, 0])?;
        a.call("store_u8", [65536 * 5 + 7, 0x77, 0])?;
    }
    let mut b = compiled.instantiate()?;
    let mut seen = 0u64;
    for addr in secret_at {
        seen += b.call("load_u8", [addr, 0, 0])?;
    }
    b.call("grow", [2, 0, 0])?;
    seen += b.call("sum_bytes", [65536, 5 * 65536, 0])?;
    Ok((
        seen == 0,
        format!(
            "the next instance read {seen} non-zero byte value(s) where the previous one wrote"
        ),
    ))
}
