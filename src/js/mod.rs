//! The WebAssembly bridge: the only module that touches `wasm-bindgen`, `js-sys` and `JsValue`.
//!
//! `raw` declares the JS imports and nothing else; `ports` implements the application's ports
//! over them; `shapes` holds the contract's objects as serde types; `decode` reads commands;
//! `runtime` runs commands as tasks and awaits adapters; `handlers` are the exported classes.

mod decode;
mod expiry;
pub mod handlers;
mod memory;
pub mod ports;
mod raw;
pub mod runtime;
pub mod shapes;
mod types;

pub use handlers::JsConnectProviderHandler;
pub use ports::{JsEventBus, JsRepository};
