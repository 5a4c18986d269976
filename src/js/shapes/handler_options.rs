use serde::Deserialize;
use wasm_bindgen::JsValue;

/// The handlers' optional third argument, as the caller wrote it; `options.rs` checks it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandlerOptions {
    #[serde(default)]
    pub timeout_ms: Option<f64>,
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    pub on_event_bus_error: JsValue,
}
