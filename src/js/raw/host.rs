use js_sys::JsString;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = console, js_name = error)]
    pub fn console_error(context: &str, error: &JsValue) -> Result<(), JsValue>;

    /// `String(value)`: throws for a Symbol-keyed trap or a throwing `toString`.
    #[wasm_bindgen(catch, js_name = String)]
    pub fn js_string(value: &JsValue) -> Result<JsString, JsValue>;

    /// A monotonic clock for deadlines, which the wall clock (it may step) is not.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    pub fn performance_now() -> f64;
}
