//! The events as `publish` receives them: `eventType` (the original's class name), then the
//! event's fields in camelCase, written straight from the domain's event (their TypeScript is
//! in index.d.ts, beside the contract's other hand-written types). None carries credentials.
//! They cross as packs, as records and views do (docs/choices.md has the figures against
//! serde-wasm-bindgen, whose values the wasm tests hold the events' packs to).

use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::js::pack;

use super::iso_instant::IsoInstant;
use crate::domain::{self, ConnectionSubject};

pub struct ProviderEvent<'a>(pub &'a domain::ProviderEvent);

impl ProviderEvent<'_> {
    /// The event as `publish` receives it.
    pub fn to_js(&self) -> JsValue {
        pack::to_js(self)
    }

    /// The slug a connection's event carries as the command gave it (the other events' come
    /// from the stored record).
    pub fn commanded_slug(&self) -> Option<&str> {
        use domain::ProviderEvent as Event;
        match self.0 {
            Event::ProviderConnectionAttempted(e) => Some(&e.provider_slug),
            Event::ProviderConnectionSucceeded(e) => Some(&e.provider_slug),
            Event::ProviderConnectionFailed(e) => Some(&e.provider_slug),
            _ => None,
        }
    }
}

impl Serialize for ProviderEvent<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use domain::ProviderEvent as Event;
        let event = self.0;
        // Each layout is a struct named as index.d.ts names it, by which `seam.js` builds it
        // (`pack::Literal`), each name a constant where the struct begins so that the pack's
        // choice is made as the code is compiled. A connection's Succeeded has a lifecycle
        // event's keys.
        let mut out = match event {
            Event::ProviderConnectionAttempted(_) => {
                serializer.serialize_struct("ProviderConnectionAttempted", 6)?
            }
            Event::ProviderConnectionFailed(_) => {
                serializer.serialize_struct("ProviderConnectionFailed", 7)?
            }
            Event::ProviderDisconnectionFailed(_) => {
                serializer.serialize_struct("ConnectionLifecycleFailed", 8)?
            }
            Event::ProviderTokenRefreshFailed(_) => {
                serializer.serialize_struct("ProviderTokenRefreshFailed", 9)?
            }
            _ => serializer.serialize_struct("ConnectionLifecycleEvent", 7)?,
        };
        out.serialize_field("eventType", event.event_type())?;
        out.serialize_field("eventId", &event.event_id())?;
        out.serialize_field("occurredAt", &IsoInstant(event.occurred_at()))?;
        out.serialize_field("userId", &event.user_id())?;
        match event {
            Event::ProviderConnectionAttempted(e) => {
                out.serialize_field("providerId", &e.provider_id)?;
                out.serialize_field("providerSlug", &e.provider_slug)?;
            }
            Event::ProviderConnectionSucceeded(e) => {
                out.serialize_field("connectionId", &e.connection_id)?;
                out.serialize_field("providerId", &e.provider_id)?;
                out.serialize_field("providerSlug", &e.provider_slug)?;
            }
            Event::ProviderConnectionFailed(e) => {
                out.serialize_field("providerId", &e.provider_id)?;
                out.serialize_field("providerSlug", &e.provider_slug)?;
                out.serialize_field("reason", &e.reason)?;
            }
            Event::ProviderDisconnectionAttempted(e) => subject(&mut out, &e.subject)?,
            Event::ProviderDisconnectionSucceeded(e) => subject(&mut out, &e.subject)?,
            Event::ProviderDisconnectionFailed(e) => {
                subject(&mut out, &e.subject)?;
                out.serialize_field("reason", &e.reason)?;
            }
            Event::ProviderTokenRefreshAttempted(e) => subject(&mut out, &e.subject)?,
            Event::ProviderTokenRefreshSucceeded(e) => subject(&mut out, &e.subject)?,
            Event::ProviderTokenRefreshFailed(e) => {
                subject(&mut out, &e.subject)?;
                out.serialize_field("reason", &e.reason)?;
                out.serialize_field("needsUserAction", &e.needs_user_action)?;
            }
        }
        out.end()
    }
}

/// A disconnection's or refresh's connection; its provider is `null` when none was found.
fn subject<S: SerializeStruct>(out: &mut S, subject: &ConnectionSubject) -> Result<(), S::Error> {
    out.serialize_field("connectionId", &subject.connection_id)?;
    out.serialize_field("providerId", &subject.provider_id)?;
    out.serialize_field("providerSlug", &subject.provider_slug)
}
