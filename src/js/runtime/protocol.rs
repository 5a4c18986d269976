//! The executor's protocol: the six messages between the runtime (Rust: the tasks, their adapter
//! calls, every deadline) and the package's JS half (`pkg-template/api.js`: each `handle()`'s
//! promise, the `.then` on what an adapter returned, the one timer). This file holds the
//! instance's runtime, binds it to JS (`Host` over `raw::Runtime`) and exports what JS calls.
//!
//! | message | from | with | when |
//! |---|---|---|---|
//! | `__start` | JS | the command | `handle()`: runs it up to its first wait; answers 0 if it was delivered already, else its number |
//! | `deliver` | wasm | number, result | a command has its result: JS resolves that number's promise (0: the one starting) |
//! | `watch` | wasm | value, slot, generation | an adapter returned a value: if it is a thenable, JS attaches one `.then`, holds the timer if it is armed, and answers `performance.now()`; else -1 |
//! | `__settle` | JS | slot, generation, fulfilled, value | that thenable settled (ignored if the slot has moved on) |
//! | `timer` | wasm | delay or -1, waiting | re-arm the one timer, and let it hold the process only while calls wait; true if JS cleared it instead |
//! | `__expire` | JS | | the timer fired: the calls due time out |
//!
//! Once per instance, JS also registers itself (`__setRuntime`, which configures `seam.js`) and
//! its panic listener (`__setPanicListener`), and reads the handlers' class names, error objects
//! and codes (`__api`).

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::{AdapterCall, CallId, CommandId, Host, Runtime, Settled};
use crate::js::raw::{self, performance_now};

impl Host for raw::Runtime {
    type Value = JsValue;

    fn now(&self) -> f64 {
        performance_now()
    }

    fn watch(&self, value: &JsValue, call: CallId) -> Option<f64> {
        let since = raw::Runtime::watch(self, value, call.index, call.generation);
        (since >= 0.0).then_some(since)
    }

    fn deliver(&self, command: CommandId, result: &JsValue) {
        raw::Runtime::deliver(self, command.0, result);
    }

    fn timer(&self, delay_ms: Option<f64>, waiting: bool) -> bool {
        raw::Runtime::timer(self, delay_ms.unwrap_or(-1.0), waiting)
    }
}

thread_local! {
    static RUNTIME: RefCell<Option<Rc<Runtime<raw::Runtime>>>> = const { RefCell::new(None) };
}

/// The runtime, once the package's JS has registered (only a test can see `None`).
fn runtime() -> Option<Rc<Runtime<raw::Runtime>>> {
    RUNTIME.with_borrow(Option::clone)
}

/// The package's JS registers its half of the bridge once per instance; the readers are
/// handed their limits at the same moment (a test build runs no start function).
#[wasm_bindgen(js_name = __setRuntime, skip_typescript)]
pub fn set_runtime(host: raw::Runtime) {
    crate::js::seam::configure();
    RUNTIME.set(Some(Rc::new(Runtime::new(host))));
}

/// What the runtime's `.then` reports: `fulfilled` with the value, or rejected with the reason.
#[wasm_bindgen(js_name = __settle, skip_typescript)]
pub fn settle(index: u32, generation: u32, fulfilled: bool, value: JsValue) {
    let outcome = if fulfilled {
        Settled::Value(value)
    } else {
        Settled::Error(value)
    };
    if let Some(runtime) = runtime() {
        runtime.settle(CallId { index, generation }, outcome);
    }
}

#[wasm_bindgen(js_name = __expire, skip_typescript)]
pub fn expire() {
    if let Some(runtime) = runtime() {
        runtime.expire();
    }
}

/// Starts a command (see `Runtime::start`); 0 with no runtime registered.
pub fn start(work: impl Future<Output = JsValue> + 'static) -> u32 {
    runtime().map_or(0, |runtime| runtime.start(work).0)
}

/// An adapter call's outcome; without a runtime, what it returned, not awaited.
pub fn call_adapter(
    returned: Result<JsValue, JsValue>,
    timeout_ms: u32,
) -> AdapterCall<raw::Runtime> {
    match runtime() {
        Some(runtime) => AdapterCall::new(&runtime, returned, timeout_ms),
        None => AdapterCall::ready(returned),
    }
}
