use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A connection was asked for; published before anything is checked, so every try leaves a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConnectionAttempted {
    pub event_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub user_id: Uuid,
    pub provider_id: Uuid,
    pub provider_slug: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConnectionSucceeded {
    pub event_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub user_id: Uuid,
    pub connection_id: Uuid,
    pub provider_id: Uuid,
    pub provider_slug: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConnectionFailed {
    pub event_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub user_id: Uuid,
    pub provider_id: Uuid,
    pub provider_slug: String,
    pub reason: String,
}
