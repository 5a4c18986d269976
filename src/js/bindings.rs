//! Raw imports. Every one is `catch`: a JS throw that unwound through wasm would skip Rust
//! destructors and leave the calling promise unsettled forever.

use js_sys::JsString;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The caller's repository: any object with a `save` method, looked up at each call.
    #[wasm_bindgen(typescript_type = "ProviderConnectionRepository")]
    pub type JsRepositoryObject;

    #[wasm_bindgen(method, catch)]
    pub fn save(this: &JsRepositoryObject, connection: &JsValue) -> Result<JsValue, JsValue>;

    /// The caller's event bus: any object with a `publish` method.
    #[wasm_bindgen(typescript_type = "EventBus")]
    pub type JsEventBusObject;

    #[wasm_bindgen(method, catch)]
    pub fn publish(this: &JsEventBusObject, event: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_name = setTimeout)]
    pub fn set_timeout(callback: &JsValue, ms: u32) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_name = clearTimeout)]
    pub fn clear_timeout(timer: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(catch, js_namespace = console, js_name = error)]
    pub fn console_error(context: &str, error: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(catch, js_name = queueMicrotask)]
    pub fn queue_microtask(callback: &JsValue) -> Result<(), JsValue>;

    /// `String(value)`: throws for a Symbol-keyed trap or a throwing `toString`.
    #[wasm_bindgen(catch, js_name = String)]
    pub fn js_string(value: &JsValue) -> Result<JsString, JsValue>;
}

/// The command's fields, read by number (`fields.js`).
#[wasm_bindgen(module = "/src/js/fields.js")]
extern "C" {
    /// Throws what a getter or Proxy trap throws.
    #[wasm_bindgen(catch, js_name = readField)]
    pub fn read_field(object: &JsValue, field: u32) -> Result<JsValue, JsValue>;

    /// The string, if the field holds one of at most `max_units` units without a lone
    /// surrogate; else a number: -1 (not a string), -2 (longer), -3 (a lone surrogate), -4 (the
    /// read threw), -5 (null or undefined). Never throws.
    #[wasm_bindgen(js_name = readText)]
    pub fn read_text(object: &JsValue, field: u32, max_units: u32) -> JsValue;

    /// An object, not an array. Never throws.
    #[wasm_bindgen(js_name = isPlainObject)]
    pub fn is_plain_object(value: &JsValue) -> bool;

    /// The length of a `Uint8Array` from its internal slot, or -1 for anything else.
    #[wasm_bindgen(js_name = byteLength)]
    pub fn byte_length(value: &JsValue) -> f64;

    /// Copies all of a `Uint8Array` that `byte_length` measured; throws if it has changed.
    #[wasm_bindgen(catch, js_name = copyBytes)]
    pub fn copy_bytes(source: &JsValue, target: &mut [u8]) -> Result<(), JsValue>;
}

/// Whether an adapter's answer must be awaited (`thenable.js`).
#[wasm_bindgen(module = "/src/js/thenable.js")]
extern "C" {
    /// Never throws: a throwing `then` getter counts as a thenable.
    #[wasm_bindgen(js_name = isThenable)]
    pub fn is_thenable(value: &JsValue) -> bool;
}

/// The host's randomness (`host_random.js`): throws where the host has none.
#[wasm_bindgen(module = "/src/js/host_random.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = fillRandom)]
    pub fn fill_random(bytes: &mut [u8]) -> Result<(), JsValue>;
}

/// The contract's plain objects, built in one call each (`records.js`).
#[wasm_bindgen(module = "/src/js/records.js")]
extern "C" {
    #[wasm_bindgen(js_name = connectionRecord)]
    #[allow(clippy::too_many_arguments)]
    pub fn connection_record(
        id: &JsValue,
        user_id: &JsValue,
        provider_id: &JsValue,
        provider_slug: &JsValue,
        status: &JsValue,
        alias: &JsValue,
        encrypted_data: &[u8],
        credential_type: &JsValue,
        expires_at: &JsValue,
        connected_at: &JsValue,
        last_sync_at: &JsValue,
        created_at: &JsValue,
        updated_at: &JsValue,
    ) -> JsValue;

    #[wasm_bindgen(js_name = attemptedEvent)]
    pub fn attempted_event(
        event_id: &JsValue,
        occurred_at: &JsValue,
        user_id: &JsValue,
        provider_id: &JsValue,
        provider_slug: &JsValue,
    ) -> JsValue;

    #[wasm_bindgen(js_name = succeededEvent)]
    pub fn succeeded_event(
        event_id: &JsValue,
        occurred_at: &JsValue,
        user_id: &JsValue,
        connection_id: &JsValue,
        provider_id: &JsValue,
        provider_slug: &JsValue,
    ) -> JsValue;

    #[wasm_bindgen(js_name = failedEvent)]
    pub fn failed_event(
        event_id: &JsValue,
        occurred_at: &JsValue,
        user_id: &JsValue,
        provider_id: &JsValue,
        provider_slug: &JsValue,
        reason: &JsValue,
    ) -> JsValue;

    /// The 36 characters of a formatted id, four to a word, the first in the top byte.
    #[wasm_bindgen(js_name = idText)]
    #[allow(clippy::too_many_arguments)]
    pub fn id_text(
        w0: u32,
        w1: u32,
        w2: u32,
        w3: u32,
        w4: u32,
        w5: u32,
        w6: u32,
        w7: u32,
        w8: u32,
    ) -> JsValue;

    pub fn success(value: &JsValue) -> JsValue;

    pub fn failure(error: &JsValue) -> JsValue;
}
