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
    heap_sort(&mut order);
    let mut slots: Vec<Option<ProviderConnection>> = connections.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(_, _, at)| slots.get_mut(at).and_then(Option::take))
        .collect()
}

/// Sorts `items` ascending, in place, in O(n log n). The keys are unique (each holds its index), so
/// a stable sort buys nothing; the standard library's `sort_unstable` is about 7 KB of wasm, this
/// well under one (docs/performance.md).
fn heap_sort<T: Ord + Copy>(items: &mut [T]) {
    /// Moves `items[root]` down until it is no smaller than its children, within `items[..end]`.
    fn sift_down<T: Ord + Copy>(items: &mut [T], mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && items[child] < items[child + 1] {
                child += 1;
            }
            if items[root] >= items[child] {
                return;
            }
            items.swap(root, child);
            root = child;
        }
    }
    for root in (0..items.len() / 2).rev() {
        sift_down(items, root, items.len());
    }
    for end in (1..items.len()).rev() {
        items.swap(0, end);
        sift_down(items, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::heap_sort;

    #[test]
    fn heap_sort_orders_as_the_standard_sort_does() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for length in 0..300 {
            let mut items: Vec<(i64, u32)> = (0..length)
                .map(|at| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    ((seed % 7) as i64 - 3, at)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_unstable();
            heap_sort(&mut items);
            assert_eq!(items, expected);
        }
    }
}
