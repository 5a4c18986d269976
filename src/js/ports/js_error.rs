//! Turning whatever JS threw into the words of a failure result.

use js_sys::{JsString, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::js::raw::js_string;

/// The most UTF-16 units of an adapter's error kept in a result (and its Failed event): the
/// rest is cut before it is copied into wasm, where an error of any length was copied whole and
/// repeated into the result and the event.
const MAX_MESSAGE_UNITS: u32 = 1024;

/// `error.message` when it is a string, else `String(error)`, cut to `MAX_MESSAGE_UNITS` with
/// `…`; never throws, even for a throwing `message` getter or `toString`.
pub fn message_of(error: &JsValue) -> String {
    if error.is_object() {
        if let Some(message) = Reflect::get(error, &"message".into())
            .ok()
            .and_then(|message| message.dyn_into::<JsString>().ok())
        {
            return cut(&message);
        }
    }
    js_string(error)
        .map(|text| cut(&text))
        .unwrap_or_else(|_| "unknown error".to_owned())
}

/// The text, or its first `MAX_MESSAGE_UNITS` units and `…`; a surrogate pair cut in two reads
/// as U+FFFD.
fn cut(text: &JsString) -> String {
    if text.length() <= MAX_MESSAGE_UNITS {
        return text.as_string().unwrap_or_default();
    }
    let mut kept = text.slice(0, MAX_MESSAGE_UNITS).as_string().unwrap_or_default();
    kept.push('…');
    kept
}
