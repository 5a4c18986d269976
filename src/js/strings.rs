//! JS strings made recently, found again by their value. A command's ids, slug, timestamps and
//! names recur across its record, its events and its result, and the caller's own strings are
//! remembered as they are read, so most fields cross to JS without being formatted or decoded
//! again. A slot holds the latest value that hashed to it; a miss only costs a new string.

use std::cell::RefCell;
use std::thread::LocalKey;

use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::bindings::id_text;

use crate::domain::Timestamp;

const SLOTS: usize = 64;

type Slots<K> = RefCell<Vec<Option<(K, JsValue)>>>;

thread_local! {
    static TEXTS: Slots<String> = RefCell::new(vec![None; SLOTS]);
    static IDS: Slots<Uuid> = RefCell::new(vec![None; SLOTS]);
    static TIMES: Slots<Timestamp> = RefCell::new(vec![None; SLOTS]);
}

/// The JS string for `text`, made only if it is not in the cache.
pub fn js_string(text: &str) -> JsValue {
    let slot = text_slot(text);
    cached(&TEXTS, slot, |known| known == text).unwrap_or_else(|| {
        let value = JsValue::from_str(text);
        remember(text, &value);
        value
    })
}

/// Keeps a JS string the caller passed in, so sending the same text back costs nothing.
pub fn remember(text: &str, value: &JsValue) {
    TEXTS.with_borrow_mut(|texts| match &mut texts[text_slot(text)] {
        Some((known, _)) if known == text => {}
        entry => *entry = Some((text.to_owned(), value.clone())),
    });
}

/// The lower-case hyphenated JS string of `id`, formatted only if it is not in the cache.
pub fn js_id(id: Uuid) -> JsValue {
    cached(&IDS, id_slot(id), |known| *known == id).unwrap_or_else(|| {
        let value = new_id_string(id);
        remember_id(id, &value);
        value
    })
}

/// The text crosses in nine 32-bit arguments rather than through memory and a `TextDecoder`.
fn new_id_string(id: Uuid) -> JsValue {
    let mut text = [0u8; 36];
    id.hyphenated().encode_lower(&mut text);
    let word = |at: usize| u32::from_be_bytes([text[at], text[at + 1], text[at + 2], text[at + 3]]);
    id_text(
        word(0),
        word(4),
        word(8),
        word(12),
        word(16),
        word(20),
        word(24),
        word(28),
        word(32),
    )
}

/// Keeps the caller's JS string for `id`; it must already be the lower-case hyphenated form.
pub fn remember_id(id: Uuid, value: &JsValue) {
    IDS.with_borrow_mut(|ids| ids[id_slot(id)] = Some((id, value.clone())));
}

/// The ISO JS string of `at`. A record's timestamps share their millisecond with the events
/// around it, while its `expiresAt` lies elsewhere, so each has its own slot.
pub fn js_time(at: Timestamp) -> JsValue {
    let slot = at.unix_millis().rem_euclid(SLOTS as i64) as usize;
    cached(&TIMES, slot, |known| *known == at).unwrap_or_else(|| {
        let value = JsValue::from_str(at.write_iso(&mut [0; 27]));
        TIMES.with_borrow_mut(|times| times[slot] = Some((at, value.clone())));
        value
    })
}

fn cached<K: 'static>(
    cache: &'static LocalKey<Slots<K>>,
    slot: usize,
    matches: impl Fn(&K) -> bool,
) -> Option<JsValue> {
    cache.with_borrow(|slots| match &slots[slot] {
        Some((known, value)) if matches(known) => Some(value.clone()),
        _ => None,
    })
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
