//! Gives one guest build its memory variants by rewriting the module's memory declaration.
//!
//! The guest is compiled once; the "reserved maxima" axis comes from here: the module's own memory
//! declared with the plan's `initial`/`maximum` ([`MemoryDecl::Defined`]), or the memory moved into an
//! import `env.memory` that the host creates with those limits ([`MemoryDecl::Imported`], the Rust
//! counterpart of `new WebAssembly.Memory({initial, maximum})`). Every other section is copied byte for
//! byte, so the code the engines compile is the same in every variant.

use anyhow::{bail, Context, Result};
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser::{Parser, Payload};

pub use membench_data::memory::{MemoryDecl, MemoryPlan, PAGE};

pub const MEMORY_EXPORT: &str = "memory";

/// The module the host gives the memory under, when [`MemoryDecl::Imported`].
pub const MEMORY_IMPORT: (&str, &str) = ("env", "memory");

/// `initial` and `maximum` as the 32-bit page counts the runtimes' memory-type constructors take.
/// A 64-bit memory is refused: every host memory here is created 32-bit, and a 64-bit import
/// would not link.
pub fn limits32(plan: &MemoryPlan) -> Result<(u32, Option<u32>)> {
    if plan.memory64 {
        bail!(
            "a 64-bit memory (memory64) is only run defined by the module: the hosts here \
             create 32-bit memories"
        );
    }
    if plan.page_size_log2.is_some() {
        bail!(
            "a memory with a custom page size is only run defined by the module: the hosts \
             here create memories of 64 KiB pages"
        );
    }
    let pages32 = |pages: u64| {
        u32::try_from(pages).with_context(|| format!("{pages} pages do not fit a 32-bit memory"))
    };
    Ok((
        pages32(plan.initial)?,
        plan.maximum.map(pages32).transpose()?,
    ))
}

/// The wasm type of this memory: 32- or 64-bit, shared, and of the page size the plan says,
/// its limits converted from 64 KiB units to that page size. A maximum past what the address
/// type can count in such pages (4 GiB is 2^32 one-byte pages, one more than a 32-bit limit
/// holds) is the largest it can.
pub fn memory_type(plan: &MemoryPlan) -> wasm_encoder::MemoryType {
    let (minimum, maximum) = match plan.page_size_log2 {
        None => (plan.initial, plan.maximum),
        Some(log2) => {
            let shift = 16 - u32::from(log2.min(16));
            let largest = if plan.memory64 {
                u64::MAX >> log2
            } else {
                u64::from(u32::MAX) >> log2
            };
            let convert = |pages: u64| (pages << shift).min(largest);
            (convert(plan.initial), plan.maximum.map(convert))
        }
    };
    wasm_encoder::MemoryType {
        minimum,
        maximum,
        memory64: plan.memory64,
        shared: plan.shared,
        page_size_log2: plan.page_size_log2.map(u32::from),
    }
}

/// The limits of the single memory a module declares, in pages, and whether it imports it.
pub fn declared_memory(wasm: &[u8]) -> Result<MemoryPlan> {
    let mut found = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.context("parsing the module")? {
            Payload::ImportSection(reader) => {
                for imports in reader {
                    for import in imports.context("reading an import")? {
                        let (_, import) = import.context("reading an import")?;
                        if let wasmparser::TypeRef::Memory(m) = import.ty {
                            found.push((MemoryDecl::Imported, m));
                        }
                    }
                }
            }
            Payload::MemorySection(reader) => {
                for m in reader {
                    found.push((MemoryDecl::Defined, m.context("reading a memory")?));
                }
            }
            _ => {}
        }
    }
    match found.as_slice() {
        [(decl, m)] => {
            // Limits in 64 KiB units (see `MemoryPlan::page_size_log2`), rounded up.
            let shift = 16 - m.page_size_log2.unwrap_or(16).min(16);
            let in_64k = |pages: u64| pages.div_ceil(1 << shift);
            Ok(MemoryPlan {
                decl: *decl,
                initial: in_64k(m.initial),
                maximum: m.maximum.map(in_64k),
                shared: m.shared,
                memory64: m.memory64,
                page_size_log2: m.page_size_log2.map(|l| l as u8),
            })
        }
        [] => bail!("the module declares no memory; a guest must define or import exactly one"),
        more => bail!(
            "the module declares {} memories; a guest must define or import exactly one",
            more.len()
        ),
    }
}

/// A module from WebAssembly text with its `{placeholders}` filled in, in the order given: how
/// one text gives the memory-kind twins (`guest-modules/wat/*.wat`). `file` names the text in
/// the error.
pub fn wat_template(file: &str, text: &str, fills: &[(&str, &str)]) -> Result<Vec<u8>> {
    let text = fills
        .iter()
        .fold(text.to_string(), |text, (from, to)| text.replace(from, to));
    wat::parse_str(&text).with_context(|| format!("parsing {file}"))
}

/// Checks that a module follows the guest ABI (see [`guest_abi_problems`]). The error names
/// everything wrong at once, so a module is fixed in one round rather than one problem per run.
pub fn check_guest_abi(wasm: &[u8], required: &[&str]) -> Result<()> {
    let problems = guest_abi_problems(wasm, required, &[]);
    if !problems.is_empty() {
        bail!(
            "the module does not follow the guest ABI: {}",
            problems.join("; ")
        );
    }
    Ok(())
}

/// The type every guest export has: `(i32, i32, i32) -> i64`.
const ABI_TYPE: &str = "(i32, i32, i32) -> i64";

/// Everything that keeps `wasm` from running as a guest, each problem one sentence; empty when it
/// follows the ABI. The ABI: valid WebAssembly; exactly one memory, defined by the module or
/// imported as `env.memory` (the only import any runtime here provides), and exported as `memory`
/// (where the runtimes read it); every export in `required` a function of type
/// `(i32, i32, i32) -> i64`, and every export in `optional` either absent or of that type.
///
/// An optional export of another type is a problem rather than "absent": the runtimes call every
/// export with that one type, so it would be silently reported as missing.
pub fn guest_abi_problems(wasm: &[u8], required: &[&str], optional: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    if !wasm.starts_with(b"\0asm") {
        // The validator would print both headers byte by byte; say it in words.
        problems.push(
            "not valid WebAssembly: it does not begin with the binary format's magic bytes \
             `\\0asm` (WebAssembly text is read from a file named *.wat)"
                .to_string(),
        );
        return problems;
    }
    // Every proposal on: whether an engine takes a proposal (custom page sizes, say) is the
    // engine's answer, recorded with its words; this check is for modules no engine could take.
    let all = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(wasm);
    if let Err(e) = all {
        // One line per problem: the validator's message may span several.
        let e = e
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        problems.push(format!("not valid WebAssembly: {e}"));
    }
    // A module that validates always reads; one that does not may still read far enough to say
    // what else is wrong. If it does not, the validator's error is all there is to say.
    let shape = match Shape::read(wasm) {
        Ok(shape) => shape,
        Err(e) => {
            if problems.is_empty() {
                problems.push(format!("cannot be read: {e:#}"));
            }
            return problems;
        }
    };
    problems.extend(shape.memory_problems());
    for name in required {
        match shape.export_problem(name) {
            Some(problem) => problems.push(problem),
            None if shape.export(name).is_none() => {
                problems.push(format!("no exported function `{name}` {ABI_TYPE}"))
            }
            None => {}
        }
    }
    for name in optional {
        if let Some(problem) = shape.export_problem(name) {
            problems.push(format!(
                "{problem} (`{name}` is optional, but the runtimes call it with this type only)"
            ));
        }
    }
    problems
}

/// What the guest ABI looks at in a module: its function types, imports, memories and exports.
#[derive(Default)]
struct Shape {
    /// Each type index's function type (`None` for a GC struct or array type).
    types: Vec<Option<wasmparser::FuncType>>,
    /// Each function index's type index (imported functions first).
    funcs: Vec<u32>,
    /// Every memory, in index order: where it comes from (`None` when defined) and its type.
    memories: Vec<(Option<(String, String)>, wasmparser::MemoryType)>,
    /// Imports other than memories: module, name and kind.
    other_imports: Vec<(String, String, &'static str)>,
    /// Exports by name: kind and index.
    exports: Vec<(String, wasmparser::ExternalKind, u32)>,
}

impl Shape {
    fn read(wasm: &[u8]) -> Result<Self> {
        use wasmparser::{CompositeInnerType, TypeRef};
        let mut shape = Shape::default();
        for payload in Parser::new(0).parse_all(wasm) {
            match payload.context("parsing the module")? {
                Payload::TypeSection(reader) => {
                    for group in reader {
                        for ty in group.context("reading a type")?.into_types() {
                            shape.types.push(match ty.composite_type.inner {
                                CompositeInnerType::Func(f) => Some(f),
                                _ => None,
                            });
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    for imports in reader {
                        for import in imports.context("reading an import")? {
                            let (_, import) = import.context("reading an import")?;
                            let from = (import.module.to_string(), import.name.to_string());
                            let kind = match import.ty {
                                TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                                    shape.funcs.push(t);
                                    "function"
                                }
                                TypeRef::Memory(m) => {
                                    shape.memories.push((Some(from), m));
                                    continue;
                                }
                                TypeRef::Table(_) => "table",
                                TypeRef::Global(_) => "global",
                                TypeRef::Tag(_) => "tag",
                            };
                            shape.other_imports.push((from.0, from.1, kind));
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    for f in reader {
                        shape.funcs.push(f.context("reading a function")?);
                    }
                }
                Payload::MemorySection(reader) => {
                    for m in reader {
                        shape.memories.push((None, m.context("reading a memory")?));
                    }
                }
                Payload::ExportSection(reader) => {
                    for e in reader {
                        let e = e.context("reading an export")?;
                        shape.exports.push((e.name.to_string(), e.kind, e.index));
                    }
                }
                _ => {}
            }
        }
        Ok(shape)
    }

    fn export(&self, name: &str) -> Option<(wasmparser::ExternalKind, u32)> {
        self.exports
            .iter()
            .find(|(n, ..)| n == name)
            .map(|&(_, kind, index)| (kind, index))
    }

    /// What is wrong with the memory and the imports.
    fn memory_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let (env, memory) = MEMORY_IMPORT;
        match self.memories.as_slice() {
            [] => problems.push(
                "no exported memory `memory`: the module declares no memory (a guest defines \
                 one, or imports it as `env.memory`, and exports it as `memory`)"
                    .to_string(),
            ),
            [(from, _)] => {
                if let Some((module, name)) = from {
                    if (module.as_str(), name.as_str()) != (env, memory) {
                        problems.push(format!(
                            "imports its memory as `{module}.{name}`; the host provides a memory \
                             only as `{env}.{memory}`"
                        ));
                    }
                }
                match self.export(MEMORY_EXPORT) {
                    Some((wasmparser::ExternalKind::Memory, _)) => {}
                    Some((kind, _)) => problems.push(format!(
                        "export `{MEMORY_EXPORT}` is a {}, expected the module's memory",
                        kind_name(kind)
                    )),
                    None => problems.push(format!(
                        "no exported memory `{MEMORY_EXPORT}`: the module's memory must be \
                         exported under that name"
                    )),
                }
            }
            more => problems.push(format!(
                "declares {} memories; a guest defines or imports exactly one",
                more.len()
            )),
        }
        for (module, name, kind) in &self.other_imports {
            problems.push(format!(
                "imports {kind} `{module}.{name}`; the host provides nothing but `{env}.{memory}`"
            ));
        }
        problems
    }

    /// What is wrong with export `name`, if it is exported and not a function of the ABI type.
    fn export_problem(&self, name: &str) -> Option<String> {
        use wasmparser::ValType::{I32, I64};
        let (kind, index) = self.export(name)?;
        if !matches!(
            kind,
            wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact
        ) {
            return Some(format!(
                "export `{name}` is a {}, expected a function {ABI_TYPE}",
                kind_name(kind)
            ));
        }
        let ty = self
            .funcs
            .get(index as usize)
            .and_then(|t| self.types.get(*t as usize))
            .and_then(Option::as_ref);
        match ty {
            Some(t) if t.params() == [I32, I32, I32] && t.results() == [I64] => None,
            Some(t) => Some(format!(
                "export `{name}` has type {}, expected `{name}` with type {ABI_TYPE}",
                signature(t)
            )),
            None => Some(format!(
                "export `{name}` has no function type, expected `{name}` with type {ABI_TYPE}"
            )),
        }
    }
}

/// `(i32) -> i32`, `() -> (i64, i64)`: a function type as the guest ABI writes it.
fn signature(t: &wasmparser::FuncType) -> String {
    let list = |types: &[wasmparser::ValType]| {
        types
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let results = match t.results() {
        [one] => one.to_string(),
        more => format!("({})", list(more)),
    };
    format!("({}) -> {results}", list(t.params()))
}

fn kind_name(kind: wasmparser::ExternalKind) -> &'static str {
    use wasmparser::ExternalKind as K;
    match kind {
        K::Func | K::FuncExact => "function",
        K::Table => "table",
        K::Memory => "memory",
        K::Global => "global",
        K::Tag => "tag",
    }
}

/// The globals rustc's wasm32 linker exports that no host here reads, and that [`with_memory`]
/// leaves out: WAMR's loader shrinks the memory of a module that exports `__data_end` and
/// `__heap_base` and has no `memory.grow` to `__heap_base` bytes (WASM_ENABLE_SHRUNK_MEMORY,
/// WAMR 2.4.3 `wasm_loader.c`), which would take away the pages a guest's working set lies in.
/// Leaving them out of every runtime's module keeps the modules alike; a module given as a file
/// keeps them.
pub const LINKER_EXPORTS: [&str; 2] = ["__data_end", "__heap_base"];

/// Rewrites `wasm` so that its memory follows `plan`, and drops the [`LINKER_EXPORTS`]. The memory
/// rewritten is the module's only one, or, in a module with several (the multi-memory proposal),
/// the one it exports as `memory`; the others are kept as they are, and such a module keeps its
/// memories defined (importing one would renumber them).
pub fn with_memory(wasm: &[u8], plan: &MemoryPlan) -> Result<Vec<u8>> {
    let shape = Shape::read(wasm)?;
    let count = shape.memories.len();
    let target = match (count, shape.export(MEMORY_EXPORT)) {
        (0, _) => bail!("the module declares no memory"),
        (1, _) => 0,
        (_, Some((wasmparser::ExternalKind::Memory, index))) => index as usize,
        (_, _) => bail!(
            "the module declares {count} memories and exports none as `{MEMORY_EXPORT}`: which \
             one to rewrite is not known"
        ),
    };
    if shape
        .memories
        .get(target)
        .is_some_and(|(from, _)| from.is_some())
    {
        bail!("the module imports its memory; only a module that defines it can be rewritten");
    }
    if count > 1 && plan.decl == MemoryDecl::Imported {
        bail!(
            "the module declares {count} memories: it is run with them defined, since importing \
             one would renumber the others"
        );
    }
    if let Some(max) = plan.maximum {
        if max < plan.initial {
            bail!(
                "maximum {max} pages is below initial {} pages",
                plan.initial
            );
        }
    }
    if plan.shared && plan.maximum.is_none() {
        bail!("a shared memory must declare a maximum (the threads proposal requires one)");
    }
    let imported_memories = shape.memories.iter().filter(|(f, _)| f.is_some()).count();
    let mut out = wasm_encoder::Module::new();
    let mut import_written = false;
    let write_imports = |out: &mut wasm_encoder::Module,
                         reader: Option<wasmparser::ImportSectionReader>| {
        let mut section = wasm_encoder::ImportSection::new();
        if let Some(reader) = reader {
            RoundtripReencoder
                .parse_import_section(&mut section, reader)
                .context("re-encoding the import section")?;
        }
        if plan.decl == MemoryDecl::Imported {
            section.import(MEMORY_IMPORT.0, MEMORY_IMPORT.1, memory_type(plan));
        }
        if !section.is_empty() {
            out.section(&section);
        }
        anyhow::Ok(())
    };
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.context("parsing the module")?;
        match &payload {
            Payload::Version { .. } | Payload::End(_) => continue,
            Payload::CodeSectionEntry(_) => continue,
            Payload::ImportSection(reader) => {
                write_imports(&mut out, Some(reader.clone()))?;
                import_written = true;
                continue;
            }
            _ => {}
        }
        let Some((id, range)) = payload.as_section() else {
            continue;
        };
        // The import section (id 2) comes right after the type section (id 1); custom sections (id 0)
        // may stand anywhere. Insert one where the module has none.
        if !import_written && id > 2 {
            write_imports(&mut out, None)?;
            import_written = true;
        }
        match payload {
            Payload::ExportSection(reader) => {
                let mut section = wasm_encoder::ExportSection::new();
                for export in reader {
                    let export = export.context("reading an export")?;
                    if LINKER_EXPORTS.contains(&export.name) {
                        continue;
                    }
                    let kind = RoundtripReencoder.export_kind(export.kind)?;
                    section.export(export.name, kind, export.index);
                }
                out.section(&section);
            }
            Payload::MemorySection(reader) => {
                if plan.decl == MemoryDecl::Defined {
                    let mut section = wasm_encoder::MemorySection::new();
                    for (i, memory) in reader.into_iter().enumerate() {
                        if imported_memories + i == target {
                            section.memory(memory_type(plan));
                        } else {
                            let memory = memory.context("reading a memory")?;
                            section.memory(RoundtripReencoder.memory_type(memory)?);
                        }
                    }
                    out.section(&section);
                }
            }
            _ => {
                out.section(&wasm_encoder::RawSection {
                    id,
                    data: &wasm[range.start as usize..range.end as usize],
                });
            }
        }
    }
    Ok(out.finish())
}

/// Adds `maximum` (in pages) to every memory the module defines without one, leaving every other
/// byte as it is: the spec tests' "reserved maxima" variant. Imported memories are left alone, since
/// a maximum on an import would change which memories it links with.
pub fn with_maximum_added(wasm: &[u8], maximum: u64) -> Result<Vec<u8>> {
    let mut out = wasm_encoder::Module::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.context("parsing the module")?;
        if let Payload::MemorySection(reader) = &payload {
            let mut section = wasm_encoder::MemorySection::new();
            for memory in reader.clone() {
                let mut ty = RoundtripReencoder.memory_type(memory.context("reading a memory")?)?;
                if ty.maximum.is_none() && !ty.memory64 && !ty.shared {
                    ty.maximum = Some(maximum.max(ty.minimum));
                }
                section.memory(ty);
            }
            out.section(&section);
        } else if let Some((id, range)) = payload.as_section() {
            out.section(&wasm_encoder::RawSection {
                id,
                data: &wasm[range.start as usize..range.end as usize],
            });
        }
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUEST: &str = r#"(module
        (type (func (param i32 i32 i32) (result i64)))
        (memory (export "memory") 2)
        (data (i32.const 0) "hi")
        (func (export "size") (type 0) memory.size i64.extend_i32_u))"#;

    #[test]
    fn every_variant_declares_the_plan_and_validates() {
        let wasm = wat::parse_str(GUEST).unwrap();
        for decl in [MemoryDecl::Defined, MemoryDecl::Imported] {
            for maximum in [None, Some(7)] {
                let plan = MemoryPlan {
                    decl,
                    initial: 3,
                    maximum,
                    shared: false,
                    memory64: false,
                    page_size_log2: None,
                };
                let out = with_memory(&wasm, &plan).unwrap();
                // The runtimes' own validator (wasmparser, as wasmtime uses it) accepts the result.
                wasmparser::Validator::new().validate_all(&out).unwrap();
                assert_eq!(declared_memory(&out).unwrap(), plan);
            }
        }
    }

    /// A shared plan imports `env.memory` with limits flag `0x03` (shared, with a maximum): the
    /// module validates with the threads proposal on, is refused with it off (what an engine
    /// without threads says), and reads back as the plan.
    #[test]
    fn a_shared_plan_imports_a_shared_memory_that_validates() {
        let wasm = wat::parse_str(GUEST).unwrap();
        for (initial, maximum) in [(16, 16), (16, 65536)] {
            let plan = MemoryPlan {
                decl: MemoryDecl::Imported,
                initial,
                maximum: Some(maximum),
                shared: true,
                memory64: false,
                page_size_log2: None,
            };
            let out = with_memory(&wasm, &plan).unwrap();
            let mut features = wasmparser::WasmFeatures::default();
            features.insert(wasmparser::WasmFeatures::THREADS);
            wasmparser::Validator::new_with_features(features)
                .validate_all(&out)
                .unwrap();
            features.remove(wasmparser::WasmFeatures::THREADS);
            let refused = wasmparser::Validator::new_with_features(features)
                .validate_all(&out)
                .err()
                .expect("a shared memory validated without the threads proposal")
                .to_string();
            assert!(refused.contains("threads"), "{refused}");
            assert_eq!(declared_memory(&out).unwrap(), plan);
            // The import entry, byte for byte: "env" "memory", kind 0x02 (memory), flags 0x03.
            let mut entry = vec![3];
            entry.extend(b"env");
            entry.push(6);
            entry.extend(b"memory");
            entry.extend([0x02, 0x03]);
            assert!(
                out.windows(entry.len()).any(|w| w == entry),
                "no shared memory import with limits flag 0x03 in {out:?}"
            );
        }
        // Unshared, the same import carries flag 0x01 (a maximum, not shared).
        let unshared = MemoryPlan {
            decl: MemoryDecl::Imported,
            initial: 16,
            maximum: Some(16),
            shared: false,
            memory64: false,
            page_size_log2: None,
        };
        let out = with_memory(&wasm, &unshared).unwrap();
        assert!(out.windows(3).any(|w| w == [b'y', 0x02, 0x01]));
    }

    #[test]
    fn a_maximum_is_added_only_where_none_is_declared() {
        let wasm = wat::parse_str(
            r#"(module (import "spectest" "memory" (memory 1)) (memory 2) (memory 3 5)
                (func (export "f") (result i32) i32.const 7))"#,
        )
        .unwrap();
        let mut features = wasmparser::WasmFeatures::default();
        features.insert(wasmparser::WasmFeatures::MULTI_MEMORY);
        let out = with_maximum_added(&wasm, 65536).unwrap();
        wasmparser::Validator::new_with_features(features)
            .validate_all(&out)
            .unwrap();
        let mut memories = Vec::new();
        for payload in Parser::new(0).parse_all(&out) {
            match payload.unwrap() {
                Payload::ImportSection(reader) => {
                    for imports in reader {
                        for import in imports.unwrap() {
                            if let wasmparser::TypeRef::Memory(m) = import.unwrap().1.ty {
                                memories.push(m.maximum);
                            }
                        }
                    }
                }
                Payload::MemorySection(reader) => {
                    memories.extend(reader.into_iter().map(|m| m.unwrap().maximum))
                }
                _ => {}
            }
        }
        assert_eq!(memories, [None, Some(65536), Some(5)]);
    }

    #[test]
    fn the_guest_abi_check_names_every_problem_at_once() {
        let problems = |text: &str, optional: &[&str]| {
            guest_abi_problems(&wat::parse_str(text).unwrap(), &["run", "size"], optional)
        };
        assert_eq!(
            problems(GUEST.replace("\"size\"", "\"run\"").as_str(), &[]).len(),
            1
        );
        // No memory, `run` of the wrong type, `size` not a function: three problems, one list.
        let all = problems(
            r#"(module (global (export "size") i32 (i32.const 0))
                 (func (export "run") (param i32) (result i32) local.get 0))"#,
            &[],
        );
        assert_eq!(
            all,
            [
                "no exported memory `memory`: the module declares no memory (a guest defines one, or imports it as `env.memory`, and exports it as `memory`)",
                "export `run` has type (i32) -> i32, expected `run` with type (i32, i32, i32) -> i64",
                "export `size` is a global, expected a function (i32, i32, i32) -> i64",
            ]
        );
        // An imported memory must come from `env.memory` and still be exported; nothing else may
        // be imported; an optional export present must have the ABI type.
        let imported = problems(
            r#"(module (import "js" "mem" (memory 1)) (import "env" "f" (func))
                 (type $abi (func (param i32 i32 i32) (result i64)))
                 (func (export "run") (type $abi) i64.const 0)
                 (func (export "size") (type $abi) i64.const 0)
                 (func (export "live_bytes") (result i64) i64.const 0))"#,
            &["live_bytes", "peak_live_bytes"],
        );
        assert_eq!(imported.len(), 4, "{imported:#?}");
        for (problem, expected) in imported.iter().zip([
            "imports its memory as `js.mem`",
            "no exported memory `memory`",
            "imports function `env.f`",
            "export `live_bytes` has type () -> i64",
        ]) {
            assert!(problem.starts_with(expected), "{problem}");
        }
        let env = r#"(module (import "env" "memory" (memory 1)) (export "memory" (memory 0))
            (type $abi (func (param i32 i32 i32) (result i64)))
            (func (export "run") (type $abi) i64.const 0)
            (func (export "size") (type $abi) i64.const 0))"#;
        assert_eq!(problems(env, &["live_bytes"]), Vec::<String>::new());
        // Bytes that do not parse: the validator's error alone, not guesses about missing exports.
        let junk = guest_abi_problems(b"\0asm\x01\0\0\0\xff", &["run"], &[]);
        assert_eq!(junk.len(), 1, "{junk:?}");
        assert!(junk[0].starts_with("not valid WebAssembly"), "{junk:?}");
    }

    #[test]
    fn refuses_a_maximum_below_initial_and_a_module_without_memory() {
        let wasm = wat::parse_str(GUEST).unwrap();
        let plan = MemoryPlan {
            decl: MemoryDecl::Defined,
            initial: 4,
            maximum: Some(2),
            shared: false,
            memory64: false,
            page_size_log2: None,
        };
        assert!(with_memory(&wasm, &plan).is_err());
        // A shared memory without a maximum is not valid WebAssembly: refused before encoding.
        let unbounded = MemoryPlan {
            decl: MemoryDecl::Imported,
            initial: 1,
            maximum: None,
            shared: true,
            memory64: false,
            page_size_log2: None,
        };
        let err = with_memory(&wasm, &unbounded).unwrap_err().to_string();
        assert!(
            err.contains("shared memory must declare a maximum"),
            "{err}"
        );
        let none = wat::parse_str("(module)").unwrap();
        let err = declared_memory(&none).unwrap_err().to_string();
        assert!(err.contains("no memory"), "{err}");
    }
}
