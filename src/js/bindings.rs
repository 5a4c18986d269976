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

    /// Throws only for a revoked Proxy, which is why it is `catch`.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    pub fn is_array(value: &JsValue) -> Result<bool, JsValue>;

    #[wasm_bindgen(catch, js_name = queueMicrotask)]
    pub fn queue_microtask(callback: &JsValue) -> Result<(), JsValue>;

    /// A plain `Uint8Array` copied from any typed array through its internal slots, never its
    /// (overridable) getters; throws for a detached buffer, hence `catch`.
    #[wasm_bindgen(extends = js_sys::Uint8Array)]
    pub type ByteCopy;

    #[wasm_bindgen(catch, constructor, js_class = "Uint8Array")]
    pub fn new(source: &JsValue) -> Result<ByteCopy, JsValue>;

    /// A string, for the string methods js-sys lacks.
    #[wasm_bindgen(extends = JsString)]
    pub type Text;

    /// `String.prototype.isWellFormed` (ES2024): one call instead of a scan per code unit.
    #[wasm_bindgen(catch, method, js_name = isWellFormed)]
    pub fn is_well_formed(this: &Text) -> Result<bool, JsValue>;

    /// `String(value)`: throws for a Symbol-keyed trap or a throwing `toString`.
    #[wasm_bindgen(catch, js_name = String)]
    pub fn js_string(value: &JsValue) -> Result<JsString, JsValue>;
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

    pub fn success(value: &JsValue) -> JsValue;

    pub fn failure(error: &JsValue) -> JsValue;
}
