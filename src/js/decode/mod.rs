//! Commands from the caller's JS objects. Each field is read once through `reading.js`, which
//! catches: a throwing getter or a Proxy becomes an error naming the field, and sizes are
//! checked before anything is copied into wasm. The rules themselves are the application's
//! (`CommandFields`), in plain Rust.

mod connect_provider;
mod field;

pub use connect_provider::connect_provider_command;
