//! Process memory figures from `/proc/self` (or the engine process a runtime's memories live in),
//! for what a runtime reserves and makes resident.

use anyhow::{Context, Result};

pub use membench_data::procfs::ReservedBasis;

/// `VmSize` (virtual address space) and `VmRSS` (resident) of this process, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProcMemory {
    /// Virtual address space mapped, bytes.
    pub virtual_bytes: u64,
    /// Resident set, bytes.
    pub resident_bytes: u64,
}

/// `/proc/<pid>/<file>`, or `/proc/self/<file>` for `None`.
fn proc_file(pid: Option<u32>, file: &str) -> String {
    match pid {
        Some(pid) => format!("/proc/{pid}/{file}"),
        None => format!("/proc/self/{file}"),
    }
}

/// Reads `/proc/self/status`.
pub fn read() -> Result<ProcMemory> {
    read_of(None)
}

/// Reads `/proc/<pid>/status`, or `/proc/self/status` for `None`: the process a runtime's memories
/// live in ([`crate::runtime::Compiled::process`]).
pub fn read_of(pid: Option<u32>) -> Result<ProcMemory> {
    let path = proc_file(pid, "status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    Ok(ProcMemory {
        virtual_bytes: field_kib(&status, "VmSize:")? * 1024,
        resident_bytes: field_kib(&status, "VmRSS:")? * 1024,
    })
}

/// `RssAnon` of `/proc/<pid>/status` in bytes: the anonymous memory a process has resident, which
/// a block the process writes through grows by its size (how the browser adapter tells which of a
/// browser's processes runs its page). `None` when the process is gone or shows no such field (a
/// zombie).
pub fn anon_resident_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(proc_file(Some(pid), "status")).ok()?;
    field_kib(&status, "RssAnon:").ok().map(|kib| kib * 1024)
}

/// Every process's pid, from the numbered entries of `/proc`.
pub fn pids() -> impl Iterator<Item = u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse().ok())
}

/// The NUL-separated entries of `/proc/<pid>/<file>` (`cmdline`, `environ`) as text; none for a
/// zombie or a process that is gone.
pub fn entries_of(pid: u32, file: &str) -> Vec<String> {
    std::fs::read(proc_file(Some(pid), file))
        .unwrap_or_default()
        .split(|&b| b == 0)
        .filter(|e| !e.is_empty())
        .map(|e| String::from_utf8_lossy(e).into_owned())
        .collect()
}

/// Every live descendant of `root` (children, their children, ...), from the parent pids in
/// `/proc/<pid>/stat`: the processes a browser started.
pub fn descendants(root: u32) -> Vec<u32> {
    let mut parent_of = Vec::new();
    for pid in pids() {
        // `pid (comm) state ppid ...`; comm may hold spaces and parentheses, so split after
        // its last ')'.
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parent_of.push((pid, ppid));
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parent_of
                .iter()
                .filter(|&&(_, p)| p == parent)
                .map(|&(c, _)| c),
        );
        i += 1;
    }
    found.remove(0);
    found
}

/// The address space this process has mapped, from `/proc/self/maps`, split by whether it can be
/// touched: a reservation (and its guard pages) is mapped without access, usable memory with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mappings {
    /// Bytes mapped `---` (no read, write or execute): reserved, not usable yet.
    pub inaccessible_bytes: u64,
    /// Bytes mapped with any access.
    pub accessible_bytes: u64,
}

impl Mappings {
    /// Both kinds together (what `VmSize` counts).
    pub fn total(&self) -> u64 {
        self.inaccessible_bytes + self.accessible_bytes
    }
}

/// Reads `/proc/self/maps`.
pub fn mappings() -> Result<Mappings> {
    mappings_of(None)
}

/// Reads `/proc/<pid>/maps`, or `/proc/self/maps` for `None`.
pub fn mappings_of(pid: Option<u32>) -> Result<Mappings> {
    let path = proc_file(pid, "maps");
    let maps = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    parse_maps(&maps)
}

fn parse_maps(maps: &str) -> Result<Mappings> {
    let mut m = Mappings {
        inaccessible_bytes: 0,
        accessible_bytes: 0,
    };
    for mapping in parse_map_lines(maps)? {
        let len = (mapping.end - mapping.start) as u64;
        if mapping.accessible() {
            m.accessible_bytes += len;
        } else {
            m.inaccessible_bytes += len;
        }
    }
    Ok(m)
}

/// One line of `/proc/self/maps`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    /// First address.
    pub start: usize,
    /// One past the last address.
    pub end: usize,
    /// `rw-p`, `---p`, ...
    pub perms: String,
    /// The file, `[heap]`, `[stack]`, ..., or empty for an anonymous mapping.
    pub name: String,
}

impl Mapping {
    /// Whether any access is allowed (a reservation or guard is mapped `---`).
    pub fn accessible(&self) -> bool {
        !self.perms.starts_with("---")
    }

    /// Whether `addr` lies in the mapping.
    pub fn contains(&self, addr: usize) -> bool {
        self.start <= addr && addr < self.end
    }
}

impl std::fmt::Display for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:#x}-{:#x} {} ({} KiB){}{}",
            self.start,
            self.end,
            self.perms,
            (self.end - self.start) >> 10,
            if self.name.is_empty() { "" } else { " " },
            self.name
        )
    }
}

/// Every mapping of this process, in address order.
pub fn maps() -> Result<Vec<Mapping>> {
    maps_of(None)
}

/// Every mapping of process `pid` (this one for `None`), in address order.
pub fn maps_of(pid: Option<u32>) -> Result<Vec<Mapping>> {
    let path = proc_file(pid, "maps");
    let maps = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    parse_map_lines(&maps)
}

/// Where a memory's bytes are: the process holding them (this one for `None`), their address
/// there, and how many. The same for every adapter, so residency is read by the same code whether
/// the memory is in this process or in an engine's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    /// The process (`None`: this one).
    pub process: Option<u32>,
    /// The address of the first byte in that process.
    pub base: usize,
    /// Bytes.
    pub len: usize,
}

impl Range {
    /// The part `[offset, offset + len)` of this range.
    pub fn sub(&self, offset: usize, len: usize) -> Range {
        Range {
            process: self.process,
            base: self.base + offset,
            len,
        }
    }
}

/// The address of a memory of `len` bytes that appeared between two readings of a process's
/// mappings. An engine that reserves address space and opens its first pages with `mprotect`
/// makes a run of addresses accessible that was not before, which ends where the rest of the
/// reservation (inaccessible) begins, since growing opens the pages after the memory: the memory
/// is the last `len` bytes (rounded up to a page) of that run. The runs are address ranges, not
/// mappings, because the kernel merges a new mapping with an accessible neighbour of the same
/// kind. V8's run is exactly the memory; JSC's fast memory has one more page in front of it. A
/// run may be at most [`APPEARED_SLACK`] longer than the memory, and then must end at an
/// inaccessible mapping that is new too; runs that end at one come first. `Err` says why none can be named: no such run (a heap buffer maps
/// nothing of its own), or more than one.
pub fn appeared(before: &[Mapping], after: &[Mapping], len: usize) -> Result<usize, NotFound> {
    if len == 0 {
        return Err(NotFound::Ambiguous(
            "an empty memory has no accessible page to find".into(),
        ));
    }
    let rounded = len.div_ceil(page_size()) * page_size();
    let was = accessible_runs(before);
    // (base, whether the run ends at a reservation) of every run that could hold the memory.
    let runs: Vec<(usize, bool)> = accessible_runs(after)
        .into_iter()
        .flat_map(|run| subtract(run, &was))
        .filter_map(|(start, end)| {
            let extra = (end - start).checked_sub(rounded)?;
            // Followed by the rest of a reservation made with it: an inaccessible mapping that
            // was not there before (a guard page that was is not one).
            let reserved_after = after.iter().any(|m| {
                m.start == end
                    && !m.accessible()
                    && !before.iter().any(|b| (b.start, b.end) == (m.start, m.end))
            });
            (extra == 0 || (extra <= APPEARED_SLACK && reserved_after))
                .then_some((end - rounded, reserved_after))
        })
        .collect();
    // A run that ends at a reservation is a memory's; a bare run of the same size may be a heap
    // that grew by as much (JSC's allocator does, beside its fast memories), so it counts only
    // when no run ends at a reservation (a memory reserved exactly, as V8 without its trap
    // handler reserves one with an exact maximum).
    let reserved: Vec<usize> = runs.iter().filter(|r| r.1).map(|r| r.0).collect();
    let mut candidates: Vec<usize> = if reserved.is_empty() {
        runs.iter().map(|r| r.0).collect()
    } else {
        reserved
    };
    if candidates.is_empty() {
        candidates = carved(before, after, rounded);
    }
    match candidates.as_slice() {
        [one] => Ok(*one),
        [] => Err(NotFound::Nothing(format!(
            "no run of {rounded} bytes became accessible when it was created (a heap buffer \
             maps nothing of its own)"
        ))),
        many => Err(NotFound::Ambiguous(format!(
            "{} runs of addresses that became accessible could hold the memory's {rounded} \
             bytes; which one does is not known",
            many.len()
        ))),
    }
}

/// Why [`appeared`] names no address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotFound {
    /// Nothing of the memory's size appeared: the memory maps nothing of its own (a heap buffer).
    Nothing(String),
    /// It cannot be told where the memory is (an empty memory, or several candidates).
    Ambiguous(String),
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotFound::Nothing(why) | NotFound::Ambiguous(why) => f.write_str(why),
        }
    }
}

/// Memories carved out of address space that was already accessible: WebKit's JSC reserves a
/// large read-write region at start and maps each fast memory into it as a new mapping of the
/// memory's size (a page more at most) followed by a new inaccessible one (its 4 GiB and guard),
/// so no address becomes newly accessible. The bases of such pairs.
fn carved(before: &[Mapping], after: &[Mapping], rounded: usize) -> Vec<usize> {
    let new = |m: &Mapping| !before.iter().any(|b| (b.start, b.end) == (m.start, m.end));
    after
        .iter()
        .filter(|m| m.accessible() && new(m))
        .filter(|m| {
            let len = m.end - m.start;
            len >= rounded && len - rounded <= APPEARED_SLACK
        })
        .filter(|m| {
            after
                .iter()
                .any(|n| n.start == m.end && !n.accessible() && new(n))
        })
        .map(|m| m.end - rounded)
        .collect()
}

/// How much longer than the memory the run [`appeared`] finds may be (JSC's fast memory keeps
/// one page in front of the memory).
pub const APPEARED_SLACK: usize = 64 << 10;

/// Whether `[base, base + len)` is still accessible in `maps`: a memory found by [`appeared`]
/// that grew in place (its run extends) still holds; one that moved away does not.
pub fn holds(maps: &[Mapping], base: usize, len: usize) -> bool {
    accessible_runs(maps)
        .iter()
        .any(|&(start, end)| start <= base && base + len <= end)
}

/// The accessible mappings of `maps` (in address order) as maximal runs of addresses.
fn accessible_runs(maps: &[Mapping]) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for m in maps.iter().filter(|m| m.accessible()) {
        match runs.last_mut() {
            Some(last) if last.1 == m.start => last.1 = m.end,
            _ => runs.push((m.start, m.end)),
        }
    }
    runs
}

/// The parts of `run` that none of `runs` (sorted, disjoint) covers.
fn subtract((mut start, end): (usize, usize), runs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for &(s, e) in runs {
        if e <= start || s >= end {
            continue;
        }
        if s > start {
            out.push((start, s));
        }
        start = start.max(e);
    }
    if start < end {
        out.push((start, end));
    }
    out
}

fn parse_map_lines(maps: &str) -> Result<Vec<Mapping>> {
    let mut out = Vec::new();
    for line in maps.lines() {
        let mut fields = line.split_whitespace();
        let (range, perms) = (fields.next(), fields.next());
        let (Some(range), Some(perms)) = (range, perms) else {
            anyhow::bail!("unexpected /proc/self/maps line {line:?}");
        };
        let (start, end) = range
            .split_once('-')
            .with_context(|| format!("unexpected range in {line:?}"))?;
        // offset, device, inode, then the name (which may contain spaces).
        let name = fields.skip(3).collect::<Vec<_>>().join(" ");
        out.push(Mapping {
            start: usize::from_str_radix(start, 16)?,
            end: usize::from_str_radix(end, 16)?,
            perms: perms.to_string(),
            name,
        });
    }
    Ok(out)
}

/// Where a memory sits in the address space: the run of mappings holding it, and what follows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Surroundings {
    /// The start of the run: the mapping holding the memory's first byte, preceded by the
    /// inaccessible mappings right before it (a guard region), if any.
    pub start: usize,
    /// The end of the run: past the memory's accessible bytes, through the inaccessible mappings
    /// that follow them (the rest of its reservation and its guard). Where a stray access past the
    /// reservation would land first.
    pub end: usize,
    /// What is mapped at `end`, if anything. When the memory is a buffer inside a larger accessible
    /// mapping (a heap), that mapping itself, and `end` is the memory's end rounded up to a page.
    pub next: Option<Mapping>,
}

impl Surroundings {
    /// Bytes from `start` to `end`.
    pub fn span(&self) -> usize {
        self.end - self.start
    }

    /// True when the memory is a buffer inside a larger accessible mapping (a heap), so the bytes
    /// right after it are the host's own.
    pub fn inside_host_mapping(&self) -> bool {
        self.next.as_ref().is_some_and(|m| m.start < self.end)
    }
}

/// The [`Surroundings`] of a memory of `size` bytes at `base`, or `None` when no mapping holds
/// its first byte (for an empty memory: when its base lies in no mapping at all, as for an empty
/// heap buffer, whose address is a placeholder).
pub fn surroundings(base: usize, size: usize) -> Result<Option<Surroundings>> {
    Ok(surroundings_in(&maps()?, base, size))
}

fn surroundings_in(maps: &[Mapping], base: usize, size: usize) -> Option<Surroundings> {
    let page = page_size();
    let first = maps.iter().position(|m| m.contains(base))?;
    let last_byte = if size == 0 { base } else { base + size - 1 };
    let last = maps.iter().position(|m| m.contains(last_byte))?;
    let mut start = first;
    while start > 0 && maps[start - 1].end == maps[start].start && !maps[start - 1].accessible() {
        start -= 1;
    }
    let memory_end = (base + size).div_ceil(page) * page;
    if maps[last].accessible() && maps[last].end > memory_end {
        return Some(Surroundings {
            start: maps[start].start,
            end: memory_end,
            next: Some(maps[last].clone()),
        });
    }
    let mut end = last;
    while end + 1 < maps.len()
        && maps[end + 1].start == maps[end].end
        && !maps[end + 1].accessible()
    {
        end += 1;
    }
    let next = maps
        .get(end + 1)
        .filter(|m| m.start == maps[end].end)
        .cloned();
    Some(Surroundings {
        start: maps[start].start,
        end: maps[end].end,
        next,
    })
}

/// The OS page size.
pub fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) as usize }
}

/// The sum of `Rss` in `/proc/<pid>/smaps` over the mappings that overlap `range`: an
/// upper bound of the bytes of that range backed by RAM, read from the kernel's per-mapping
/// accounting rather than page by page (the mappings may extend past the range, so it can
/// exceed what the range itself holds).
pub fn rss_of_mappings_overlapping(range: Range) -> Result<u64> {
    let path = proc_file(range.process, "smaps");
    let smaps = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    rss_overlapping_in(&smaps, range.base, range.len)
}

fn rss_overlapping_in(smaps: &str, base: usize, len: usize) -> Result<u64> {
    let mut rss = 0;
    let mut overlaps = false;
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if let Some((start, end)) = first.split_once('-') {
            if let (Ok(start), Ok(end)) = (
                usize::from_str_radix(start, 16),
                usize::from_str_radix(end, 16),
            ) {
                overlaps = len > 0 && start < base + len && base < end;
                continue;
            }
        }
        if overlaps && line.starts_with("Rss:") {
            rss += field_kib(line, "Rss:")? * 1024;
        }
    }
    Ok(rss)
}

/// Bytes of `range` backed by RAM now, from `/proc/<pid>/pagemap` (the present bit of each
/// page's entry): the same reading for a memory in this process and in an engine's, and one that
/// touches nothing (reading another process's pages would fault them in). A page the range covers
/// only in part counts for the part it covers.
pub fn resident_in(range: Range) -> Result<u64> {
    use std::os::unix::fs::FileExt;
    let Range { process, base, len } = range;
    if len == 0 {
        return Ok(0);
    }
    let page = page_size();
    let first = base / page;
    let pages = (base + len).div_ceil(page) - first;
    let path = proc_file(process, "pagemap");
    let file = std::fs::File::open(&path).with_context(|| format!("opening {path}"))?;
    let mut entries = vec![0u8; pages * 8];
    file.read_exact_at(&mut entries, (first * 8) as u64)
        .with_context(|| format!("reading {path} for {pages} pages at {base:#x}"))?;
    const PRESENT: u64 = 1 << 63;
    let mut resident = 0u64;
    for (i, entry) in entries.chunks_exact(8).enumerate() {
        let entry = u64::from_ne_bytes(entry.try_into().expect("8 bytes"));
        if entry & PRESENT != 0 {
            let p = (first + i) * page;
            resident += ((p + page).min(base + len) - p.max(base)) as u64;
        }
    }
    Ok(resident)
}

fn field_kib(status: &str, name: &str) -> Result<u64> {
    let line = status
        .lines()
        .find(|l| l.starts_with(name))
        .with_context(|| format!("/proc/self/status has no {name}"))?;
    line[name.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .with_context(|| format!("parsing {line:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_are_split_by_access_and_add_up_to_vm_size() {
        let m = parse_maps(
            "00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/dbus-daemon\n\
             7f0000000000-7f0100000000 ---p 00000000 00:00 0\n\
             7f0100000000-7f0100010000 rw-p 00000000 00:00 0 \n",
        )
        .unwrap();
        assert_eq!(m.inaccessible_bytes, 1 << 32);
        assert_eq!(m.accessible_bytes, 0x52000 + 0x10000);
        // This process: the maps' total is what /proc/self/status calls VmSize. Read between two
        // VmSize reads, so another test thread mapping or unmapping meanwhile stays bracketed.
        let (first, maps, second) = (read().unwrap(), mappings().unwrap(), read().unwrap());
        let (low, high) = (
            first.virtual_bytes.min(second.virtual_bytes),
            first.virtual_bytes.max(second.virtual_bytes),
        );
        let slack = 1 << 20;
        assert!(
            low - slack <= maps.total() && maps.total() <= high + slack,
            "{maps:?} against VmSize {first:?} then {second:?}"
        );
    }

    fn maps_of(text: &str) -> Vec<Mapping> {
        parse_map_lines(text).unwrap()
    }

    #[test]
    fn surroundings_follow_the_reservation_and_say_what_comes_next() {
        // A memory of 2 pages at 0x7f0002000000: a 32 MiB guard before, 4 GiB + 32 MiB reserved
        // after, then a library.
        let maps = maps_of(
            "7f0000000000-7f0002000000 ---p 00000000 00:00 0\n\
             7f0002000000-7f0002020000 rw-p 00000000 00:00 0\n\
             7f0002020000-7f0104000000 ---p 00000000 00:00 0\n\
             7f0104000000-7f0104001000 r--p 00000000 08:02 1 /usr/lib/libc.so.6\n",
        );
        let s = surroundings_in(&maps, 0x7f0002000000, 0x20000).unwrap();
        assert_eq!((s.start, s.end), (0x7f0000000000, 0x7f0104000000));
        assert_eq!(s.next.as_ref().unwrap().name, "/usr/lib/libc.so.6");
        assert!(!s.inside_host_mapping());
        // The same memory when empty: its base lies in the reservation.
        let empty = maps_of(
            "7f0000000000-7f0104000000 ---p 00000000 00:00 0\n\
             7f0104000000-7f0104001000 r--p 00000000 08:02 1 /usr/lib/libc.so.6\n",
        );
        let s = surroundings_in(&empty, 0x7f0002000000, 0).unwrap();
        assert_eq!((s.start, s.end), (0x7f0000000000, 0x7f0104000000));
        assert!(!s.inside_host_mapping());
        // Nothing after the run.
        let s = surroundings_in(&maps[..3], 0x7f0002000000, 0x20000).unwrap();
        assert_eq!((s.end, s.next), (0x7f0104000000, None));
        // A buffer inside a heap: the bytes after it are the heap's.
        let heap = maps_of("55d000000000-55d000800000 rw-p 00000000 00:00 0 [heap]\n");
        let s = surroundings_in(&heap, 0x55d000001010, 0x10000).unwrap();
        assert!(s.inside_host_mapping());
        assert_eq!(s.end, 0x55d000012000);
        // No mapping at an empty buffer's placeholder address.
        assert_eq!(surroundings_in(&heap, 1, 0), None);
    }

    #[test]
    fn smaps_rss_is_summed_over_the_mappings_overlapping_the_range() {
        let smaps = "7f0000000000-7f0000100000 rw-p 00000000 00:00 0\n\
                     Size:               1024 kB\n\
                     Rss:                 256 kB\n\
                     7f0000100000-7f0000200000 rw-p 00000000 00:00 0\n\
                     Rss:                  12 kB\n\
                     VmFlags: rd wr mr mw me ac\n\
                     7f0000300000-7f0000400000 rw-p 00000000 00:00 0\n\
                     Rss:                 100 kB\n";
        let rss = |base, len| rss_overlapping_in(smaps, base, len).unwrap();
        assert_eq!(rss(0x7f0000000000, 0x1000), 256 << 10);
        assert_eq!(rss(0x7f00000ff000, 0x2000), 268 << 10);
        assert_eq!(rss(0x7f0000200000, 0x100000), 0);
        assert_eq!(rss(0x7f0000000000, 0), 0);
        // This process: a buffer written to is counted.
        let buffer = vec![1u8; 8 << 20];
        let range = Range {
            process: None,
            base: buffer.as_ptr() as usize,
            len: buffer.len(),
        };
        let here = rss_of_mappings_overlapping(range).unwrap();
        assert!(here >= 8 << 20, "{here}");
        assert_eq!(resident_in(range).unwrap(), 8 << 20);
        // The same pages read through this process's pid, as an engine's are read.
        let by_pid = Range {
            process: Some(std::process::id()),
            ..range
        };
        assert_eq!(resident_in(by_pid).unwrap(), 8 << 20);
    }

    /// The figures are the whole process's, and the other unit tests run beside this one in it
    /// (engines built and dropped, browsers started): one of them freeing memory meanwhile can
    /// hide the growth (CI saw RSS grow by less than the 64 MiB touched, less 4 MiB, once). So a
    /// fresh mapping is tried up to three times; `read` reading the wrong figures fails all three.
    #[test]
    fn a_reservation_shows_in_virtual_size_and_touching_it_in_resident() {
        const RESERVE: usize = 256 << 20;
        const TOUCH: usize = 64 << 20;
        let attempt = || -> (bool, bool) {
            let before = read().unwrap();
            // SAFETY: a fresh private anonymous mapping, unmapped at the end of the attempt.
            let base = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    RESERVE,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                    -1,
                    0,
                )
            };
            assert_ne!(base, libc::MAP_FAILED);
            let reserved = read().unwrap();
            // SAFETY: inside the mapping.
            unsafe { std::ptr::write_bytes(base.cast::<u8>(), 1, TOUCH) };
            let touched = read().unwrap();
            // SAFETY: unmaps the mapping made above.
            unsafe { libc::munmap(base, RESERVE) };
            (
                reserved.virtual_bytes >= before.virtual_bytes + RESERVE as u64 - (1 << 20),
                touched.resident_bytes >= reserved.resident_bytes + TOUCH as u64 - (4 << 20),
            )
        };
        let attempts: Vec<(bool, bool)> = (0..3).map(|_| attempt()).collect();
        assert!(attempts.iter().any(|(v, _)| *v), "VmSize: {attempts:?}");
        assert!(attempts.iter().any(|(_, r)| *r), "VmRSS: {attempts:?}");
    }

    /// The mapping a new memory opened is found among the others that changed; a moved memory
    /// no longer holds.
    #[test]
    fn a_new_memory_is_the_one_new_accessible_mapping_of_its_size() {
        let before = maps_of_text(
            "7f0000000000-7f0100000000 ---p 00000000 00:00 0\n\
             7f0200000000-7f0200010000 rw-p 00000000 00:00 0\n",
        );
        // A 1 MiB memory opened at the start of a new 8 GiB reservation, a heap mapping that
        // grew to 1 MiB (its start is old), and a new 64 KiB code page.
        let after = maps_of_text(
            "7efe00000000-7efe00100000 rw-p 00000000 00:00 0\n\
             7efe00100000-7f0000000000 ---p 00000000 00:00 0\n\
             7f0000000000-7f0100000000 ---p 00000000 00:00 0\n\
             7f0200000000-7f0200100000 rw-p 00000000 00:00 0\n\
             7f0300000000-7f0300010000 r-xp 00000000 00:00 0\n",
        );
        assert_eq!(appeared(&before, &after, 1 << 20), Ok(0x7efe00000000));
        // JSC's fast memory: a page in front of the memory, then the reservation.
        let jsc = maps_of_text(
            "7fc0ff400000-7fc0ff501000 rw-p 00000000 00:00 0\n\
             7fc0ff501000-7fc1ffc01000 ---p 00000000 00:00 0\n\
             7fc1ffc01000-7fc200000000 rw-p 00000000 00:00 0\n",
        );
        assert_eq!(appeared(&[], &jsc, 1 << 20), Ok(0x7fc0ff401000));
        // A longer mapping with nothing reserved after it is not a memory.
        assert!(appeared(&[], &jsc[..1], 1 << 20).is_err());
        // An exact-size memory (V8 without its trap handler, an exact maximum) that the kernel
        // merged with the accessible mapping right above it.
        let neighbour = maps_of_text("7f0000100000-7f0000200000 rw-p 00000000 00:00 0\n");
        let merged = maps_of_text("7f0000000000-7f0000200000 rw-p 00000000 00:00 0\n");
        assert_eq!(appeared(&neighbour, &merged, 1 << 20), Ok(0x7f0000000000));
        assert!(holds(&merged, 0x7f0000000000, 2 << 20));
        // Two adjacent mappings of the run hold it together.
        let split = maps_of_text(
            "7f0000000000-7f0000100000 rw-p 00000000 00:00 0\n\
             7f0000100000-7f0000200000 rw-p 00000000 00:00 0\n",
        );
        assert!(holds(&split, 0x7f0000080000, 1 << 20));
        // Sizes are rounded up to a page.
        assert_eq!(
            appeared(&before, &after, (1 << 20) - 100),
            Ok(0x7efe00000000)
        );
        // Not the new 64 KiB code mapping for a 64 KiB memory when there is none.
        assert!(appeared(&before, &after, 2 << 20).is_err());
        assert!(appeared(&before, &after, 0).is_err());
        // Two candidates: not guessed.
        let twice = maps_of_text(
            "7efe00000000-7efe00100000 rw-p 00000000 00:00 0\n\
             7eff00000000-7eff00100000 rw-p 00000000 00:00 0\n",
        );
        assert!(appeared(&[], &twice, 1 << 20)
            .unwrap_err()
            .to_string()
            .contains("2 runs"));
        // A heap that grew by exactly the memory's size beside a memory that ends at its
        // reservation (JSC's allocator beside a fast memory of 64 KiB).
        let beside = maps_of_text(
            "7f3bff400000-7f3bff411000 rw-p 00000000 00:00 0\n\
             7f3bff411000-7f3cffc01000 ---p 00000000 00:00 0\n\
             7f3e8de08000-7f3e8de38000 rw-p 00000000 00:00 0\n",
        );
        let heap = maps_of_text("7f3e8de18000-7f3e8de38000 rw-p 00000000 00:00 0\n");
        assert_eq!(appeared(&heap, &beside, 1 << 16), Ok(0x7f3bff401000));
        // ... also when the heap's new run ends at a guard page that was already there.
        let guarded = maps_of_text(
            "7f3bff400000-7f3bff411000 rw-p 00000000 00:00 0\n\
             7f3bff411000-7f3cffc01000 ---p 00000000 00:00 0\n\
             7f3e8de14000-7f3e8de24000 rw-p 00000000 00:00 0\n\
             7f3e8de24000-7f3e8de25000 ---p 00000000 00:00 0\n",
        );
        let guard = maps_of_text("7f3e8de24000-7f3e8de25000 ---p 00000000 00:00 0\n");
        assert_eq!(appeared(&guard, &guarded, 1 << 16), Ok(0x7f3bff401000));
        // It grew in place: still held; its mapping went away or shrank: not.
        assert!(holds(&after, 0x7efe00000000, 1 << 20));
        assert!(!holds(&after, 0x7efe00000000, 2 << 20));
        assert!(!holds(&before, 0x7efe00000000, 1 << 20));
    }

    /// WebKitGTK's JSC maps a fast memory into a read-write region it reserved at start (as seen
    /// in its web process): no address becomes newly accessible, but a new mapping of the
    /// memory's size appears, followed by its new inaccessible 4 GiB and guard.
    #[test]
    fn a_memory_carved_out_of_an_accessible_region_is_found() {
        let before = maps_of_text(
            "7ef000000000-7effe9158000 rw-p 00000000 00:00 0\n\
             7f09dc54c000-7f09dc608000 rw-p 00000000 00:00 0\n",
        );
        let after = maps_of_text(
            "7ef000000000-7ef017000000 rw-p 00000000 00:00 0\n\
             7ef017000000-7ef017100000 rw-p 00000000 00:00 0\n\
             7ef017100000-7ef117800000 ---p 00000000 00:00 0\n\
             7ef117800000-7effe9158000 rw-p 00000000 00:00 0\n\
             7f09dc54c000-7f09dc614000 rw-p 00000000 00:00 0\n",
        );
        assert_eq!(appeared(&before, &after, 1 << 20), Ok(0x7ef017000000));
        // Of another size, or without the inaccessible rest after it: not a memory.
        assert!(appeared(&before, &after, 2 << 20).is_err());
        let unguarded: Vec<Mapping> = after.iter().filter(|m| m.accessible()).cloned().collect();
        assert!(appeared(&before, &unguarded, 1 << 20).is_err());
    }

    fn maps_of_text(text: &str) -> Vec<Mapping> {
        parse_map_lines(text).unwrap()
    }

    /// pagemap counts exactly the pages written, not the ones only mapped.
    #[test]
    fn pagemap_counts_the_pages_touched() {
        const LEN: usize = 16 << 20;
        // SAFETY: a fresh private anonymous mapping, unmapped at the end of the test.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                LEN,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(base, libc::MAP_FAILED);
        // 4 KiB pages even where transparent huge pages are "always": one write must not fault
        // in 2 MiB.
        // SAFETY: advice on the mapping made above.
        unsafe { libc::madvise(base, LEN, libc::MADV_NOHUGEPAGE) };
        let range = Range {
            process: None,
            base: base as usize,
            len: LEN,
        };
        assert_eq!(resident_in(range).unwrap(), 0);
        let page = page_size();
        // Every other page of the first quarter.
        for k in (0..LEN / 4).step_by(2 * page) {
            // SAFETY: inside the mapping.
            unsafe { base.cast::<u8>().add(k).write_volatile(1) };
        }
        assert_eq!(resident_in(range).unwrap(), (LEN / 8) as u64);
        assert_eq!(resident_in(range.sub(LEN / 4, LEN / 4)).unwrap(), 0);
        // Half of one written page.
        assert_eq!(
            resident_in(range.sub(page / 2, page)).unwrap(),
            (page / 2) as u64
        );
        // SAFETY: unmaps the mapping made above.
        unsafe { libc::munmap(base, LEN) };
    }
}
