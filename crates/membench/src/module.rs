//! Gives one guest build its memory variants by rewriting the module's memory declaration.
//!
//! The guest is compiled once; the "reserved maxima" axis comes from here: the module's own memory
//! declared with the plan's `initial`/`maximum` ([`MemoryDecl::Defined`]), or the memory moved into an
//! import `env.memory` that the host creates with those limits ([`MemoryDecl::Imported`], the Rust
//! counterpart of `new WebAssembly.Memory({initial, maximum})`). Every other section is copied byte for
//! byte, so the code the engines compile is the same in every variant.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser::{Parser, Payload};

/// The size of a wasm page, in bytes.
pub const PAGE: u64 = 65536;

/// Where the guest's memory is declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemoryDecl {
    /// The module defines its memory (memory section).
    Defined,
    /// The host creates the memory and the module imports it as `env.memory`.
    Imported,
}

/// The module the host gives the memory under, when [`MemoryDecl::Imported`].
pub const MEMORY_IMPORT: (&str, &str) = ("env", "memory");

/// The memory a case runs with: where it is declared and its limits, in pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MemoryPlan {
    /// Defined by the module or imported from the host.
    pub decl: MemoryDecl,
    /// `initial`, in 64 KiB pages.
    pub initial: u64,
    /// `maximum`, in 64 KiB pages; `None` declares no maximum.
    pub maximum: Option<u64>,
}

impl MemoryPlan {
    /// `initial` and `maximum` as the 32-bit page counts the runtimes' memory-type constructors take.
    pub fn limits32(&self) -> Result<(u32, Option<u32>)> {
        let pages32 = |pages: u64| {
            u32::try_from(pages)
                .with_context(|| format!("{pages} pages do not fit a 32-bit memory"))
        };
        Ok((
            pages32(self.initial)?,
            self.maximum.map(pages32).transpose()?,
        ))
    }

    /// The wasm type of this memory (32-bit, unshared, 64 KiB pages).
    pub fn memory_type(&self) -> wasm_encoder::MemoryType {
        wasm_encoder::MemoryType {
            minimum: self.initial,
            maximum: self.maximum,
            memory64: false,
            shared: false,
            page_size_log2: None,
        }
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
        [(decl, m)] => Ok(MemoryPlan {
            decl: *decl,
            initial: m.initial,
            maximum: m.maximum,
        }),
        [] => bail!("the module declares no memory; a guest must define or import exactly one"),
        more => bail!(
            "the module declares {} memories; a guest must define or import exactly one",
            more.len()
        ),
    }
}

/// Checks that a module follows the guest ABI: one memory, exported as `memory`, and each export in
/// `required` a function of type `(i32, i32, i32) -> i64`. The error names everything missing.
pub fn check_guest_abi(wasm: &[u8], required: &[&str]) -> Result<()> {
    wasmparser::Validator::new()
        .validate_all(wasm)
        .context("the module is not valid WebAssembly")?;
    declared_memory(wasm)?;
    let mut types = Vec::new();
    let mut funcs = Vec::new();
    let mut exports = std::collections::HashMap::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    types.push(ty?);
                }
            }
            Payload::ImportSection(reader) => {
                for imports in reader {
                    for import in imports? {
                        let (_, import) = import?;
                        if let wasmparser::TypeRef::Func(t) = import.ty {
                            funcs.push(t);
                        }
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for f in reader {
                    funcs.push(f?);
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader {
                    let e = e?;
                    exports.insert(e.name.to_string(), (e.kind, e.index));
                }
            }
            _ => {}
        }
    }
    let abi = |t: &wasmparser::FuncType| {
        use wasmparser::ValType::{I32, I64};
        t.params() == [I32, I32, I32] && t.results() == [I64]
    };
    let mut missing = Vec::new();
    if !matches!(
        exports.get("memory"),
        Some((wasmparser::ExternalKind::Memory, _))
    ) {
        missing.push("a memory exported as `memory`".to_string());
    }
    for name in required {
        match exports.get(*name) {
            Some((wasmparser::ExternalKind::Func, index)) => {
                let ty = funcs
                    .get(*index as usize)
                    .and_then(|t| types.get(*t as usize));
                if !ty.is_some_and(abi) {
                    missing.push(format!("`{name}` with type (i32, i32, i32) -> i64"));
                }
            }
            _ => missing.push(format!("a function export `{name}` (i32, i32, i32) -> i64")),
        }
    }
    if !missing.is_empty() {
        bail!(
            "the module does not follow the guest ABI: missing {}",
            missing.join(", ")
        );
    }
    Ok(())
}

/// Rewrites `wasm` (which must define exactly one memory) so that its memory follows `plan`.
pub fn with_memory(wasm: &[u8], plan: &MemoryPlan) -> Result<Vec<u8>> {
    let original = declared_memory(wasm)?;
    if original.decl != MemoryDecl::Defined {
        bail!("the module imports its memory; only a module that defines it can be rewritten");
    }
    if let Some(max) = plan.maximum {
        if max < plan.initial {
            bail!(
                "maximum {max} pages is below initial {} pages",
                plan.initial
            );
        }
    }
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
            section.import(MEMORY_IMPORT.0, MEMORY_IMPORT.1, plan.memory_type());
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
            Payload::MemorySection(_) => {
                if plan.decl == MemoryDecl::Defined {
                    let mut section = wasm_encoder::MemorySection::new();
                    section.memory(plan.memory_type());
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
                };
                let out = with_memory(&wasm, &plan).unwrap();
                // The runtimes' own validator (wasmparser, as wasmtime uses it) accepts the result.
                wasmparser::Validator::new().validate_all(&out).unwrap();
                assert_eq!(declared_memory(&out).unwrap(), plan);
            }
        }
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
    fn refuses_a_maximum_below_initial_and_a_module_without_memory() {
        let wasm = wat::parse_str(GUEST).unwrap();
        let plan = MemoryPlan {
            decl: MemoryDecl::Defined,
            initial: 4,
            maximum: Some(2),
        };
        assert!(with_memory(&wasm, &plan).is_err());
        let none = wat::parse_str("(module)").unwrap();
        let err = declared_memory(&none).unwrap_err().to_string();
        assert!(err.contains("no memory"), "{err}");
    }
}
