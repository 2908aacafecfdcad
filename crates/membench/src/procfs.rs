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
