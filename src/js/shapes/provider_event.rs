//! The events as `publish` receives them: `eventType` (the original's class name), then the
//! event's fields in camelCase. None carries credentials.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tsify_next::Tsify;
use uuid::Uuid;

use super::iso_instant::IsoInstant;
use super::js_text;
use crate::domain;

#[derive(Serialize, Tsify)]
#[serde(tag = "eventType")]
pub enum ProviderEvent<'a> {
    ProviderConnectionAttempted(ProviderConnectionAttempted<'a>),
    ProviderConnectionSucceeded(ProviderConnectionSucceeded<'a>),
    ProviderConnectionFailed(ProviderConnectionFailed<'a>),
    ProviderDisconnectionAttempted(ConnectionLifecycleEvent<'a>),
    ProviderDisconnectionSucceeded(ConnectionLifecycleEvent<'a>),
    ProviderDisconnectionFailed(ConnectionLifecycleFailed<'a>),
    ProviderTokenRefreshAttempted(ConnectionLifecycleEvent<'a>),
    ProviderTokenRefreshSucceeded(ConnectionLifecycleEvent<'a>),
    ProviderTokenRefreshFailed(ProviderTokenRefreshFailed<'a>),
}

#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ProviderConnectionAttempted<'a> {
    #[tsify(type = "string")]
    event_id: Uuid,
    #[tsify(type = "string")]
    occurred_at: IsoInstant,
    #[serde(serialize_with = "js_text::id")]
    #[tsify(type = "string")]
    user_id: Uuid,
    #[serde(serialize_with = "js_text::id")]
    #[tsify(type = "string")]
    provider_id: Uuid,
    #[serde(serialize_with = "js_text::any_text")]
    provider_slug: &'a str,
}

#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ProviderConnectionSucceeded<'a> {
    #[tsify(type = "string")]
    event_id: Uuid,
    #[tsify(type = "string")]
    occurred_at: IsoInstant,
    #[serde(serialize_with = "js_text::id")]
    #[tsify(type = "string")]
    user_id: Uuid,
    #[serde(serialize_with = "js_text::id")]
    #[tsify(type = "string")]
    connection_id: Uuid,
    #[serde(serialize_with = "js_text::id")]
    #[tsify(type = "string")]
    provider_id: Uuid,
    #[serde(serialize_with = "js_text::any_text")]
    provider_slug: &'a str,
}

#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ProviderConnectionFailed<'a> {
    #[tsify(type = "string")]
    event_id: Uuid,
    #[tsify(type = "string")]
    occurred_at: IsoInstant,
    #[serde(serialize_with = "js_text::id")]
    #[tsify(type = "string")]
    user_id: Uuid,
    #[serde(serialize_with = "js_text::id")]
    #[tsify(type = "string")]
    provider_id: Uuid,
    #[serde(serialize_with = "js_text::any_text")]
    provider_slug: &'a str,
    #[serde(serialize_with = "js_text::any_text")]
    reason: &'a str,
}

/// Attempted and Succeeded of disconnecting and of refreshing credentials. `userId` is the
/// requester's; `providerId` and `providerSlug` are `null` when no connection was found.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct ConnectionLifecycleEvent<'a> {
    #[tsify(type = "string")]
    event_id: Uuid,
    #[tsify(type = "string")]
    occurred_at: IsoInstant,
    #[serde(serialize_with = "js_text::id")]
    #[tsify(type = "string")]
    user_id: Uuid,
    #[serde(serialize_with = "js_text::id")]
    #[tsify(type = "string")]
    connection_id: Uuid,
    #[serde(serialize_with = "js_text::optional_id")]
    #[tsify(type = "string | null")]
    provider_id: Option<Uuid>,
    #[serde(serialize_with = "js_text::optional_text")]
    provider_slug: Option<&'a str>,
}

#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct ConnectionLifecycleFailed<'a> {
    #[tsify(type = "string")]
    event_id: Uuid,
    #[tsify(type = "string")]
    occurred_at: IsoInstant,
    #[serde(serialize_with = "js_text::id")]
    #[tsify(type = "string")]
    user_id: Uuid,
    #[serde(serialize_with = "js_text::id")]
    #[tsify(type = "string")]
    connection_id: Uuid,
    #[serde(serialize_with = "js_text::optional_id")]
    #[tsify(type = "string | null")]
    provider_id: Option<Uuid>,
    #[serde(serialize_with = "js_text::optional_text")]
    provider_slug: Option<&'a str>,
    #[serde(serialize_with = "js_text::any_text")]
    reason: &'a str,
}

#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct ProviderTokenRefreshFailed<'a> {
    #[tsify(type = "string")]
    event_id: Uuid,
    #[tsify(type = "string")]
    occurred_at: IsoInstant,
    #[serde(serialize_with = "js_text::id")]
    #[tsify(type = "string")]
    user_id: Uuid,
    #[serde(serialize_with = "js_text::id")]
    #[tsify(type = "string")]
    connection_id: Uuid,
    #[serde(serialize_with = "js_text::optional_id")]
    #[tsify(type = "string | null")]
    provider_id: Option<Uuid>,
    #[serde(serialize_with = "js_text::optional_text")]
    provider_slug: Option<&'a str>,
    #[serde(serialize_with = "js_text::any_text")]
    reason: &'a str,
    needs_user_action: bool,
}

impl<'a> From<&'a domain::ProviderEvent> for ProviderEvent<'a> {
    fn from(event: &'a domain::ProviderEvent) -> Self {
        use domain::ProviderEvent as Domain;
        match event {
            Domain::ProviderConnectionAttempted(e) => {
                Self::ProviderConnectionAttempted(ProviderConnectionAttempted {
                    event_id: e.event_id,
                    occurred_at: IsoInstant(e.occurred_at),
                    user_id: e.user_id,
                    provider_id: e.provider_id,
                    provider_slug: &e.provider_slug,
                })
            }
            Domain::ProviderConnectionSucceeded(e) => {
                Self::ProviderConnectionSucceeded(ProviderConnectionSucceeded {
                    event_id: e.event_id,
                    occurred_at: IsoInstant(e.occurred_at),
                    user_id: e.user_id,
                    connection_id: e.connection_id,
                    provider_id: e.provider_id,
                    provider_slug: &e.provider_slug,
                })
            }
            Domain::ProviderConnectionFailed(e) => {
                Self::ProviderConnectionFailed(ProviderConnectionFailed {
                    event_id: e.event_id,
                    occurred_at: IsoInstant(e.occurred_at),
                    user_id: e.user_id,
                    provider_id: e.provider_id,
                    provider_slug: &e.provider_slug,
                    reason: &e.reason,
                })
            }
            Domain::ProviderDisconnectionAttempted(e) => Self::ProviderDisconnectionAttempted(
                lifecycle(e.event_id, e.occurred_at, &e.subject),
            ),
            Domain::ProviderDisconnectionSucceeded(e) => Self::ProviderDisconnectionSucceeded(
                lifecycle(e.event_id, e.occurred_at, &e.subject),
            ),
            Domain::ProviderDisconnectionFailed(e) => {
                Self::ProviderDisconnectionFailed(ConnectionLifecycleFailed {
                    event_id: e.event_id,
                    occurred_at: IsoInstant(e.occurred_at),
                    user_id: e.subject.user_id,
                    connection_id: e.subject.connection_id,
                    provider_id: e.subject.provider_id,
                    provider_slug: e.subject.provider_slug.as_deref(),
                    reason: &e.reason,
                })
            }
            Domain::ProviderTokenRefreshAttempted(e) => Self::ProviderTokenRefreshAttempted(
                lifecycle(e.event_id, e.occurred_at, &e.subject),
            ),
            Domain::ProviderTokenRefreshSucceeded(e) => Self::ProviderTokenRefreshSucceeded(
                lifecycle(e.event_id, e.occurred_at, &e.subject),
            ),
            Domain::ProviderTokenRefreshFailed(e) => {
                Self::ProviderTokenRefreshFailed(ProviderTokenRefreshFailed {
                    event_id: e.event_id,
                    occurred_at: IsoInstant(e.occurred_at),
                    user_id: e.subject.user_id,
                    connection_id: e.subject.connection_id,
                    provider_id: e.subject.provider_id,
                    provider_slug: e.subject.provider_slug.as_deref(),
                    reason: &e.reason,
                    needs_user_action: e.needs_user_action,
                })
            }
        }
    }
}

fn lifecycle(
    event_id: Uuid,
    occurred_at: DateTime<Utc>,
    subject: &domain::ConnectionSubject,
) -> ConnectionLifecycleEvent<'_> {
    ConnectionLifecycleEvent {
        event_id,
        occurred_at: IsoInstant(occurred_at),
        user_id: subject.user_id,
        connection_id: subject.connection_id,
        provider_id: subject.provider_id,
        provider_slug: subject.provider_slug.as_deref(),
    }
}
