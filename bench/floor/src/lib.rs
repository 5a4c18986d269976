//! The floor row: one ConnectProvider command read through serde-wasm-bindgen, and its record and
//! two events written back through it, with no validation, clock, ids or runtime in between.
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Command {
    user_id: String,
    provider_id: String,
    provider_slug: String,
    alias: Option<String>,
    credentials: Credentials,
}

#[derive(Deserialize, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Credentials {
    #[serde(with = "serde_bytes")]
    encrypted_data: Vec<u8>,
    credential_type: String,
    expires_at: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record<'a> {
    id: &'a str,
    user_id: &'a str,
    provider_id: &'a str,
    provider_slug: &'a str,
    status: &'a str,
    alias: Option<&'a str>,
    credentials: &'a Credentials,
    connected_at: &'a str,
    last_sync_at: Option<&'a str>,
    created_at: &'a str,
    updated_at: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Event<'a> {
    event_type: &'a str,
    event_id: &'a str,
    occurred_at: &'a str,
    user_id: &'a str,
    provider_id: &'a str,
    provider_slug: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    connection_id: Option<&'a str>,
}

const ID: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000001";
const EVENT_IDS: [&str; 2] = [
    "0190f5b2-3c4d-7e8f-9a0b-000000000002",
    "0190f5b2-3c4d-7e8f-9a0b-000000000003",
];
const NOW: &str = "2026-12-01T12:00:00.000Z";

/// Reads `command`, pushes its record and its Attempted and Succeeded events onto `out`; answers
/// how many it pushed (0 for a command it could not read). Returns a number, as the package's
/// exports do.
#[wasm_bindgen]
pub fn convert(command: JsValue, out: &js_sys::Array) -> u32 {
    let Ok(command) = serde_wasm_bindgen::from_value::<Command>(command) else {
        return 0;
    };
    let event = |event_type, event_id, connection_id| Event {
        event_type,
        event_id,
        occurred_at: NOW,
        user_id: &command.user_id,
        provider_id: &command.provider_id,
        provider_slug: &command.provider_slug,
        connection_id,
    };
    let record = Record {
        id: ID,
        user_id: &command.user_id,
        provider_id: &command.provider_id,
        provider_slug: &command.provider_slug,
        status: "active",
        alias: command.alias.as_deref(),
        credentials: &command.credentials,
        connected_at: NOW,
        last_sync_at: None,
        created_at: NOW,
        updated_at: NOW,
    };
    let values = [
        serde_wasm_bindgen::to_value(&event("ProviderConnectionAttempted", EVENT_IDS[0], None)),
        serde_wasm_bindgen::to_value(&record),
        serde_wasm_bindgen::to_value(&event(
            "ProviderConnectionSucceeded",
            EVENT_IDS[1],
            Some(ID),
        )),
    ];
    let mut pushed = 0;
    for value in values.into_iter().flatten() {
        out.push(&value);
        pushed += 1;
    }
    pushed
}
