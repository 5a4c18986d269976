//! How commands run: a small task runner polled from JS, the awaiting of what adapters return
//! (one `.then` per call, deadlines on one timer), results handed back through the package's JS,
//! and recovery from a panic.

mod completion;
mod deadlines;
mod executor;
mod panic;
mod pending_calls;

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::raw::Runtime;

pub use completion::Completion;
pub use executor::spawn;
pub use panic::panic_if_asked;
pub use pending_calls::{call_adapter, Settled};

thread_local! {
    static RUNTIME: RefCell<Option<Runtime>> = const { RefCell::new(None) };
}

/// The package's JS registers its half of the bridge once per instance (see `raw::Runtime`).
#[wasm_bindgen(js_name = __setRuntime, skip_typescript)]
pub fn set_runtime(runtime: Runtime) {
    RUNTIME.with_borrow_mut(|slot| *slot = Some(runtime));
}

/// `f` with the registered runtime; `None` before one is registered (which only a test can see).
fn with_runtime<T>(f: impl FnOnce(&Runtime) -> T) -> Option<T> {
    RUNTIME.with_borrow(|runtime| runtime.as_ref().map(f))
}
