//! The exported classes, one per handler, all built the same way: check the adapters and
//! options, then `__start` each command as a task whose result the package's JS receives.

mod connect_provider;
mod options;

pub use connect_provider::JsConnectProviderHandler;

use std::future::Future;

use wasm_bindgen::JsValue;

use crate::js::runtime::{spawn, Completion};
use crate::js::shapes::with_command_texts;

/// Runs `work` as a task: its result is delivered at once (and 0 returned) when it needs no
/// waiting, else later under the number returned.
fn start(work: impl Future<Output = JsValue> + 'static) -> u32 {
    let completion = Completion::new();
    let task_completion = completion.clone();
    let work = with_command_texts(work);
    spawn(async move { task_completion.finish(work.await) });
    completion.deliver_or_number()
}

/// The frozen error object a handler exports (`ConnectProviderError` and its like).
fn error_object(entries: &[(&str, &str)]) -> js_sys::Object {
    let errors = js_sys::Object::new();
    for (name, message) in entries {
        let _ = js_sys::Reflect::set(
            &errors,
            &JsValue::from_str(name),
            &JsValue::from_str(message),
        );
    }
    js_sys::Object::freeze(&errors)
}
