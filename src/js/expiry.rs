//! The domain's expiry rules, exported so a UI flags credentials exactly as the domain judges them.

use wasm_bindgen::prelude::*;

use chrono::{DateTime, Utc};

use crate::application::Clock;
use crate::domain::instant::parse_rfc3339;
use crate::domain::{CredentialExpiry, DEFAULT_EXPIRY_THRESHOLD};
use crate::js::bridge_error::{BridgeError, Setup};
use crate::js::ports::JsClock;

/// `"never"`, `"valid"`, `"expiring_soon"` (within five minutes) or `"expired"`, for an
/// `expiresAt` as the handler takes it, judged at `now` (the current time when absent).
#[wasm_bindgen(js_name = credentialExpiry, unchecked_return_type = "CredentialExpiry")]
pub fn credential_expiry(
    #[wasm_bindgen(js_name = expiresAt, unchecked_param_type = "string | null")]
    expires_at: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] now: Option<String>,
) -> Result<String, JsValue> {
    let expires_at = match expires_at.as_string() {
        Some(text) => Some(timestamp(&text, "expiresAt")?),
        None if expires_at.is_null() || expires_at.is_undefined() => None,
        None => return Err(type_error("expiresAt")),
    };
    let now = match now {
        Some(text) => timestamp(&text, "now")?,
        None => JsClock.now(),
    };
    Ok(
        CredentialExpiry::of(expires_at, now, DEFAULT_EXPIRY_THRESHOLD)
            .as_str()
            .to_owned(),
    )
}

fn timestamp(text: &str, name: &'static str) -> Result<DateTime<Utc>, JsValue> {
    parse_rfc3339(text).ok_or_else(|| type_error(name))
}

fn type_error(name: &'static str) -> JsValue {
    BridgeError::setup("credentialExpiry", Setup::Timestamp(name))
}
