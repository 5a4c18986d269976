use uuid::Uuid;

use super::Timestamp;

/// A connection was asked for; published before anything is checked, so every try leaves a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConnectionAttempted {
    pub event_id: Uuid,
    pub occurred_at: Timestamp,
    pub user_id: Uuid,
    pub provider_id: Uuid,
    pub provider_slug: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConnectionSucceeded {
    pub event_id: Uuid,
    pub occurred_at: Timestamp,
    pub user_id: Uuid,
    pub connection_id: Uuid,
    pub provider_id: Uuid,
    pub provider_slug: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConnectionFailed {
    pub event_id: Uuid,
    pub occurred_at: Timestamp,
    pub user_id: Uuid,
    pub provider_id: Uuid,
    pub provider_slug: String,
    pub reason: String,
}

/// The three-state outcome of connecting a provider. No variant carries credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderConnectionEvent {
    Attempted(ProviderConnectionAttempted),
    Succeeded(ProviderConnectionSucceeded),
    Failed(ProviderConnectionFailed),
}

impl ProviderConnectionEvent {
    /// The original's class name, which subscribers key on.
    pub fn event_type(&self) -> &'static str {
        match self {
            Self::Attempted(_) => "ProviderConnectionAttempted",
            Self::Succeeded(_) => "ProviderConnectionSucceeded",
            Self::Failed(_) => "ProviderConnectionFailed",
        }
    }

    pub fn event_id(&self) -> Uuid {
        match self {
            Self::Attempted(event) => event.event_id,
            Self::Succeeded(event) => event.event_id,
            Self::Failed(event) => event.event_id,
        }
    }

    pub fn occurred_at(&self) -> Timestamp {
        match self {
            Self::Attempted(event) => event.occurred_at,
            Self::Succeeded(event) => event.occurred_at,
            Self::Failed(event) => event.occurred_at,
        }
    }
}
