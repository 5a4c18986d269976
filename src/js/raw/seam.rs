use wasm_bindgen::prelude::*;

/// The JS half of the seam (`seam.js`): the pack's two directions, where a throwing getter or
/// Proxy trap becomes a refusal, never an exception through wasm. Its limits, tags and ops are
/// `seam.rs`'s.
#[wasm_bindgen(module = "/src/js/seam.js")]
extern "C" {
    /// Hands over the limits, the tags' and ops' names in the order of their numbers, and the
    /// fields a command's pack reads, when an instance starts.
    #[wasm_bindgen(js_name = configure)]
    pub fn configure_seam(
        max_text_units: u32,
        max_bytes: u32,
        max_keys: u32,
        max_depth: u32,
        max_total_bytes: u32,
        tag_names: &str,
        op_names: &str,
        field_names: &str,
    );

    /// The JS value of a pack (`pack::Packer`). Never throws.
    #[wasm_bindgen(js_name = unpack)]
    pub fn unpack(ops: &[f64], text: &str, bytes: &[u8]) -> JsValue;

    /// An object, not an array. Never throws.
    #[wasm_bindgen(js_name = isPlainObject)]
    pub fn is_plain_object(value: &JsValue) -> bool;

    /// An array (a Proxy of one too). Never throws.
    #[wasm_bindgen(js_name = isList)]
    pub fn is_list(value: &JsValue) -> bool;

    /// Packs `value`, made only of plain data, strictly or `as_command` (see seam.js); throws
    /// only a `Refusal`.
    #[wasm_bindgen(catch, js_name = pack)]
    pub fn pack(value: &JsValue, max_items: u32, as_command: bool) -> Result<(), JsValue>;

    /// The string a command's pack left uncopied, by its `LONG` op's number. Never throws.
    #[wasm_bindgen(js_name = longText)]
    pub fn long_text(number: u32) -> JsValue;

    /// The pack's number of ops, of bytes, of UTF-16 units of text and of keys sent for the first
    /// time, written into `sizes` once `pack` has returned (no caller's code runs between, so
    /// wasm memory cannot grow under the view).
    #[wasm_bindgen(js_name = packSizes)]
    pub fn pack_sizes(sizes: &mut [u32]);

    /// The pack `pack` made, copied into the buffers: its ops, its bytes and its text as UTF-8
    /// (`text` has three bytes a unit); returns the text's length in bytes.
    #[wasm_bindgen(js_name = packed)]
    pub fn packed(ops: &mut [f64], bytes: &mut [u8], text: &mut [u8]) -> u32;

    /// Why `pack` refused: a `seam::Tag`, where, and a detail the words need.
    pub type Refusal;

    #[wasm_bindgen(method, getter)]
    pub fn tag(this: &Refusal) -> JsValue;

    #[wasm_bindgen(method, getter)]
    pub fn path(this: &Refusal) -> String;

    #[wasm_bindgen(method, getter)]
    pub fn detail(this: &Refusal) -> JsValue;
}
