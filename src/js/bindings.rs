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

    /// `String(value)`: throws for a Symbol-keyed trap or a throwing `toString`.
    #[wasm_bindgen(catch, js_name = String)]
    pub fn js_string(value: &JsValue) -> Result<JsString, JsValue>;
}
