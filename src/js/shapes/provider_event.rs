//! The events as `publish` receives them: `eventType` (the original's class name), then the
//! event's fields in camelCase, written straight from the domain's event (their TypeScript is
//! in index.d.ts, beside the contract's other hand-written types). None carries credentials.

use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

use super::iso_instant::IsoInstant;
use super::js_text::{JsId, JsText};
use crate::domain::{self, ConnectionSubject};

pub struct ProviderEvent<'a>(pub &'a domain::ProviderEvent);

impl Serialize for ProviderEvent<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use domain::ProviderEvent as Event;
        let event = self.0;
        let mut out = serializer.serialize_struct("ProviderEvent", 9)?;
        out.serialize_field("eventType", &EventType(event.event_type()))?;
        out.serialize_field("eventId", &JsId(event.event_id()))?;
        out.serialize_field("occurredAt", &IsoInstant(event.occurred_at()))?;
        out.serialize_field("userId", &JsId(event.user_id()))?;
        match event {
            Event::ProviderConnectionAttempted(e) => {
                out.serialize_field("providerId", &JsId(e.provider_id))?;
                out.serialize_field("providerSlug", &JsText(&e.provider_slug))?;
            }
            Event::ProviderConnectionSucceeded(e) => {
                out.serialize_field("connectionId", &JsId(e.connection_id))?;
                out.serialize_field("providerId", &JsId(e.provider_id))?;
                out.serialize_field("providerSlug", &JsText(&e.provider_slug))?;
            }
            Event::ProviderConnectionFailed(e) => {
                out.serialize_field("providerId", &JsId(e.provider_id))?;
                out.serialize_field("providerSlug", &JsText(&e.provider_slug))?;
                out.serialize_field("reason", &JsText(&e.reason))?;
            }
            Event::ProviderDisconnectionAttempted(e) => subject(&mut out, &e.subject)?,
            Event::ProviderDisconnectionSucceeded(e) => subject(&mut out, &e.subject)?,
            Event::ProviderDisconnectionFailed(e) => {
                subject(&mut out, &e.subject)?;
                out.serialize_field("reason", &JsText(&e.reason))?;
            }
            Event::ProviderTokenRefreshAttempted(e) => subject(&mut out, &e.subject)?,
            Event::ProviderTokenRefreshSucceeded(e) => subject(&mut out, &e.subject)?,
            Event::ProviderTokenRefreshFailed(e) => {
                subject(&mut out, &e.subject)?;
                out.serialize_field("reason", &JsText(&e.reason))?;
                out.serialize_field("needsUserAction", &e.needs_user_action)?;
            }
        }
        out.end()
    }
}

/// A unit variant, so serde-wasm-bindgen makes each type's JS string once per instance.
struct EventType(&'static str);

impl Serialize for EventType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit_variant("ProviderEvent", 0, self.0)
    }
}

/// A disconnection's or refresh's connection; its provider is `null` when none was found.
fn subject<S: SerializeStruct>(out: &mut S, subject: &ConnectionSubject) -> Result<(), S::Error> {
    out.serialize_field("connectionId", &JsId(subject.connection_id))?;
    out.serialize_field("providerId", &subject.provider_id.map(JsId))?;
    out.serialize_field("providerSlug", &subject.provider_slug.as_deref().map(JsText))
}
