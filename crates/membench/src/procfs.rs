//! Process memory figures from `/proc/self` (or the engine process a runtime's memories live in),
//! for what a runtime reserves and makes resident.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// Where a reserved-address-space figure comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReservedBasis {
    /// New mappings: the growth of `VmSize` or of `/proc/self/maps`.
    #[default]
    Mappings,
    /// The memory is a heap buffer ([`crate::runtime::MemoryInfo::heap_backed`]: wasmi, the native
    /// `vec` strategy), which maps nothing of its own, so mappings do not show it; the figure is
    /// the memory's linear size, a lower bound (the buffer's capacity is not exposed).
    HeapBufferAtLeastLinear,
    /// The address space grew by less than the memory's size: it lives in address space reserved
    /// before instantiation (a pool of slots, reserved when the engine was built), or something
    /// else was unmapped meanwhile; the figure is the memory's linear size, a lower bound.
    ReservedBeforeAtLeastLinear,
}

impl ReservedBasis {
    /// How the basis reads in tables.
    pub fn label(self) -> &'static str {
        match self {
            ReservedBasis::Mappings => "mappings",
            ReservedBasis::HeapBufferAtLeastLinear => "heap buffer: at least the linear size",
            ReservedBasis::ReservedBeforeAtLeastLinear => {
                "reserved before instantiation: at least the linear size"
            }
        }
    }
}

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
    let maps = std::fs::read_to_string("/proc/self/maps").context("reading /proc/self/maps")?;
    parse_map_lines(&maps)
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

/// The sum of `Rss` in `/proc/self/smaps` over the mappings that overlap `[base, base + len)`: an
/// upper bound of the bytes of that range backed by RAM, read from the kernel's per-mapping
/// accounting rather than with `mincore(2)` (the mappings may extend past the range, so it can
/// exceed what the range itself holds).
pub fn rss_of_mappings_overlapping(base: usize, len: usize) -> Result<u64> {
    let smaps = std::fs::read_to_string("/proc/self/smaps").context("reading /proc/self/smaps")?;
    rss_overlapping_in(&smaps, base, len)
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

/// Bytes of `[base, base + len)` backed by RAM now, by `mincore(2)` over the pages that range
/// covers; a page the range covers only in part counts for the part it covers.
pub fn resident_in(base: usize, len: usize) -> Result<u64> {
    if len == 0 {
        return Ok(0);
    }
    let page = page_size();
    let start = base & !(page - 1);
    let end = (base + len).div_ceil(page) * page;
    let mut vec = vec![0u8; (end - start) / page];
    // SAFETY: `vec` has one byte per page of the range; mincore only reads the page tables.
    let rc = unsafe { libc::mincore(start as *mut libc::c_void, end - start, vec.as_mut_ptr()) };
    if rc != 0 {
        anyhow::bail!("mincore: {}", std::io::Error::last_os_error());
    }
    let mut resident = 0u64;
    for (i, flags) in vec.iter().enumerate() {
        if flags & 1 == 1 {
            let p = start + i * page;
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
        let here = rss_of_mappings_overlapping(buffer.as_ptr() as usize, buffer.len()).unwrap();
        assert!(here >= 8 << 20, "{here}");
        assert_eq!(
            resident_in(buffer.as_ptr() as usize, buffer.len()).unwrap(),
            8 << 20
        );
    }

    #[test]
    fn a_reservation_shows_in_virtual_size_and_touching_it_in_resident() {
        const RESERVE: usize = 256 << 20;
        const TOUCH: usize = 64 << 20;
        let before = read().unwrap();
        // SAFETY: a fresh private anonymous mapping, unmapped at the end of the test.
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
        assert!(reserved.virtual_bytes >= before.virtual_bytes + RESERVE as u64 - (1 << 20));
        // SAFETY: inside the mapping.
        unsafe { std::ptr::write_bytes(base.cast::<u8>(), 1, TOUCH) };
        let touched = read().unwrap();
        assert!(touched.resident_bytes >= reserved.resident_bytes + TOUCH as u64 - (4 << 20));
        // SAFETY: unmaps the mapping made above.
        unsafe { libc::munmap(base, RESERVE) };
    }
}
