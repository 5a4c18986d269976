//! What happens on an internal panic. With `panic = "abort"` the instance traps and is unusable,
//! so the hook reports the message to the package's JS and asks wasm-bindgen for a fresh
//! instance before the next call; the JS rejects the calls that were in flight. Any other trap,
//! the JS asks for the fresh instance itself (`__scheduleReinit`).

use std::cell::RefCell;
use std::panic::PanicHookInfo;

use js_sys::Function;
use wasm_bindgen::prelude::*;

thread_local! {
    static LISTENER: RefCell<Option<Function>> = const { RefCell::new(None) };
}

#[wasm_bindgen(start)]
fn install_panic_hook() {
    std::panic::set_hook(Box::new(on_panic));
}

#[wasm_bindgen(js_name = __setPanicListener, skip_typescript)]
pub fn set_panic_listener(listener: Function) {
    LISTENER.with_borrow_mut(|slot| *slot = Some(listener));
}

/// A trap that was no panic (an allocation that failed aborts without the hook): the package's JS
/// asks for the fresh instance itself.
#[wasm_bindgen(js_name = __scheduleReinit, skip_typescript)]
pub fn schedule_reinit() {
    wasm_bindgen::handler::schedule_reinit();
}

fn on_panic(info: &PanicHookInfo<'_>) {
    wasm_bindgen::handler::schedule_reinit();
    let message = info.to_string();
    LISTENER.with_borrow(|listener| {
        if let Some(listener) = listener {
            let _ = listener.call1(&JsValue::UNDEFINED, &JsValue::from_str(&message));
        }
    });
}

/// Lets the tests prove recovery: only a build with the `test-panic` feature has it.
/// `__test_abort__` traps without the panic hook, as an allocation that failed does.
#[cfg(feature = "test-panic")]
pub fn panic_if_asked(slug: &str) {
    #[allow(clippy::panic)]
    if slug == "__test_panic__" {
        panic!("deliberate test panic");
    }
    if slug == "__test_abort__" {
        std::process::abort();
    }
}

#[cfg(not(feature = "test-panic"))]
pub fn panic_if_asked(_slug: &str) {}
