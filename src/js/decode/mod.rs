//! Commands from the caller's JS objects, each packed in one call by `seam.js` (its fields' values
//! in `Field`'s order; a value it would not copy, a throwing getter or Proxy trap among them,
//! comes as a tag, and a string too long to copy stays in JS), then checked here, naming the
//! field that is wrong. The rules themselves are the application's (`CommandFields`).

mod connect_provider;
mod field;
mod lifecycle_commands;

pub use connect_provider::{connect_provider_command, ConnectInput};
pub use field::Field;
pub use lifecycle_commands::{
    disconnect_provider_command, get_provider_connection_query, list_expiring_connections_query,
    list_provider_connections_query, refresh_provider_tokens_command,
};
