use chrono::TimeDelta;

use super::{sorted_by, DatabaseError, ProviderConnectionView, QueryContext};
use crate::application::{Clock, ProviderConnectionRepository};
use crate::domain::ConnectionStatus;

/// Active connections whose credentials expire within the next `within_minutes` (or have
/// already expired): what a refresh job runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListExpiringConnections {
    pub within_minutes: u32,
}

impl ListExpiringConnections {
    pub const DEFAULT_WITHIN_MINUTES: u32 = 30;
    /// A week: a job that looks further ahead is better served by a list of every connection.
    pub const MAX_WITHIN_MINUTES: u32 = 7 * 24 * 60;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiringConnections {
    /// Soonest expiry first; equal expiries by ascending id.
    pub connections: Vec<ProviderConnectionView>,
}

pub struct ListExpiringConnectionsHandler<R, C = crate::application::SystemClock> {
    context: QueryContext<R, C>,
}

impl<R> ListExpiringConnectionsHandler<R> {
    pub fn new(repository: R) -> Self {
        QueryContext::new(repository).into()
    }
}

impl<R, C> From<QueryContext<R, C>> for ListExpiringConnectionsHandler<R, C> {
    fn from(context: QueryContext<R, C>) -> Self {
        Self { context }
    }
}

impl<R: ProviderConnectionRepository, C: Clock> ListExpiringConnectionsHandler<R, C> {
    /// Asks for what expires by `now + within_minutes` (at most `MAX_WITHIN_MINUTES`, so the
    /// instant stays in the years the domain writes); a record the repository should not have
    /// returned (not active, without an expiry, or expiring later) is left out.
    pub async fn handle(
        &self,
        query: ListExpiringConnections,
    ) -> Result<ExpiringConnections, DatabaseError> {
        let now = self.context.now();
        let minutes = query
            .within_minutes
            .min(ListExpiringConnections::MAX_WITHIN_MINUTES);
        let within = TimeDelta::minutes(i64::from(minutes));
        let by = now.checked_add_signed(within).unwrap_or(now);
        let mut found = self.context.repository().find_expiring_before(by).await?;
        let expiry = |connection: &crate::domain::ProviderConnection| {
            connection.credentials().and_then(|c| c.expires_at())
        };
        found.retain(|connection| {
            connection.status() == ConnectionStatus::Active
                && expiry(connection).is_some_and(|at| at <= by)
        });
        let found = sorted_by(found, |connection| {
            expiry(connection).map_or(i64::MAX, |at| at.timestamp_millis())
        });
        Ok(ExpiringConnections {
            connections: found
                .iter()
                .map(|connection| ProviderConnectionView::of(connection, now))
                .collect(),
        })
    }
}
