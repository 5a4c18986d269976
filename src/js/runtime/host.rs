//! What the runtime needs from its host: in the package, `pkg-template/api.js` (see
//! `js_host.rs`); in the unit tests, a recorder.

use super::{CallId, CommandId};

pub trait Host {
    /// A JS value (generic so the runtime's logic builds and is tested natively).
    type Value;

    /// Milliseconds on a monotonic clock: deadlines must not move when the wall clock steps.
    fn now(&self) -> f64;

    /// Attaches to `value` if it is a thenable, to report through `Runtime::settle` under
    /// `call`; false (and nothing to wait for) for a plain value.
    fn watch(&self, value: &Self::Value, call: CallId) -> bool;

    /// Hands a command's result to the promise `handle()` returned.
    fn deliver(&self, command: CommandId, result: &Self::Value);

    /// (Re)arms the one deadline timer to call `Runtime::expire` after `delay_ms`.
    fn arm(&self, delay_ms: f64);

    /// Calls are waiting: the timer must keep the process alive.
    fn busy(&self);

    /// Nothing waits. True when the host cleared the timer (it cannot unreference one).
    fn idle(&self) -> bool;
}
