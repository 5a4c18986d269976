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
