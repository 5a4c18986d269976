//! JS strings made recently, found again by their text. A command's ids, slug, timestamps and
//! names recur across its record, its events and its result, and the caller's own strings are
//! remembered as they are read, so most fields cross to JS without being decoded again.

use std::cell::RefCell;

use wasm_bindgen::JsValue;

const SLOTS: usize = 64;

thread_local! {
    static CACHE: RefCell<Vec<Option<(String, JsValue)>>> = RefCell::new(vec![None; SLOTS]);
}

/// The JS string for `text`, made only if it is not in the cache.
pub fn js_string(text: &str) -> JsValue {
    let slot = slot_of(text);
    let cached = CACHE.with_borrow(|cache| match &cache[slot] {
        Some((known, value)) if known == text => Some(value.clone()),
        _ => None,
    });
    cached.unwrap_or_else(|| {
        let value = JsValue::from_str(text);
        remember(text, &value);
        value
    })
}

/// Keeps a JS string the caller passed in, so sending the same text back costs nothing.
pub fn remember(text: &str, value: &JsValue) {
    let slot = slot_of(text);
    CACHE.with_borrow_mut(|cache| cache[slot] = Some((text.to_owned(), value.clone())));
}

/// FNV-1a: tiny, and good enough to spread a handful of live strings over the slots.
fn slot_of(text: &str) -> usize {
    let hash = text.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    hash as usize % SLOTS
}
