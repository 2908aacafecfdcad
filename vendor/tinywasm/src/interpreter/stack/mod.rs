mod call_stack;
mod value_stack;

pub(crate) use call_stack::{CallFrame, CallStack, StackBase};
pub(crate) use value_stack::ValueStack;
