//! The domain's expiry rules, exported so a UI flags credentials exactly as the domain judges them.

use js_sys::JsString;
use wasm_bindgen::prelude::*;

use chrono::{DateTime, Utc};

use crate::application::Clock;
use crate::domain::instant::parse_rfc3339;
use crate::domain::{CredentialExpiry, DEFAULT_EXPIRY_THRESHOLD};
use crate::js::bridge_error::{BridgeError, Setup};
use crate::js::decode::MAX_SHORT_TEXT_UNITS;
use crate::js::ports::JsClock;

/// `"never"`, `"valid"`, `"expiring_soon"` (within five minutes) or `"expired"`, for an
/// `expiresAt` as the handler takes it, judged at `now` (the current time when absent).
#[wasm_bindgen(js_name = credentialExpiry, unchecked_return_type = "CredentialExpiry")]
pub fn credential_expiry(
    #[wasm_bindgen(js_name = expiresAt, unchecked_param_type = "string | null")]
    expires_at: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] now: JsValue,
) -> Result<String, JsValue> {
    let expires_at = if expires_at.is_null() || expires_at.is_undefined() {
        None
    } else {
        Some(timestamp(&expires_at, "expiresAt")?)
    };
    let now = if now.is_undefined() {
        JsClock.now()
    } else {
        timestamp(&now, "now")?
    };
    Ok(
        CredentialExpiry::of(expires_at, now, DEFAULT_EXPIRY_THRESHOLD)
            .as_str()
            .to_owned(),
    )
}

/// A string of at most `MAX_SHORT_TEXT_UNITS`, as a command's `expiresAt`, that reads as an RFC
/// 3339 instant; a longer one is refused without being copied into wasm.
fn timestamp(value: &JsValue, name: &'static str) -> Result<DateTime<Utc>, JsValue> {
    value
        .dyn_ref::<JsString>()
        .filter(|text| text.length() <= MAX_SHORT_TEXT_UNITS)
        .and_then(|text| text.as_string())
        .and_then(|text| parse_rfc3339(&text))
        .ok_or_else(|| type_error(name))
}

fn type_error(name: &'static str) -> JsValue {
    BridgeError::setup("credentialExpiry", Setup::Timestamp(name))
}
