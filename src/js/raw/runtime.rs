use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The package's JS half of the bridge (`pkg-template/api.js`), registered once per
    /// instance: it awaits what adapters return, keeps the one deadline timer and hands each
    /// result to its caller's promise. Its methods are the package's own and never throw.
    pub type Runtime;

    /// Hands `result` to the call `__start` numbered `call` (0: the call that is starting).
    #[wasm_bindgen(method)]
    pub fn deliver(this: &Runtime, call: u32, result: &JsValue);

    /// Awaits `value` if it is a thenable, then calls `__settle(index, generation, …)`; false
    /// (and nothing to await) for a plain value.
    #[wasm_bindgen(method)]
    pub fn watch(this: &Runtime, value: &JsValue, slot: u32, generation: u32) -> bool;

    /// Re-arms the one timer to call `__expire` after `delay_ms` (unless it is negative), and
    /// lets it hold the process only while calls are `waiting`; true when it cleared the timer
    /// instead (see `Host::timer`).
    #[wasm_bindgen(method)]
    pub fn timer(this: &Runtime, delay_ms: f64, waiting: bool) -> bool;
}
