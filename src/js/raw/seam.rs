//! Raw imports of `seam.js`, the seam's JS half (`src/js/seam.rs` has its limits, tags and ops).

use js_sys::Function;
use wasm_bindgen::prelude::*;

/// The JS half of the seam (`seam.js`): reading the caller's objects, each read one catching
/// call, so a throwing getter or Proxy trap becomes an answer, never an exception through wasm;
/// and the pack's two directions. Its limits, tags and ops are `seam.rs`'s.
#[wasm_bindgen(module = "/src/js/seam.js")]
extern "C" {
    /// Calls `onEventBusError(error, event)`; a throw or a rejection of what it returns is
    /// reported on the console. Never throws.
    #[wasm_bindgen(js_name = reportToHook)]
    pub fn report_to_hook(hook: &Function, error: &JsValue, event: &JsValue);

    /// Hands over the instance's memory, the limits, and the names of the tags, the ops and the
    /// literals in the order of their numbers, when an instance starts.
    #[wasm_bindgen(js_name = configure)]
    pub fn configure_seam(
        memory: &JsValue,
        max_text_units: u32,
        max_bytes: u32,
        max_keys: u32,
        max_depth: u32,
        max_total_bytes: u32,
        max_total_units: u32,
        tag_names: &str,
        op_names: &str,
        literal_names: &str,
    );

    /// The JS value of a pack (`pack::Packer`), read where it lies in memory: its ops, its UTF-8
    /// text and its bytes, each an address and a length. Never throws.
    #[wasm_bindgen(js_name = unpack)]
    pub fn unpack(
        ops: *const f64,
        ops_len: usize,
        text: *const u8,
        text_len: usize,
        bytes: *const u8,
        bytes_len: usize,
    ) -> JsValue;

    /// One property read; throws what a getter or Proxy trap throws.
    #[wasm_bindgen(catch, js_name = readField)]
    pub fn read_field(object: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;

    /// The string, if the property holds one of at most `max_units` UTF-16 units without a lone
    /// surrogate; a longer one inside a one-item array; else a `seam::Tag`. With `instant`, a
    /// valid `Date` is its `toISOString`. Never throws.
    #[wasm_bindgen(js_name = readText)]
    pub fn read_text(object: &JsValue, key: &JsValue, max_units: u32, instant: bool) -> JsValue;

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

    /// Packs `value`, made only of plain data (see seam.js); throws only a `Refusal`.
    #[wasm_bindgen(catch, js_name = pack)]
    pub fn pack(value: &JsValue, max_items: u32) -> Result<(), JsValue>;

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
