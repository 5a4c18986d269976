//! Commands from the caller's JS objects. Each field is read once through `seam.js`, which
//! catches: a throwing getter or a Proxy becomes an error naming the field, and sizes are
//! checked before anything is copied into wasm. The rules themselves are the application's
//! (`CommandFields`), in plain Rust.

mod connect_provider;
mod field;
mod lifecycle_commands;

pub use connect_provider::{connect_provider_command, ConnectInput, MAX_SHORT_TEXT_UNITS};
pub use lifecycle_commands::{
    disconnect_provider_command, get_provider_connection_query, list_expiring_connections_query,
    list_provider_connections_query, refresh_provider_tokens_command,
};
