//! Process memory figures from `/proc/self`, for what a runtime reserves and makes resident.

use anyhow::{Context, Result};

/// `VmSize` (virtual address space) and `VmRSS` (resident) of this process, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProcMemory {
    /// Virtual address space mapped, bytes.
    pub virtual_bytes: u64,
    /// Resident set, bytes.
    pub resident_bytes: u64,
}

/// Reads `/proc/self/status`.
pub fn read() -> Result<ProcMemory> {
    let status =
        std::fs::read_to_string("/proc/self/status").context("reading /proc/self/status")?;
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
    let maps = std::fs::read_to_string("/proc/self/maps").context("reading /proc/self/maps")?;
    parse_maps(&maps)
}

fn parse_maps(maps: &str) -> Result<Mappings> {
    let mut m = Mappings {
        inaccessible_bytes: 0,
        accessible_bytes: 0,
    };
    for line in maps.lines() {
        let mut fields = line.split_whitespace();
        let (range, perms) = (fields.next(), fields.next());
        let (Some(range), Some(perms)) = (range, perms) else {
            anyhow::bail!("unexpected /proc/self/maps line {line:?}");
        };
        let (start, end) = range
            .split_once('-')
            .with_context(|| format!("unexpected range in {line:?}"))?;
        let len = u64::from_str_radix(end, 16)? - u64::from_str_radix(start, 16)?;
        if perms.starts_with("---") {
            m.inaccessible_bytes += len;
        } else {
            m.accessible_bytes += len;
        }
    }
    Ok(m)
}

/// Bytes of `[base, base + len)` backed by RAM now, by `mincore(2)` over the pages that range
/// covers; a page the range covers only in part counts for the part it covers.
pub fn resident_in(base: usize, len: usize) -> Result<u64> {
    if len == 0 {
        return Ok(0);
    }
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;
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
