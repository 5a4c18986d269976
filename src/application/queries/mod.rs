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

use crate::domain::ProviderConnection;

/// `connections` ordered by `key` (milliseconds), equal keys by ascending id. The lists sort
/// plain numbers, one sort for both, which keeps a single copy of the sorting code in the wasm.
fn sorted_by(
    connections: Vec<ProviderConnection>,
    key: impl Fn(&ProviderConnection) -> i64,
) -> Vec<ProviderConnection> {
    let mut order: Vec<(i64, u128, usize)> = connections
        .iter()
        .enumerate()
        .map(|(at, connection)| (key(connection), connection.id().as_u128(), at))
        .collect();
    order.sort_unstable();
    let mut slots: Vec<Option<ProviderConnection>> = connections.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(_, _, at)| slots.get_mut(at).and_then(Option::take))
        .collect()
}
