//! How commands run: a small task runner, the awaiting of what adapters return (one `.then`
//! per call, all deadlines on one timer), and results handed back through the package's JS.
//! The logic is plain Rust over a `Host`, built and unit-tested natively (tests/runtime.rs);
//! `protocol` binds it to `pkg-template/api.js` (its six messages are a table there), and `panic` recovers from a trap.

mod adapter_call;
mod calls;
mod deadlines;
mod host;
mod ids;
#[cfg(target_arch = "wasm32")]
mod panic;
#[cfg(target_arch = "wasm32")]
mod protocol;
#[allow(clippy::module_inception)]
mod runtime;
mod tasks;

pub use adapter_call::AdapterCall;
pub use calls::Settled;
pub use host::Host;
pub use ids::{CallId, CommandId, TaskId};
#[cfg(target_arch = "wasm32")]
pub use panic::panic_if_asked;
#[cfg(target_arch = "wasm32")]
pub use protocol::{call_adapter, start};
pub use runtime::Runtime;
