//! Domain values into plain JS objects with the contract's camelCase fields.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};
use serde_wasm_bindgen::Serializer as JsSerializer;
use wasm_bindgen::JsValue;

use crate::domain::{ProviderConnection, ProviderConnectionEvent, ProviderCredentials};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConnectionRecord<'a> {
    id: String,
    user_id: String,
    provider_id: String,
    provider_slug: &'a str,
    status: &'static str,
    alias: Option<&'a str>,
    credentials: Option<CredentialsRecord<'a>>,
    connected_at: Option<String>,
    last_sync_at: Option<String>,
    created_at: String,
    updated_at: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CredentialsRecord<'a> {
    encrypted_data: Bytes<'a>,
    credential_type: &'static str,
    expires_at: Option<String>,
}

/// Serialises as a `Uint8Array` rather than an array of numbers.
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

#[derive(Serialize)]
#[serde(tag = "eventType", rename_all_fields = "camelCase")]
enum EventRecord<'a> {
    #[serde(rename = "ProviderConnectionAttempted")]
    Attempted {
        event_id: String,
        occurred_at: String,
        user_id: String,
        provider_id: String,
        provider_slug: &'a str,
    },
    #[serde(rename = "ProviderConnectionSucceeded")]
    Succeeded {
        event_id: String,
        occurred_at: String,
        user_id: String,
        connection_id: String,
        provider_id: String,
        provider_slug: &'a str,
    },
    #[serde(rename = "ProviderConnectionFailed")]
    Failed {
        event_id: String,
        occurred_at: String,
        user_id: String,
        provider_id: String,
        provider_slug: &'a str,
        reason: &'a str,
    },
}

/// `{ ok: true, value }` or `{ ok: false, error }`.
#[derive(Serialize)]
#[serde(untagged)]
enum HandleResult<'a> {
    Success { ok: bool, value: String },
    Failure { ok: bool, error: &'a str },
}

/// The shape `Date.prototype.toISOString()` writes: `2026-11-26T15:21:29.123Z`.
pub fn iso(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn connection_to_js(connection: &ProviderConnection) -> Result<JsValue, String> {
    to_js(&ConnectionRecord {
        id: connection.id().to_string(),
        user_id: connection.user_id().to_string(),
        provider_id: connection.provider_id().to_string(),
        provider_slug: connection.provider_slug(),
        status: connection.status().as_str(),
        alias: connection.alias(),
        credentials: connection.credentials().map(credentials_record),
        connected_at: connection.connected_at().map(iso),
        last_sync_at: connection.last_sync_at().map(iso),
        created_at: iso(connection.created_at()),
        updated_at: iso(connection.updated_at()),
    })
}

fn credentials_record(credentials: &ProviderCredentials) -> CredentialsRecord<'_> {
    CredentialsRecord {
        encrypted_data: Bytes(credentials.encrypted_data()),
        credential_type: credentials.credential_type().as_str(),
        expires_at: credentials.expires_at().map(iso),
    }
}

pub fn event_to_js(event: &ProviderConnectionEvent) -> Result<JsValue, String> {
    to_js(&match event {
        ProviderConnectionEvent::Attempted(e) => EventRecord::Attempted {
            event_id: e.event_id.to_string(),
            occurred_at: iso(e.occurred_at),
            user_id: e.user_id.to_string(),
            provider_id: e.provider_id.to_string(),
            provider_slug: &e.provider_slug,
        },
        ProviderConnectionEvent::Succeeded(e) => EventRecord::Succeeded {
            event_id: e.event_id.to_string(),
            occurred_at: iso(e.occurred_at),
            user_id: e.user_id.to_string(),
            connection_id: e.connection_id.to_string(),
            provider_id: e.provider_id.to_string(),
            provider_slug: &e.provider_slug,
        },
        ProviderConnectionEvent::Failed(e) => EventRecord::Failed {
            event_id: e.event_id.to_string(),
            occurred_at: iso(e.occurred_at),
            user_id: e.user_id.to_string(),
            provider_id: e.provider_id.to_string(),
            provider_slug: &e.provider_slug,
            reason: &e.reason,
        },
    })
}

pub fn success_to_js(value: String) -> JsValue {
    result_to_js(&HandleResult::Success { ok: true, value })
}

pub fn failure_to_js(error: &str) -> JsValue {
    result_to_js(&HandleResult::Failure { ok: false, error })
}

/// Plain data always serialises; were it ever not to, the caller still gets a settled promise
/// with the bare message rather than a hang.
fn result_to_js(result: &HandleResult<'_>) -> JsValue {
    to_js(result).unwrap_or_else(JsValue::from)
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, String> {
    value
        .serialize(&JsSerializer::new().serialize_missing_as_null(true))
        .map_err(|error| format!("could not encode for JavaScript: {error}"))
}
