//! The exported classes, one per handler, all built the same way: check the adapters and
//! options, then `__start` each command or query as a task whose result the package's JS
//! receives.

mod connect_provider;
mod disconnect_provider;
mod error_strings;
mod get_provider_connection;
mod list_expiring_connections;
mod list_provider_connections;
mod options;
mod refresh_provider_tokens;

pub use connect_provider::JsConnectProviderHandler;
pub use disconnect_provider::JsDisconnectProviderHandler;
pub use get_provider_connection::JsGetProviderConnectionHandler;
pub use list_expiring_connections::JsListExpiringConnectionsHandler;
pub use list_provider_connections::JsListProviderConnectionsHandler;
pub use refresh_provider_tokens::JsRefreshProviderTokensHandler;

use std::future::Future;
use std::pin::Pin;

use wasm_bindgen::JsValue;

use crate::js::runtime;
use crate::js::shapes::with_command_texts;

/// What a result's `error` starts with when the command itself is not one.
pub const INVALID_COMMAND: &str = "Invalid command";

/// Runs `work` as a task: its result is delivered at once (and 0 returned) when it needs no
/// waiting, else later under the number returned.
fn start(work: impl Future<Output = JsValue> + 'static) -> u32 {
    start_boxed(Box::pin(work))
}

/// One copy for every handler (the work is boxed anyway, as a task).
#[inline(never)]
fn start_boxed(work: Pin<Box<dyn Future<Output = JsValue>>>) -> u32 {
    runtime::start(with_command_texts(work))
}
