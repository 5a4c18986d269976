//! Raw imports only: declarations with no logic. Every import that can run a caller's code is
//! `catch`, because a JS throw that unwound through wasm would skip Rust destructors and leave
//! the calling task unfinished. The caller's adapters and `seam.js` have files of their own;
//! the host's few imports and the package's runtime (`api.js`) are here.

use js_sys::JsString;
use wasm_bindgen::prelude::*;

mod adapters;
mod seam;

pub use adapters::{EventBusObject, RepositoryObject};
pub use seam::{
    byte_length, configure_seam, copy_bytes, is_list, is_plain_object, pack, pack_sizes, packed,
    read_field, read_text, report_to_hook, unpack, Refusal,
};

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

    /// `pkg-template/api.js`'s half of the executor, registered once per instance; its methods
    /// never throw. What each does is `runtime::Host`'s, and the messages are `protocol.rs`'s.
    pub type Runtime;

    #[wasm_bindgen(method)]
    pub fn deliver(this: &Runtime, call: u32, result: &JsValue);

    #[wasm_bindgen(method)]
    pub fn watch(this: &Runtime, value: &JsValue, slot: u32, generation: u32) -> f64;

    #[wasm_bindgen(method)]
    pub fn timer(this: &Runtime, delay_ms: f64, waiting: bool) -> bool;
}
