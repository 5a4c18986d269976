//! JS strings made recently, found again by their value. A command's ids, slug, timestamps and
//! names recur across its record, its events and its result, and the caller's own strings are
//! remembered as they are read, so most fields cross to JS without being formatted or decoded
//! again. A slot holds the latest value that hashed to it; a miss only costs a new string.

use std::cell::RefCell;

use uuid::Uuid;
use wasm_bindgen::JsValue;

const SLOTS: usize = 64;

thread_local! {
    static TEXTS: RefCell<Vec<Option<(String, JsValue)>>> = RefCell::new(vec![None; SLOTS]);
    static IDS: RefCell<Vec<Option<(Uuid, JsValue)>>> = RefCell::new(vec![None; SLOTS]);
}

/// The JS string for `text`, made only if it is not in the cache.
pub fn js_string(text: &str) -> JsValue {
    let slot = text_slot(text);
    let cached = TEXTS.with_borrow(|texts| match &texts[slot] {
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
    let slot = text_slot(text);
    TEXTS.with_borrow_mut(|texts| match &mut texts[slot] {
        Some((known, _)) if known == text => {}
        entry => *entry = Some((text.to_owned(), value.clone())),
    });
}

/// The lower-case hyphenated JS string of `id`, formatted only if it is not in the cache.
pub fn js_id(id: Uuid) -> JsValue {
    let slot = id_slot(id);
    let cached = IDS.with_borrow(|ids| match &ids[slot] {
        Some((known, value)) if *known == id => Some(value.clone()),
        _ => None,
    });
    cached.unwrap_or_else(|| {
        let value = JsValue::from_str(id.hyphenated().encode_lower(&mut Uuid::encode_buffer()));
        remember_id(id, &value);
        value
    })
}

/// Keeps the caller's JS string for `id`; it must already be the lower-case hyphenated form.
pub fn remember_id(id: Uuid, value: &JsValue) {
    let slot = id_slot(id);
    IDS.with_borrow_mut(|ids| ids[slot] = Some((id, value.clone())));
}

/// Length and the last eight bytes: constant time, and enough to tell apart the few strings a
/// command has (ids differ in their random tails, names in their lengths or endings).
fn text_slot(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut tail = [0u8; 8];
    let take = bytes.len().min(8);
    tail[..take].copy_from_slice(&bytes[bytes.len() - take..]);
    let mixed = (u64::from_le_bytes(tail) ^ bytes.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (mixed >> (64 - SLOTS.trailing_zeros())) as usize
}

/// A v7 id's low bits are random (or count up within a millisecond).
fn id_slot(id: Uuid) -> usize {
    (id.as_u128() as usize) % SLOTS
}
