//! How a command's result reaches JS. Most commands over plain-value adapters finish within the
//! call that starts them; a command that waits is given a number, and its result is delivered
//! under that number when it finishes. Either way the result goes through the runtime's
//! `deliver`, never as the return value of an export: V8 11 and 12 cannot deoptimise a JS frame
//! whose inlined wasm call returns a JS value (see scripts/build.mjs).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsValue;

use super::with_runtime;

thread_local! {
    static LAST_CALL: Cell<u32> = const { Cell::new(0) };
}

enum State {
    Running,
    Finished(JsValue),
    Numbered(u32),
}

/// Shared by a command's task (which finishes it) and the export that started it.
#[derive(Clone)]
pub struct Completion(Rc<RefCell<State>>);

impl Completion {
    pub fn new() -> Self {
        Self(Rc::new(RefCell::new(State::Running)))
    }

    /// Called by the task with its result.
    pub fn finish(&self, result: JsValue) {
        let numbered = match &*self.0.borrow() {
            State::Numbered(call) => Some(*call),
            _ => None,
        };
        match numbered {
            Some(call) => {
                with_runtime(|runtime| runtime.deliver(call, &result));
            }
            None => {
                self.0.replace(State::Finished(result));
            }
        }
    }

    /// Once the first poll is over: delivers the result as call 0 and returns 0 if the task has
    /// finished, else numbers the call (from 1) and returns its number.
    pub fn deliver_or_number(&self) -> u32 {
        if let State::Finished(result) = self.0.replace(State::Running) {
            with_runtime(|runtime| runtime.deliver(0, &result));
            return 0;
        }
        let call = LAST_CALL.get().checked_add(1).unwrap_or(1);
        LAST_CALL.set(call);
        self.0.replace(State::Numbered(call));
        call
    }
}

impl Default for Completion {
    fn default() -> Self {
        Self::new()
    }
}
