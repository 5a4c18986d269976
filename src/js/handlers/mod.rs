//! The exported handler classes. `table.rs` declares them, one row and one `Operation` each;
//! `exported.rs` makes the classes and the package's constants of the rows; `operation.rs` is
//! what every class does (check the adapters and options, then `__start` each command or query
//! as a task whose result the package's JS receives); `answer.rs` writes the outcome.

#[macro_use]
mod exported;
mod answer;
mod operation;
mod options;
mod table;

pub use table::{
    JsConnectProviderHandler, JsDisconnectProviderHandler, JsGetProviderConnectionHandler,
    JsListExpiringConnectionsHandler, JsListProviderConnectionsHandler,
    JsRefreshProviderTokensHandler,
};
