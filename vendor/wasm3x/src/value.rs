//! Wasm value and type primitives.

use std::ffi::CString;

use wasm3x_sys as ffi;

use crate::error::{Error, Result};
use crate::func::Func;
use crate::store::StoreId;

/// The type of a Wasm value.
///
/// Wasm3's raw C-API additionally distinguishes `v128` and `unknown`, neither of
/// which is representable here. `v128` exists in Wasm3 only so that modules
/// mentioning it in a signature or a local declaration still parse — Wasm3
/// implements no SIMD instructions, so there is no `v128` value to represent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    /// A 32-bit integer.
    I32,
    /// A 64-bit integer.
    I64,
    /// A 32-bit IEEE-754 float.
    F32,
    /// A 64-bit IEEE-754 float.
    F64,
    /// A nullable reference to a Wasm function.
    FuncRef,
    /// A nullable reference to a host value.
    ///
    /// Wasm3 moves `externref`s as opaque pointer-sized words and offers no way
    /// to create, store or read one through its C-API, so this type can be
    /// *reported* (by [`Func::ty`]) but has no corresponding [`Val`].
    ExternRef,
}

impl ValType {
    /// Converts a raw `M3ValueType` into a [`ValType`], if representable.
    pub(crate) fn from_ffi(raw: ffi::M3ValueType::Type) -> Option<Self> {
        match raw {
            ffi::M3ValueType::c_m3Type_i32 => Some(Self::I32),
            ffi::M3ValueType::c_m3Type_i64 => Some(Self::I64),
            ffi::M3ValueType::c_m3Type_f32 => Some(Self::F32),
            ffi::M3ValueType::c_m3Type_f64 => Some(Self::F64),
            ffi::M3ValueType::c_m3Type_funcref => Some(Self::FuncRef),
            ffi::M3ValueType::c_m3Type_externref => Some(Self::ExternRef),
            _ => None,
        }
    }

    pub(crate) fn to_ffi(self) -> ffi::M3ValueType::Type {
        match self {
            Self::I32 => ffi::M3ValueType::c_m3Type_i32,
            Self::I64 => ffi::M3ValueType::c_m3Type_i64,
            Self::F32 => ffi::M3ValueType::c_m3Type_f32,
            Self::F64 => ffi::M3ValueType::c_m3Type_f64,
            Self::FuncRef => ffi::M3ValueType::c_m3Type_funcref,
            Self::ExternRef => ffi::M3ValueType::c_m3Type_externref,
        }
    }

    /// Returns `true` if this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, Self::FuncRef | Self::ExternRef)
    }

    /// The Wasm3 signature character used when linking host functions.
    ///
    /// These follow Wasm3's own `ConvertTypeCharToTypeId` mapping, where `r` and
    /// `R` denote `funcref` and `externref`.
    pub(crate) fn signature_char(self) -> u8 {
        match self {
            Self::I32 => b'i',
            Self::I64 => b'I',
            Self::F32 => b'f',
            Self::F64 => b'F',
            Self::FuncRef => b'r',
            Self::ExternRef => b'R',
        }
    }
}

/// A runtime Wasm value.
///
/// There is deliberately no `ExternRef` variant: see [`ValType::ExternRef`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    /// A 32-bit integer value.
    I32(i32),
    /// A 64-bit integer value.
    I64(i64),
    /// A 32-bit float value.
    F32(f32),
    /// A 64-bit float value.
    F64(f64),
    /// A function reference; `None` is the null reference.
    FuncRef(Option<Func>),
}

impl Val {
    /// Returns the [`ValType`] of this value.
    pub fn ty(&self) -> ValType {
        match self {
            Self::I32(_) => ValType::I32,
            Self::I64(_) => ValType::I64,
            Self::F32(_) => ValType::F32,
            Self::F64(_) => ValType::F64,
            Self::FuncRef(_) => ValType::FuncRef,
        }
    }

    /// Returns the default (zeroed, or null) value for the given [`ValType`].
    ///
    /// Returns `None` for [`ValType::ExternRef`], which has no [`Val`].
    pub fn default_for_ty(ty: ValType) -> Option<Self> {
        Some(match ty {
            ValType::I32 => Self::I32(0),
            ValType::I64 => Self::I64(0),
            ValType::F32 => Self::F32(0.0),
            ValType::F64 => Self::F64(0.0),
            ValType::FuncRef => Self::FuncRef(None),
            ValType::ExternRef => return None,
        })
    }

    /// Returns the contained `i32`, if this is an [`Val::I32`].
    pub fn i32(&self) -> Option<i32> {
        match self {
            Self::I32(v) => Some(*v),
            _ => None,
        }
    }

    /// Returns the contained `i64`, if this is an [`Val::I64`].
    pub fn i64(&self) -> Option<i64> {
        match self {
            Self::I64(v) => Some(*v),
            _ => None,
        }
    }

    /// Returns the contained `f32`, if this is an [`Val::F32`].
    pub fn f32(&self) -> Option<f32> {
        match self {
            Self::F32(v) => Some(*v),
            _ => None,
        }
    }

    /// Returns the contained `f64`, if this is an [`Val::F64`].
    pub fn f64(&self) -> Option<f64> {
        match self {
            Self::F64(v) => Some(*v),
            _ => None,
        }
    }

    /// Returns the contained function reference, if this is a [`Val::FuncRef`].
    ///
    /// The outer `Option` distinguishes "not a `funcref`" from the inner `None`,
    /// which is the null reference.
    pub fn func_ref(&self) -> Option<Option<Func>> {
        match self {
            Self::FuncRef(v) => Some(*v),
            _ => None,
        }
    }

    /// Encodes this value into a 64-bit Wasm3 stack slot (little-endian).
    ///
    /// Wasm3 moves references as `uintptr_t`, so on a 32-bit target it reads
    /// only the low half of the slot; going through `usize` writes the pointer
    /// there and leaves the rest zero.
    pub(crate) fn to_slot(self) -> u64 {
        match self {
            Self::I32(v) => v as u32 as u64,
            Self::I64(v) => v as u64,
            Self::F32(v) => v.to_bits() as u64,
            Self::F64(v) => v.to_bits(),
            Self::FuncRef(None) => 0,
            Self::FuncRef(Some(func)) => func.raw() as usize as u64,
        }
    }

    /// Decodes a 64-bit Wasm3 stack slot into a value of the given type.
    ///
    /// `store_id` tags any reference decoded out of the slot; it must be the
    /// store the slot was read from.
    ///
    /// Returns `None` for [`ValType::ExternRef`], which has no [`Val`].
    pub(crate) fn from_slot(ty: ValType, slot: u64, store_id: StoreId) -> Option<Self> {
        Some(match ty {
            ValType::I32 => Self::I32(slot as u32 as i32),
            ValType::I64 => Self::I64(slot as i64),
            ValType::F32 => Self::F32(f32::from_bits(slot as u32)),
            ValType::F64 => Self::F64(f64::from_bits(slot)),
            ValType::FuncRef => Self::FuncRef(match slot as usize {
                0 => None,
                addr => Some(Func::from_raw(addr as ffi::IM3Function, store_id)),
            }),
            ValType::ExternRef => return None,
        })
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Self {
        Self::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Self::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Self {
        Self::F32(v)
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Self {
        Self::F64(v)
    }
}
impl From<Func> for Val {
    fn from(v: Func) -> Self {
        Self::FuncRef(Some(v))
    }
}
impl From<Option<Func>> for Val {
    fn from(v: Option<Func>) -> Self {
        Self::FuncRef(v)
    }
}

/// Whether a global variable can be mutated after instantiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mutability {
    /// The global is mutable (declared `(mut T)`).
    Mutable,
    /// The global is immutable (a constant).
    Const,
}

/// The type of a global variable: its value type and mutability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlobalType {
    content: ValType,
    mutability: Mutability,
}

impl GlobalType {
    /// Creates a new [`GlobalType`] from its value type and mutability.
    pub fn new(content: ValType, mutability: Mutability) -> Self {
        Self {
            content,
            mutability,
        }
    }

    /// Returns the value type of the global.
    pub fn content(&self) -> ValType {
        self.content
    }

    /// Returns the mutability of the global.
    pub fn mutability(&self) -> Mutability {
        self.mutability
    }
}

/// The signature (parameter and result types) of a Wasm function.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    params: Box<[ValType]>,
    results: Box<[ValType]>,
}

impl FuncType {
    /// Creates a new [`FuncType`] from parameter and result types.
    pub fn new<P, R>(params: P, results: R) -> Self
    where
        P: IntoIterator<Item = ValType>,
        R: IntoIterator<Item = ValType>,
    {
        Self {
            params: params.into_iter().collect(),
            results: results.into_iter().collect(),
        }
    }

    /// Returns the parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.params
    }

    /// Returns the result types.
    pub fn results(&self) -> &[ValType] {
        &self.results
    }

    /// Builds the Wasm3 signature string (e.g. `"i(iiI)"`) for host linking.
    ///
    /// Wasm3's signature format only encodes a single return value, so host
    /// functions with more than one result cannot be expressed.
    pub(crate) fn signature_cstring(&self) -> Result<CString> {
        if self.results.len() > 1 {
            return Err(Error::mismatch(
                "wasm3 host functions cannot return more than one value",
            ));
        }
        // Wasm3's signature format has a char for `externref` (`R`), but there
        // is no `Val` to hand the closure, so refuse it at definition time
        // rather than failing inside the trampoline.
        if self
            .params
            .iter()
            .chain(self.results.iter())
            .any(|ty| *ty == ValType::ExternRef)
        {
            return Err(Error::mismatch(
                "wasm3x host functions cannot use `externref` values",
            ));
        }
        let mut bytes = Vec::with_capacity(self.params.len() + 3);
        bytes.push(self.results.first().map_or(b'v', |ty| ty.signature_char()));
        bytes.push(b'(');
        for param in self.params.iter() {
            bytes.push(param.signature_char());
        }
        bytes.push(b')');
        CString::new(bytes).map_err(|_| Error::mismatch("invalid function signature"))
    }
}
