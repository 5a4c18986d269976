use wasm_bindgen::prelude::*;

/// Reading the caller's objects (`reading.js`): each read is one catching call, so a throwing
/// getter or Proxy trap becomes an answer, never an exception through wasm. Its limits and tags
/// are `seam.rs`'s.
#[wasm_bindgen(module = "/src/js/reading.js")]
extern "C" {
    /// Hands over the limits, and the tags' names in the order of their numbers, once at load.
    #[wasm_bindgen(js_name = configure)]
    pub fn configure_reading(
        max_text_units: u32,
        max_bytes: u32,
        max_keys: u32,
        max_depth: u32,
        max_total_bytes: u32,
        tag_names: &str,
    );

    /// One property read; throws what a getter or Proxy trap throws.
    #[wasm_bindgen(catch, js_name = readField)]
    pub fn read_field(object: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;

    /// The string, if the property holds one of at most `max_units` UTF-16 units without a lone
    /// surrogate; a longer one inside a one-item array; else a `seam::Tag`. Never throws.
    #[wasm_bindgen(js_name = readText)]
    pub fn read_text(object: &JsValue, key: &JsValue, max_units: u32) -> JsValue;

    /// An object, not an array. Never throws.
    #[wasm_bindgen(js_name = isPlainObject)]
    pub fn is_plain_object(value: &JsValue) -> bool;

    /// An array (a Proxy of one too). Never throws.
    #[wasm_bindgen(js_name = isList)]
    pub fn is_list(value: &JsValue) -> bool;

    /// The length of a `Uint8Array` from its internal slot; `None` for anything else.
    #[wasm_bindgen(js_name = byteLength)]
    pub fn byte_length(value: &JsValue) -> Option<f64>;

    /// Copies all of a `Uint8Array` that `byte_length` measured; throws if it has changed.
    #[wasm_bindgen(catch, js_name = copyBytes)]
    pub fn copy_bytes(source: &JsValue, target: &mut [u8]) -> Result<(), JsValue>;

    /// A copy made only of plain data (see reading.js); throws only a `Refusal`.
    #[wasm_bindgen(catch, js_name = plainCopy)]
    pub fn plain_copy(value: &JsValue, max_items: u32) -> Result<JsValue, JsValue>;

    /// Why `plainCopy` refused: a `seam::Tag`, where, and a detail the words need.
    pub type Refusal;

    #[wasm_bindgen(method, getter)]
    pub fn tag(this: &Refusal) -> JsValue;

    #[wasm_bindgen(method, getter)]
    pub fn path(this: &Refusal) -> String;

    #[wasm_bindgen(method, getter)]
    pub fn detail(this: &Refusal) -> JsValue;
}
