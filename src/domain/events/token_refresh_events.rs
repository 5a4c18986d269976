use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::ConnectionSubject;

/// Published once the connection has been looked up, before any check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderTokenRefreshAttempted {
    pub event_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub subject: ConnectionSubject,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderTokenRefreshSucceeded {
    pub event_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub subject: ConnectionSubject,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderTokenRefreshFailed {
    pub event_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub subject: ConnectionSubject,
    pub reason: String,
    /// True only when the user must connect again (the connection is no longer active).
    pub needs_user_action: bool,
}
