//! The provider-connection events, in the past tense, one enum for every workflow. None carries
//! credentials.

mod connection_events;
mod connection_subject;
mod disconnection_events;
mod token_refresh_events;

use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use connection_events::{
    ProviderConnectionAttempted, ProviderConnectionFailed, ProviderConnectionSucceeded,
};
pub use connection_subject::ConnectionSubject;
pub use disconnection_events::{
    ProviderDisconnectionAttempted, ProviderDisconnectionFailed, ProviderDisconnectionSucceeded,
};
pub use token_refresh_events::{
    ProviderTokenRefreshAttempted, ProviderTokenRefreshFailed, ProviderTokenRefreshSucceeded,
};

/// Declares `ProviderEvent` with one variant per event struct, named after the struct, and
/// the accessors every event shares.
macro_rules! provider_events {
    ($($variant:ident),* $(,)?) => {
        /// Every event the three workflows publish (connect, disconnect, refresh credentials).
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum ProviderEvent {
            $($variant($variant),)*
        }

        impl ProviderEvent {
            /// The original's class name, which subscribers key on.
            pub fn event_type(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => stringify!($variant),)*
                }
            }

            pub fn event_id(&self) -> Uuid {
                match self {
                    $(Self::$variant(event) => event.event_id,)*
                }
            }

            pub fn occurred_at(&self) -> DateTime<Utc> {
                match self {
                    $(Self::$variant(event) => event.occurred_at,)*
                }
            }
        }

        $(impl From<$variant> for ProviderEvent {
            fn from(event: $variant) -> Self {
                Self::$variant(event)
            }
        })*
    };
}

provider_events!(
    ProviderConnectionAttempted,
    ProviderConnectionSucceeded,
    ProviderConnectionFailed,
    ProviderDisconnectionAttempted,
    ProviderDisconnectionSucceeded,
    ProviderDisconnectionFailed,
    ProviderTokenRefreshAttempted,
    ProviderTokenRefreshSucceeded,
    ProviderTokenRefreshFailed,
);

impl ProviderEvent {
    /// The user the event is about: for a disconnection or refresh, the requester.
    pub fn user_id(&self) -> Uuid {
        match self {
            Self::ProviderConnectionAttempted(event) => event.user_id,
            Self::ProviderConnectionSucceeded(event) => event.user_id,
            Self::ProviderConnectionFailed(event) => event.user_id,
            Self::ProviderDisconnectionAttempted(event) => event.subject.user_id,
            Self::ProviderDisconnectionSucceeded(event) => event.subject.user_id,
            Self::ProviderDisconnectionFailed(event) => event.subject.user_id,
            Self::ProviderTokenRefreshAttempted(event) => event.subject.user_id,
            Self::ProviderTokenRefreshSucceeded(event) => event.subject.user_id,
            Self::ProviderTokenRefreshFailed(event) => event.subject.user_id,
        }
    }
}
