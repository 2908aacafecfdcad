//! The fifth claim at the edges: loads and stores of every width at the last bytes of memory and
//! one past them, on an empty memory, and across the whole 32-bit range.

use super::*;

/// A probe module following the guest ABI, with a memory of `pages` pages and one load and one
/// store export per width (`load1`, `store1`, ...), each with the instruction of that width, and
/// `grow`; the 16-byte (SIMD) accesses are in a module of their own, since an engine without SIMD
/// refuses the whole module.
pub(super) fn probe_module(simd: bool, pages: u32) -> String {
    let widths: &[(&str, &str, &str)] = if simd {
        &[(
            "16",
            "(i64x2.extract_lane 0 (v128.load (local.get 0)))",
            "(v128.store (local.get 0) (v128.const i64x2 -1 -1))",
        )]
    } else {
        &[
            (
                "1",
                "(i64.extend_i32_u (i32.load8_u (local.get 0)))",
                "(i32.store8 (local.get 0) (i32.const 0xA5))",
            ),
            (
                "2",
                "(i64.extend_i32_u (i32.load16_u (local.get 0)))",
                "(i32.store16 (local.get 0) (i32.const 0xA5))",
            ),
            (
                "4",
                "(i64.extend_i32_u (i32.load (local.get 0)))",
                "(i32.store (local.get 0) (i32.const 0xA5))",
            ),
            (
                "8",
                "(i64.load (local.get 0))",
                "(i64.store (local.get 0) (i64.const 0xA5))",
            ),
        ]
    };
    let abi = "(param i32 i32 i32) (result i64)";
    let mut wat = format!("(module (memory (export \"memory\") {pages})\n");
    for (w, load, store) in widths {
        wat += &format!(
            "(func (export \"load{w}\") {abi} {load})\n\
             (func (export \"store{w}\") {abi} {store} (i64.const 0))\n"
        );
    }
    wat +=
        &format!("(func (export \"grow\") {abi} (i64.extend_i32_u (memory.grow (local.get 0)))))");
    wat
}

/// Claim 5 at the edges, with a module of the spec's kind: loads and stores of every width (1, 2,
/// 4, 8 and, where the engine has SIMD, 16 bytes) at the last valid address succeed and one byte
/// further trap, at 1 and 5 pages (grown from empty, and fresh at that size); no load from an
/// empty memory succeeds anywhere in the 4 GiB a 32-bit address reaches (one probe per 64 KiB), so
/// a missing bounds check cannot hide behind an unmapped neighbour; and a canary mapped right after
/// each fresh memory's reservation ([`with_canary`]) stays unchanged while loads and stores at its
/// address trap (where a 32-bit address reaches it). On an empty memory only loads are made,
/// except at the canary: a store that escaped anywhere else would write into this process.
pub(super) fn isolation_edges(rt: &dyn Runtime) -> Result<(bool, String)> {
    let mut simd = "16-byte accesses checked".to_string();
    let mut escapes = Vec::new();
    let mut sites = Vec::new();
    let mut probes = 0u32;
    'modules: for with_simd in [false, true] {
        let widths: &[u32] = if with_simd { &[16] } else { &[1, 2, 4, 8] };
        let mut compiled = Vec::new();
        for pages in [0u32, 1, 5] {
            let wasm =
                wat::parse_str(probe_module(with_simd, pages)).context("assembling the probe")?;
            let guest = crate::runtime::GuestModule::as_is("isolation-probe", wasm, &["grow"])?;
            match rt.compile(&guest) {
                Ok(c) => compiled.push(c),
                Err(e) if with_simd => {
                    simd = format!("16-byte accesses not checked: the engine refuses SIMD ({e:#})");
                    break 'modules;
                }
                Err(e) => return Err(e.context("compiling the probe")),
            }
        }
        let (mut i, site) = match with_canary(|| compiled[0].instantiate(), |i| i.memory()) {
            Ok(made) => made,
            Err(e) if with_simd => {
                simd = format!("16-byte accesses not checked: the engine refuses SIMD ({e:#})");
                break;
            }
            Err(e) => return Err(e.context("instantiating the probe")),
        };
        let access = |i: &mut Box<dyn crate::runtime::Instance>, op: Op, w: u32, addr: u32| {
            i.call(&format!("{}{w}", op.name()), [addr, 0, 0])
        };
        // An empty memory: nothing is addressable, near or far. Bytes are probed every 64 KiB over
        // the whole 4 GiB; wider accesses at the addresses a missing check would reach first.
        // Loads only: a store that escaped would write into this process.
        let everywhere: Vec<u32> = (0..=u32::MAX - 65535).step_by(65536).collect();
        let near = [0, 0x1_0000, 0x2_0000, 0x10_0000, 0xFFFF_0000];
        let empty = i.memory()?;
        let canary_at = match &site {
            Site::Placed(c) => Some(c.addr.wrapping_sub(empty.in_this_process("the canary")?)),
            Site::Absent(_) => None,
        };
        for &w in widths {
            let addrs: &[u32] = if w == 1 { &everywhere } else { &near };
            for &addr in addrs {
                probes += 1;
                match access(&mut i, Op::Load, w, addr) {
                    Ok(v) => {
                        let what = match canary_at {
                            Some(at) if (at..at + CANARY_BYTES).contains(&(addr as usize)) => {
                                " (the canary mapped after the reservation)"
                            }
                            _ => "",
                        };
                        escapes.push(format!(
                            "{w}-byte load at {addr:#x} of an empty memory returned {v:#x}{what}"
                        ));
                        break;
                    }
                    Err(e) => ensure!(
                        is_trap(&e),
                        "{w}-byte load at {addr:#x} of an empty memory was not a trap: {e:#}"
                    ),
                }
            }
        }
        let note = probe_canary(
            &site,
            empty,
            widths,
            &mut |op, w, addr| access(&mut i, op, w, addr),
            &mut escapes,
            &mut probes,
        )?;
        if !with_simd {
            sites.push(format!("empty: {note}"));
        }
        // The empty memory grown to 1, then 5 pages; then fresh memories of 1 and 5 pages, each
        // with its own canary.
        // (A grown memory that moved leaves the canary where it was: stores at its address can
        // still only write it.)
        for (grow, pages) in [(1u32, 1u32), (4, 5)] {
            let old = i.call("grow", [grow, 0, 0])?;
            ensure!(
                old == u64::from(pages - grow),
                "grow by {grow} returned {old}"
            );
            edge_probes(
                &mut i,
                Some(&site),
                pages,
                widths,
                &mut escapes,
                &mut probes,
            )?;
        }
        drop(i);
        for (c, pages) in compiled[1..].iter().zip([1u32, 5]) {
            let (mut fresh, site) = with_canary(|| c.instantiate(), |i| i.memory())?;
            let note = edge_probes(
                &mut fresh,
                Some(&site),
                pages,
                widths,
                &mut escapes,
                &mut probes,
            )?;
            if !with_simd {
                sites.push(format!("fresh {pages} page(s): {note}"));
            }
        }
    }
    if let Some(verdict) = escaped(&escapes, &sites) {
        return Ok(verdict);
    }
    Ok((
        true,
        format!("{probes} probes: every access past the end trapped (bytes every 64 KiB over the 4 GiB past an empty memory; every width at 1 and 5 pages, grown and fresh); {}; {simd}", sites.join("; ")),
    ))
}

/// The accesses of [`isolation_edges`] on a memory of `pages` pages: every width at the last valid
/// address (store, load back) and one byte further (load, store: must trap), then at the canary.
pub(super) fn edge_probes(
    i: &mut Box<dyn crate::runtime::Instance>,
    site: Option<&Site>,
    pages: u32,
    widths: &[u32],
    escapes: &mut Vec<String>,
    probes: &mut u32,
) -> Result<String> {
    let info = i.memory()?;
    ensure!(
        info.size_bytes == u64::from(pages) * PAGE,
        "the memory has {} bytes, expected {pages} pages",
        info.size_bytes
    );
    let end = pages * 65536;
    for &w in widths {
        let last = end - w;
        *probes += 2;
        i.call(&format!("store{w}"), [last, 0, 0])
            .with_context(|| format!("{w}-byte store at the last valid address {last:#x}"))?;
        let v = i
            .call(&format!("load{w}"), [last, 0, 0])
            .with_context(|| format!("{w}-byte load at the last valid address {last:#x}"))?;
        ensure!(
            v as u8 == if w == 16 { 0xFF } else { 0xA5 },
            "{w}-byte load at {last:#x} read {v:#x}"
        );
        for op in [Op::Load, Op::Store] {
            *probes += 1;
            match i.call(&format!("{}{w}", op.name()), [last + 1, 0, 0]) {
                Ok(v) => escapes.push(format!(
                    "{w}-byte {} at {:#x} of {pages} pages returned {v:#x}",
                    op.name(),
                    last + 1
                )),
                Err(e) => ensure!(
                    is_trap(&e),
                    "{w}-byte {} out of bounds was not a trap: {e:#}",
                    op.name()
                ),
            }
        }
    }
    match site {
        None => Ok(String::new()),
        Some(site) => probe_canary(
            site,
            info,
            widths,
            &mut |op, w, addr| i.call(&format!("{}{w}", op.name()), [addr, 0, 0]),
            escapes,
            probes,
        ),
    }
}
