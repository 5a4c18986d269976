//! How a command's result reaches JS. Most commands finish inside their first poll (adapters
//! that answer with plain values), and then the result is simply returned; only a command that
//! really waits is given a number, answered later through the package's settle function. That
//! spares the common case a promise executor, a callback and a crossing.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::prelude::*;

thread_local! {
    static SETTLER: RefCell<Option<Function>> = const { RefCell::new(None) };
    static NEXT_CALL: Cell<u32> = const { Cell::new(0) };
}

/// `settle(call, result)` answers the calls `__start` numbered (the package's JS registers it).
#[wasm_bindgen(js_name = __setSettler, skip_typescript)]
pub fn set_settler(settle: Function) {
    SETTLER.with_borrow_mut(|settler| *settler = Some(settle));
}

enum State {
    Running,
    Finished(JsValue),
    Numbered(u32),
    Callback(Function),
}

/// Shared by a command's task (which finishes it) and its caller (which waits, if it must).
#[derive(Clone)]
pub struct Completion(Rc<RefCell<State>>);

impl Completion {
    pub fn new() -> Self {
        Self(Rc::new(RefCell::new(State::Running)))
    }

    /// Called by the task with its result.
    pub fn finish(&self, result: JsValue) {
        let state = self.0.replace(State::Running);
        match state {
            State::Running | State::Finished(_) => {
                self.0.replace(State::Finished(result));
            }
            State::Numbered(call) => SETTLER.with_borrow(|settler| {
                if let Some(settle) = settler {
                    let _ = settle.call2(&JsValue::UNDEFINED, &call.into(), &result);
                }
            }),
            State::Callback(resolve) => {
                let _ = resolve.call1(&JsValue::UNDEFINED, &result);
            }
        }
    }

    /// The result if the task has finished, else the number `settle` will later be called with.
    pub fn result_or_number(&self) -> u32 {
        match self.finished() {
            Some(result) => {
                SETTLER.with_borrow(|settler| {
                    if let Some(settle) = settler {
                        let _ = settle.call2(&JsValue::UNDEFINED, &0.into(), &result);
                    }
                });
                0
            }
            None => {
                let call = NEXT_CALL.get().wrapping_add(1).max(1);
                NEXT_CALL.set(call);
                self.0.replace(State::Numbered(call));
                call
            }
        }
    }

    /// Passes the result to `resolve`, now or when the task finishes.
    pub fn resolve_with(&self, resolve: Function) {
        match self.finished() {
            Some(result) => {
                let _ = resolve.call1(&JsValue::UNDEFINED, &result);
            }
            None => {
                self.0.replace(State::Callback(resolve));
            }
        }
    }

    fn finished(&self) -> Option<JsValue> {
        match self.0.replace(State::Running) {
            State::Finished(result) => Some(result),
            other => {
                self.0.replace(other);
                None
            }
        }
    }
}
