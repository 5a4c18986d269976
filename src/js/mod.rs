//! The WebAssembly bridge: the only module that touches `wasm-bindgen`, `js-sys` and `JsValue`.
//!
//! `bindings` declares the raw JS imports; `adapters` implements the application's ports over
//! them; `decode` turns JS values into commands, `encode` domain values back into JS; `handler` is
//! the exported `ConnectProviderHandler` class.

pub mod adapters;
mod bindings;
mod completion;
mod decode;
mod encode;
mod errors;
mod executor;
mod expiry;
pub mod handler;
mod js_clock;
mod js_random;
mod memory;
mod options;
mod panic;
mod settle;
mod strings;
mod types;

pub use adapters::{JsEventBus, JsRepository};
pub use handler::JsConnectProviderHandler;
