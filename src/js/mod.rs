//! The WebAssembly bridge: the only module that touches `wasm-bindgen`, `js-sys` and `JsValue`.
//!
//! `raw` declares the JS imports and nothing else; `seam` defines what `seam.js` is told;
//! `ports` implements the application's ports over the imports; `shapes` holds the contract's
//! objects as serde types, and `pack` carries them across in one call; `decode` reads commands; `runtime` runs commands as tasks and
//! awaits adapters (its logic builds natively too, for its tests); `handlers` are the exported
//! classes; `bridge_error` words every failure the bridge detects.

pub mod runtime;

/// Everything else needs a JS host.
macro_rules! wasm_only {
    ($($item:item)*) => { $(#[cfg(target_arch = "wasm32")] $item)* };
}

wasm_only! {
    mod bridge_error;
    mod decode;
    mod expiry;
    pub mod handlers;
    mod memory;
    pub mod pack;
    pub mod ports;
    mod raw;
    mod seam;
    pub mod shapes;
    pub use handlers::JsConnectProviderHandler;
    pub use ports::{commits_to, JsEventBus, JsRepository};
}
