use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Published once the connection has been looked up, before any check; `provider_id` and
/// `provider_slug` are `None` when there was no connection to read them from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderTokenRefreshAttempted {
    pub event_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// The requester, who may not own the connection.
    pub user_id: Uuid,
    pub connection_id: Uuid,
    pub provider_id: Option<Uuid>,
    pub provider_slug: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderTokenRefreshSucceeded {
    pub event_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub user_id: Uuid,
    pub connection_id: Uuid,
    pub provider_id: Option<Uuid>,
    pub provider_slug: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderTokenRefreshFailed {
    pub event_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub user_id: Uuid,
    pub connection_id: Uuid,
    pub provider_id: Option<Uuid>,
    pub provider_slug: Option<String>,
    pub reason: String,
    /// True only when the user must connect again (the connection is no longer active).
    pub needs_user_action: bool,
}
