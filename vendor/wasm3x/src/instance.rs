//! An instantiated [`Module`](crate::Module): the [`Instance`].

use std::ffi::CString;

use wasm3x_sys as ffi;

use crate::error::{Error, Result};
use crate::func::{Func, TypedFunc, WasmParams, WasmResults};
use crate::global::Global;
use crate::memory::Memory;
use crate::store::{AsContext, StoreId, assert_same_store};

/// A handle to an instantiated module within a [`Store`].
///
/// # Note
///
/// Wasm3 looks functions up by name across *all* modules loaded into the
/// runtime (there is no per-instance function namespace and no lookup by
/// index). With one module per store — the common case — this behaves as
/// expected.
///
/// [`Store`]: crate::Store
#[derive(Debug, Clone, Copy)]
pub struct Instance {
    module: ffi::IM3Module,
    store_id: StoreId,
}

impl Instance {
    pub(crate) fn new(module: ffi::IM3Module, store_id: StoreId) -> Self {
        Self { module, store_id }
    }

    pub(crate) fn raw(&self) -> ffi::IM3Module {
        self.module
    }

    /// Compiles every function of this instance's module that is not compiled yet
    /// (`m3_CompileModule`).
    ///
    /// wasm-memory-bench patch: under [`CompilationMode::Lazy`](crate::CompilationMode) Wasm3
    /// compiles a function on its first lookup, and a function it calls on the call's first
    /// execution (`op_Compile`, m3_compile.c), so the first call of an instance compiles its
    /// callees; [`CompilationMode::Eager`](crate::CompilationMode) compiles inside
    /// [`Linker::instantiate`](crate::Linker::instantiate). This compiles them at a time the
    /// embedder chooses, between the two. Compiling reads the module's code and touches no memory.
    /// A call site compiled before its callee still starts as `op_Compile`, which on its first
    /// execution finds the callee compiled and rewrites itself into `op_Call`.
    pub fn compile_all(&self, store: impl AsContext) -> Result<()> {
        let ctx = store.as_context();
        assert_same_store(ctx.store_id(), self.store_id);
        // SAFETY: `module` is loaded into the live runtime of `store`.
        Error::from_ffi(unsafe { ffi::m3_CompileModule(self.module) })
    }

    /// Looks up an exported function by name.
    ///
    /// **Runtime-global lookup.** Wasm3 resolves functions by name across *all*
    /// modules loaded into the runtime; this does not filter by *this* instance's
    /// module. With one module per store — the intended usage — it behaves as a
    /// per-instance lookup. See the type-level note.
    pub fn get_func(&self, store: impl AsContext, name: &str) -> Option<Func> {
        let ctx = store.as_context();
        assert_same_store(ctx.store_id(), self.store_id);
        Func::find_raw(ctx.runtime(), self.store_id, name)
    }

    /// Looks up an exported function and converts it to a [`TypedFunc`].
    pub fn get_typed_func<Params, Results>(
        &self,
        store: impl AsContext,
        name: &str,
    ) -> Result<TypedFunc<Params, Results>>
    where
        Params: WasmParams,
        Results: WasmResults,
    {
        let ctx = store.as_context();
        assert_same_store(ctx.store_id(), self.store_id);
        let func = Func::find_raw(ctx.runtime(), self.store_id, name)
            .ok_or_else(|| Error::new(format!("exported function `{name}` not found")))?;
        func.typed_checked(self.store_id)
    }

    /// Reads the function stored at `index` in this module's function table.
    ///
    /// This is the only lookup by index Wasm3 offers; every other route to a
    /// function goes through its export name. Returns `Ok(None)` when the slot
    /// holds the null reference, and fails when the module declares no table or
    /// when `index` is out of range.
    ///
    /// **Table 0 only.** Wasm3's C-API exposes no way to reach a module's other
    /// tables, nor to write, grow or measure any of them.
    pub fn get_table_func(&self, store: impl AsContext, index: u32) -> Result<Option<Func>> {
        assert_same_store(store.as_context().store_id(), self.store_id);
        // SAFETY: `module` is owned by the runtime for as long as the store lives.
        unsafe {
            let mut raw: ffi::IM3Function = core::ptr::null_mut();
            Error::from_ffi(ffi::m3_GetTableFunction(&mut raw, self.module, index))?;
            Ok((!raw.is_null()).then(|| Func::from_raw(raw, self.store_id)))
        }
    }

    /// Looks up an exported global by name.
    pub fn get_global(&self, store: impl AsContext, name: &str) -> Option<Global> {
        assert_same_store(store.as_context().store_id(), self.store_id);
        let cname = CString::new(name).ok()?;
        // SAFETY: `module` is owned by the runtime and `cname` is valid.
        let raw = unsafe { ffi::m3_FindGlobal(self.module, cname.as_ptr()) };
        if raw.is_null() {
            return None;
        }
        Some(Global::from_raw(raw, self.store_id))
    }

    /// Returns the runtime's linear memory, if one is present.
    ///
    /// **Runtime-global lookup.** Wasm3 exposes a single linear memory per
    /// runtime and does not resolve memories by export name, so the result is
    /// not filtered by *this* instance's module. With one module per store — the
    /// intended usage — this is the module's memory. See the type-level note.
    pub fn get_memory(&self, store: impl AsContext) -> Option<Memory> {
        let ctx = store.as_context();
        assert_same_store(ctx.store_id(), self.store_id);
        // SAFETY: valid runtime; queries the (single) memory at index 0.
        let mut size = 0u32;
        let ptr = unsafe { ffi::m3_GetMemory(ctx.runtime(), &mut size, 0) };
        if ptr.is_null() {
            return None;
        }
        Some(Memory::new(self.store_id, 0))
    }
}
