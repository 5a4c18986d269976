//! The ConnectProvider command of a financial-data aggregation service.
//!
//! `domain` and `application` are plain Rust and work natively; `js` is the WebAssembly bridge
//! that lets JavaScript supply the repository and event bus as promise-returning objects.

pub mod application;
pub mod domain;

/// Only the runtime builds natively, for its unit tests; the rest needs a JS host.
pub mod js;

pub use application::{ConnectProvider, ConnectProviderError, ConnectProviderHandler};
pub use domain::{
    ConnectionStatus, CredentialType, DomainError, ProviderConnection, ProviderCredentials,
    ProviderEvent,
};

/// In wasm, talc instead of the standard dlmalloc: 2.3 KB less of the module gzipped, and no
/// slower (docs/choices.md has the figures).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
