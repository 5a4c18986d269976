//! The runtime's three numbers, each defined here and nowhere else.

/// A running command's place in the task table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskId(pub(super) u32);

/// One waiting adapter call: its slot, and which use of that slot, so that an answer that comes
/// after the deadline (or for a slot since reused) is recognised and dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallId {
    pub index: u32,
    pub generation: u32,
}

/// What `start` tells the package's JS: `NOW` when the result was delivered before it returned,
/// else the number (from 1) the result will be delivered under later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommandId(pub u32);

impl CommandId {
    pub const NOW: CommandId = CommandId(0);

    /// The number after this one; it wraps past `NOW`.
    pub(super) fn next(self) -> Self {
        Self(self.0.checked_add(1).unwrap_or(1))
    }
}
