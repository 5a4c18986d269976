use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Published once the connection has been looked up, before any check. `provider_id` and
/// `provider_slug` are `None` when there was no connection to read them from (the original
/// filled in the connection id and "unknown", which a consumer cannot tell from real data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderDisconnectionAttempted {
    pub event_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// The requester, who may not own the connection.
    pub user_id: Uuid,
    pub connection_id: Uuid,
    pub provider_id: Option<Uuid>,
    pub provider_slug: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderDisconnectionSucceeded {
    pub event_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub user_id: Uuid,
    pub connection_id: Uuid,
    pub provider_id: Option<Uuid>,
    pub provider_slug: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderDisconnectionFailed {
    pub event_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub user_id: Uuid,
    pub connection_id: Uuid,
    pub provider_id: Option<Uuid>,
    pub provider_slug: Option<String>,
    pub reason: String,
}
