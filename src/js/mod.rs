//! The WebAssembly bridge: the only module that touches `wasm-bindgen`, `js-sys` and `JsValue`.
//!
//! `raw` declares the JS imports and nothing else; `ports` implements the application's ports
//! over them; `shapes` holds the contract's objects as serde types; `decode` reads commands;
//! `runtime` runs commands as tasks and awaits adapters; `handlers` are the exported classes.

#[cfg(target_arch = "wasm32")]
mod bridge_error;
#[cfg(target_arch = "wasm32")]
mod decode;
#[cfg(target_arch = "wasm32")]
mod expiry;
#[cfg(target_arch = "wasm32")]
pub mod handlers;
#[cfg(target_arch = "wasm32")]
mod memory;
#[cfg(target_arch = "wasm32")]
pub mod ports;
#[cfg(target_arch = "wasm32")]
mod raw;
pub mod runtime;
#[cfg(target_arch = "wasm32")]
mod seam;
#[cfg(target_arch = "wasm32")]
pub mod shapes;
#[cfg(target_arch = "wasm32")]
mod types;

#[cfg(target_arch = "wasm32")]
pub use handlers::JsConnectProviderHandler;
#[cfg(target_arch = "wasm32")]
pub use ports::{JsEventBus, JsRepository};
