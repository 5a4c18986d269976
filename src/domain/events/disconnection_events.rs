use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::ConnectionSubject;

/// Published once the connection has been looked up, before any check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderDisconnectionAttempted {
    pub event_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub subject: ConnectionSubject,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderDisconnectionSucceeded {
    pub event_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub subject: ConnectionSubject,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderDisconnectionFailed {
    pub event_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub subject: ConnectionSubject,
    pub reason: String,
}
