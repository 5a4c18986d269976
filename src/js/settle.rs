//! Awaiting whatever an adapter method returned, within a deadline.

use js_sys::{Array, Object, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::bindings::{clear_timeout, is_thenable, set_timeout};

pub enum Settled {
    Fulfilled,
    Rejected(JsValue),
    TimedOut(u32),
}

/// Waits for `returned` through `Promise.resolve`, so plain values, promises and thenables all
/// work, and gives up after `timeout_ms`. The timer is cleared either way, so a finished call
/// keeps no timer (or Node process) alive.
pub async fn settle(returned: &JsValue, timeout_ms: u32) -> Settled {
    // Only a thenable needs awaiting; a plain value (what in-memory adapters return) is done
    // now, with no promise, timer or microtask.
    if !is_thenable(returned) {
        return Settled::Fulfilled;
    }
    let call = Promise::resolve(returned);
    let timed_out = Object::new();
    let mut timer = None;
    let deadline = Promise::new(&mut |resolve, _reject| {
        let fire = resolve.bind1(&JsValue::UNDEFINED, &timed_out);
        timer = set_timeout(&fire, timeout_ms).ok();
    });
    let winner = JsFuture::from(Promise::race(&Array::of2(&call, &deadline))).await;
    if let Some(timer) = &timer {
        let _ = clear_timeout(timer);
    }
    match winner {
        Ok(value) if value == JsValue::from(timed_out) => Settled::TimedOut(timeout_ms),
        Ok(_) => Settled::Fulfilled,
        Err(error) => Settled::Rejected(error),
    }
}
