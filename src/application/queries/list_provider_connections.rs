use uuid::Uuid;

use super::{sorted_by, DatabaseError, ProviderConnectionView, QueryContext};
use crate::application::{Clock, ProviderConnectionRepository};
use crate::domain::ConnectionStatus;

/// The user's connections, every status or only the active ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListProviderConnections {
    pub user_id: Uuid,
    pub active_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConnectionList {
    /// Newest first; connections made in the same millisecond by ascending id.
    pub connections: Vec<ProviderConnectionView>,
    pub total_count: usize,
    pub active_count: usize,
}

pub struct ListProviderConnectionsHandler<R, C = crate::application::SystemClock> {
    context: QueryContext<R, C>,
}

impl<R> ListProviderConnectionsHandler<R> {
    pub fn new(repository: R) -> Self {
        QueryContext::new(repository).into()
    }
}

impl<R, C> From<QueryContext<R, C>> for ListProviderConnectionsHandler<R, C> {
    fn from(context: QueryContext<R, C>) -> Self {
        Self { context }
    }
}

impl<R: ProviderConnectionRepository, C: Clock> ListProviderConnectionsHandler<R, C> {
    /// A record the repository should not have returned (another user's, or one that is not
    /// active when only active ones were asked for) is left out, not shown; the counts count
    /// what is returned.
    pub async fn handle(
        &self,
        query: ListProviderConnections,
    ) -> Result<ProviderConnectionList, DatabaseError> {
        let repository = self.context.repository();
        let mut found = if query.active_only {
            repository.find_active_by_user(query.user_id).await?
        } else {
            repository.find_by_user_id(query.user_id).await?
        };
        found.retain(|connection| {
            connection.user_id() == query.user_id
                && (!query.active_only || connection.status() == ConnectionStatus::Active)
        });
        let found = sorted_by(found, |connection| {
            -connection.created_at().timestamp_millis()
        });
        let now = self.context.now();
        let connections: Vec<_> = found
            .iter()
            .map(|connection| ProviderConnectionView::of(connection, now))
            .collect();
        Ok(ProviderConnectionList {
            total_count: connections.len(),
            active_count: connections
                .iter()
                .filter(|view| view.status == ConnectionStatus::Active)
                .count(),
            connections,
        })
    }
}
