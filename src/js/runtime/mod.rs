//! How commands run: a small task runner, the awaiting of what adapters return (one `.then`
//! per call, all deadlines on one timer), and results handed back through the package's JS.
//! The logic is plain Rust over a `Host`, built and unit-tested natively (tests/runtime.rs);
//! `js_host` binds it to `pkg-template/api.js`, and `panic` recovers from a trap.

mod adapter_call;
mod calls;
mod deadlines;
mod host;
mod ids;
#[cfg(target_arch = "wasm32")]
mod js_host;
#[cfg(target_arch = "wasm32")]
mod panic;
#[allow(clippy::module_inception)]
mod runtime;
mod tasks;

pub use adapter_call::AdapterCall;
pub use calls::Settled;
pub use host::Host;
pub use ids::{CallId, CommandId, TaskId};
#[cfg(target_arch = "wasm32")]
pub use js_host::{call_adapter, start};
#[cfg(target_arch = "wasm32")]
pub use panic::panic_if_asked;
pub use runtime::Runtime;
