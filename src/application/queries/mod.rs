//! The queries that read connections back, each a handler over the same repository.

mod database_error;
mod get_provider_connection;
mod list_expiring_connections;
mod list_provider_connections;
mod provider_connection_view;
mod query_context;

pub use database_error::DatabaseError;
pub use get_provider_connection::{
    GetProviderConnection, GetProviderConnectionError, GetProviderConnectionHandler,
};
pub use list_expiring_connections::{
    ExpiringConnections, ListExpiringConnections, ListExpiringConnectionsHandler,
};
pub use list_provider_connections::{
    ListProviderConnections, ListProviderConnectionsHandler, ProviderConnectionList,
};
pub use provider_connection_view::ProviderConnectionView;
pub use query_context::QueryContext;
