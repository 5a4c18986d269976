//! Domain values into the contract's plain JS objects, one call each (`records.js`), with every
//! string taken from the recent-strings cache.

use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::bindings::{
    attempted_event, connection_record, failed_event, failure, succeeded_event, success,
};
use super::strings::{js_id as id, js_string, js_time as time};
use crate::domain::{ProviderConnection, ProviderConnectionEvent, Timestamp};

fn optional_time(at: Option<Timestamp>) -> JsValue {
    at.map_or(JsValue::NULL, time)
}

pub fn connection_to_js(connection: &ProviderConnection) -> JsValue {
    let credentials = connection.credentials();
    connection_record(
        &id(connection.id()),
        &id(connection.user_id()),
        &id(connection.provider_id()),
        &js_string(connection.provider_slug()),
        &js_string(connection.status().as_str()),
        &connection.alias().map_or(JsValue::NULL, js_string),
        credentials.map_or(&[], |c| c.encrypted_data()),
        &credentials.map_or(JsValue::UNDEFINED, |c| {
            js_string(c.credential_type().as_str())
        }),
        &optional_time(credentials.and_then(|c| c.expires_at())),
        &optional_time(connection.connected_at()),
        &optional_time(connection.last_sync_at()),
        &time(connection.created_at()),
        &time(connection.updated_at()),
    )
}

pub fn event_to_js(event: &ProviderConnectionEvent) -> JsValue {
    match event {
        ProviderConnectionEvent::Attempted(e) => attempted_event(
            &id(e.event_id),
            &time(e.occurred_at),
            &id(e.user_id),
            &id(e.provider_id),
            &js_string(&e.provider_slug),
        ),
        ProviderConnectionEvent::Succeeded(e) => succeeded_event(
            &id(e.event_id),
            &time(e.occurred_at),
            &id(e.user_id),
            &id(e.connection_id),
            &id(e.provider_id),
            &js_string(&e.provider_slug),
        ),
        ProviderConnectionEvent::Failed(e) => failed_event(
            &id(e.event_id),
            &time(e.occurred_at),
            &id(e.user_id),
            &id(e.provider_id),
            &js_string(&e.provider_slug),
            &js_string(&e.reason),
        ),
    }
}

pub fn success_to_js(connection_id: Uuid) -> JsValue {
    success(&id(connection_id))
}

pub fn failure_to_js(error: &str) -> JsValue {
    failure(&js_string(error))
}
