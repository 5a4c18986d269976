//! Turning whatever JS threw into the words of a failure result.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::js::raw::js_string;

/// `error.message` when it is a string, else `String(error)`; never throws, even for a
/// throwing `message` getter or `toString`.
pub fn message_of(error: &JsValue) -> String {
    if error.is_object() {
        if let Some(message) = Reflect::get(error, &"message".into())
            .ok()
            .and_then(|message| message.as_string())
        {
            return message;
        }
    }
    js_string(error)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
}
