//! The exported classes, one per handler, all built by one generic piece (`operation.rs`): check
//! the adapters and options, then `__start` each command or query as a task whose result the
//! package's JS receives.

mod classes;
mod error_strings;
mod operation;
mod operations;
mod options;

pub use classes::{
    JsConnectProviderHandler, JsDisconnectProviderHandler, JsGetProviderConnectionHandler,
    JsListExpiringConnectionsHandler, JsListProviderConnectionsHandler,
    JsRefreshProviderTokensHandler,
};
