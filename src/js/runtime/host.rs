//! What the runtime needs from its host: in the package, `pkg-template/api.js` (see
//! `protocol.rs`); in the unit tests, a recorder.

use super::{CallId, CommandId};

pub trait Host {
    /// A JS value (generic so the runtime's logic builds and is tested natively).
    type Value;

    /// Milliseconds on a monotonic clock: deadlines must not move when the wall clock steps.
    fn now(&self) -> f64;

    /// Attaches to `value` if it is a thenable, to report through `Runtime::settle` under
    /// `call`, holds the timer (if one is armed) while it waits, and answers when the wait began
    /// on the `now` clock, so a call needs no crossing of its own to read it; `None` (and
    /// nothing to wait for) for a plain value.
    fn watch(&self, value: &Self::Value, call: CallId) -> Option<f64>;

    /// Hands a command's result to the promise `handle()` returned.
    fn deliver(&self, command: CommandId, result: &Self::Value);

    /// The one timer: re-armed to call `Runtime::expire` after `delay_ms` when given, and
    /// holding the process alive only while calls are `waiting`. True when the host cleared the
    /// timer instead (nothing waits, and it cannot keep a timer from holding the process).
    fn timer(&self, delay_ms: Option<f64>, waiting: bool) -> bool;
}
