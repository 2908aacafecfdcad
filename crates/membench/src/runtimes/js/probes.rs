//! What only the JavaScript engines are asked ([`JsApi`]): which tier compiled the guest, whether
//! a grow from JS detaches the old buffer, how many memories an engine makes before it changes
//! how it makes them, and what a fresh instance gets ([`Probe`]).

use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::{json, Value};

use super::adapter::JsRuntime;
use super::protocol::{lock, EngineError};
use crate::module::{MemoryDecl, MemoryPlan, PAGE};
use crate::runtime::{JsApi, Runtime};

/// What one batch of new memories added to the engine's address space.
#[derive(Clone, Copy, Debug)]
struct Batch {
    /// Memories alive after it.
    total: u64,
    /// Address space added per memory in it, bytes.
    per_memory: u64,
}

impl JsApi for JsRuntime {
    fn tier_after(&self, calls: u64) -> Result<(bool, bool)> {
        let plan = crate::contiguous::MemoryVariant::new(
            MemoryDecl::Defined,
            crate::contiguous::MaxDecl::None,
        )
        .plan_pages(1, 1);
        let mut host = lock(&self.host);
        let (module, id) = host.grow_guest(plan, Value::Null)?;
        let zero = json!({"t": "i32", "v": "0"});
        let called = host.request(json!({
            "op": "call", "instance": id, "export": "size",
            "args": [zero, zero, zero], "repeat": calls.max(1),
        }));
        let tier = called
            .and_then(|_| host.request(json!({"op": "tier", "instance": id, "export": "size"})));
        host.request(json!({"op": "drop", "instance": id}))?;
        host.request(json!({"op": "drop_module", "module": module}))?;
        let tier = tier?;
        Ok((
            tier["liftoff"] == json!(true),
            tier["turbofan"] == json!(true),
        ))
    }

    fn set_auto_collect(&self, on: bool) {
        lock(&self.host).auto_collect = on;
    }

    fn can_collect(&self) -> bool {
        lock(&self.host).can_collect
    }

    fn set_refuse_fallback(&self, on: bool) {
        lock(&self.host).refuse_fallback = on;
    }

    fn detached_on_grow(&self) -> Result<(bool, String)> {
        let plan = MemoryPlan {
            decl: MemoryDecl::Imported,
            initial: 1,
            maximum: Some(2),
            shared: false,
            memory64: false,
            page_size_log2: None,
        };
        let mut host = lock(&self.host);
        let memory = json!({"initial": 1, "maximum": 2, "shared": false});
        let (module, id) = host.grow_guest(plan, memory)?;
        let grown = host.request(json!({"op": "grow", "instance": id, "delta": 1}))?;
        let detached = grown["detached"] == json!(true);
        let old = grown["old_pages"].as_u64();
        let refused = host.request(json!({"op": "grow", "instance": id, "delta": 1}));
        let kind = match &refused {
            Ok(_) => "nothing (the grow past the maximum succeeded)".to_string(),
            Err(e) => e
                .downcast_ref::<EngineError>()
                .map_or_else(|| format!("{e:#}"), |r| r.kind.clone()),
        };
        let after = host.request(json!({"op": "memory", "instance": id}))?;
        let pages = after["pages"].as_u64();
        host.request(json!({"op": "drop", "instance": id}))?;
        host.request(json!({"op": "drop_module", "module": module}))?;
        drop(host);
        let held = detached && old == Some(1) && kind == "RangeError" && pages == Some(2);
        Ok((
            held,
            format!(
                "memory.grow(1) from JS returned {old:?} and the ArrayBuffer taken before it was \
                 {}; growing past the maximum threw {kind}, and the memory stayed at {pages:?} pages",
                if detached { "detached (byteLength 0)" } else { "not detached" }
            ),
        ))
    }

    fn many_memories(&self, limit: u64, limit_ms: u64) -> Result<(bool, String)> {
        // From a collected heap: memories earlier checks dropped must not hold the engine's
        // limited resources (JSC's fast memories) while this counts.
        self.collect_garbage()?;
        // Where a fresh instance cannot be made as a fresh page would make it (WebKit with its fast
        // memories held by dropped ones), that is what this says.
        let alone = self.probe().map_or_else(
            |e| format!("no fresh instance could be measured ({e:#})"),
            |p| p.to_string(),
        );
        // The probe's instances are dropped: collected, they hold no fast memory while the
        // memories are counted.
        self.collect_garbage()?;
        let started = std::time::Instant::now();
        let pid = lock(&self.host).pid;
        let mut batches: Vec<Batch> = Vec::new();
        let mut failure = None;
        let mut total = 0;
        while total < limit && started.elapsed().as_millis() < u128::from(limit_ms) {
            // One at a time at first, where JSC's switch to slow memories shows; then in batches.
            let count = if total < 16 {
                1
            } else {
                256.min(limit - total)
            };
            let before = crate::procfs::read_of(Some(pid))?.virtual_bytes;
            let response = lock(&self.host).request(json!({
                "op": "many_memories", "handle": "many", "count": count, "initial": 1,
                "limit_ms": limit_ms,
            }))?;
            let after = crate::procfs::read_of(Some(pid))?.virtual_bytes;
            let created = response["created"].as_u64().unwrap_or(0);
            total += created;
            if let Some(per_memory) = after.saturating_sub(before).checked_div(created) {
                batches.push(Batch { total, per_memory });
            }
            if !response["failed_with"].is_null() {
                failure = Some(format!(
                    "{}: {}",
                    response["failed_with"]["kind"].as_str().unwrap_or("?"),
                    response["failed_with"]["message"].as_str().unwrap_or("")
                ));
                break;
            }
        }
        let elapsed = started.elapsed();
        // The same probe with every memory still alive: what a fresh instance gets after the
        // engine changed behaviour (or at the limit).
        let crowded = self.probe();
        let mut host = lock(&self.host);
        host.request(json!({"op": "drop_many", "handle": "many"}))?;
        host.collect()?;
        drop(host);
        // At the engine's limit a fresh instance may not be made at all: that is the finding.
        let crowded = crowded.map_or_else(
            |e| format!("no fresh instance could be made ({e:#})"),
            |p| p.to_string(),
        );
        let first = batches.first().context("no memory could be created")?;
        let gib = |b: u64| b as f64 / f64::from(1u32 << 30);
        // A change: more than twice or less than half the first memory's reservation, by more
        // than a page (a few KiB of bookkeeping per memory is not a change of behaviour).
        let change = batches.iter().find(|b| {
            b.per_memory.abs_diff(first.per_memory) > PAGE
                && (b.per_memory * 2 < first.per_memory || b.per_memory > first.per_memory * 2)
        });
        let shape = match change {
            Some(b) => format!(
                "the first memories reserved {:.3} GiB each; by memory {} it was {:.3} GiB each",
                gib(first.per_memory),
                b.total,
                gib(b.per_memory)
            ),
            // VmSize did not move: memories carved from a region reserved at start (V8's sandbox
            // in Chromium, JSC's region in WebKit), or heap buffers.
            None if first.per_memory < PAGE => {
                "no memory moved VmSize (each was carved from address space reserved before, or \
                 is a heap buffer)"
                    .to_string()
            }
            None => format!(
                "every memory reserved about {:.3} GiB",
                gib(first.per_memory)
            ),
        };
        let end = match &failure {
            Some(why) => format!("memory {} was refused ({why})", total + 1),
            None => format!("{total} memories created, no refusal"),
        };
        Ok((
            failure.is_none(),
            format!(
                "{end} in {:.1} s: {shape}; a fresh instance alone: {alone}; beside the {total} \
                 live memories: {crowded}",
                elapsed.as_secs_f64()
            ),
        ))
    }
}

impl JsRuntime {
    /// What a fresh instance gets now: whether its memory has a mapping of its own (fast
    /// memory, or a reservation; not a heap buffer), the engine-timed cost of one `grow(1)` from
    /// the guest at 16 pages (median of 5 fresh instances, 8 grows each), and the throughput of
    /// `seq-read-i64` over 1 MiB on a warm instance (20 calls).
    fn probe(&self) -> Result<Probe> {
        use crate::contiguous::{Kernel, MaxDecl, MemoryVariant, Pattern, Touch, Width};
        use crate::grow::{GrowPattern, Prepared};
        let variant = MemoryVariant::new(MemoryDecl::Defined, MaxDecl::None);
        let grow = Prepared::new(self, GrowPattern::Grow1At(16), variant)?;
        let mut per_grow = Vec::new();
        let mut own_mapping = true;
        for _ in 0..5 {
            let mut instance = grow.fresh()?;
            own_mapping &= instance.memory()?.base.is_some();
            per_grow.push(grow.run(instance.as_mut())? / GrowPattern::Grow1At(16).grows() as u32);
        }
        per_grow.sort();
        let pattern = Pattern {
            kernel: Kernel::SeqRead,
            width: Width::I64,
            touch: Touch::Warm,
        };
        const SIZE: u64 = 1 << 20;
        let mut read = crate::contiguous::Prepared::new(
            self,
            pattern,
            variant,
            SIZE,
            crate::case::GuestBuild::Scalar,
        )?;
        let calls = 20;
        let elapsed = read.run_warm_timed(calls)?;
        Ok(Probe {
            own_mapping,
            grow: per_grow[per_grow.len() / 2],
            bytes_per_second: (crate::contiguous::bytes_per_call(&pattern, SIZE) * calls) as f64
                / elapsed.as_secs_f64(),
        })
    }
}

/// What [`JsRuntime::probe`] found.
struct Probe {
    own_mapping: bool,
    grow: Duration,
    bytes_per_second: f64,
}

impl std::fmt::Display for Probe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "memory in {}, grow(1) at 16 pages {:.2} µs, seq-read-i64 over 1 MiB {:.2} GiB/s",
            if self.own_mapping {
                "a mapping of its own"
            } else {
                "no mapping of its own (a heap buffer)"
            },
            self.grow.as_secs_f64() * 1e6,
            self.bytes_per_second / f64::from(1u32 << 30)
        )
    }
}
