//! JS command objects into `ConnectProvider`, reading each field once through a `catch`ing
//! `Reflect.get` so that a throwing getter or Proxy becomes an error naming the field.

use chrono::{DateTime, SubsecRound, Utc};
use js_sys::{Array, JsString, Reflect, Uint8Array};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};

use crate::application::ConnectProvider;
use crate::domain::{CredentialType, ProviderCredentials};

/// Why a command is not a command; the handler prefixes it with "Invalid command: ".
pub type FieldError = String;

pub fn command_from_js(command: &JsValue) -> Result<ConnectProvider, FieldError> {
    if !is_plain_object(command) {
        return Err("command must be an object".to_owned());
    }
    Ok(ConnectProvider {
        user_id: uuid_field(command, "userId")?,
        provider_id: uuid_field(command, "providerId")?,
        provider_slug: string_field(command, "providerSlug")?,
        alias: optional_string_field(command, "alias")?,
        credentials: field(command, "credentials")
            .ok()
            .and_then(|credentials| credentials_from_js(&credentials)),
    })
}

/// Missing and malformed credentials get the same answer, "Invalid or missing credentials",
/// from the handler, after the Attempted event.
fn credentials_from_js(credentials: &JsValue) -> Option<ProviderCredentials> {
    if !is_plain_object(credentials) {
        return None;
    }
    let encrypted_data = field(credentials, "encryptedData")
        .ok()?
        .dyn_into::<Uint8Array>()
        .ok()?
        .to_vec();
    let credential_type = field(credentials, "credentialType")
        .ok()?
        .as_string()?
        .parse::<CredentialType>()
        .ok()?;
    let expires_at = match field(credentials, "expiresAt").ok()? {
        absent if absent.is_null() || absent.is_undefined() => None,
        text => Some(parse_timestamp(&text.as_string()?)?),
    };
    ProviderCredentials::new(encrypted_data, credential_type, expires_at).ok()
}

/// RFC 3339 with an offset, kept at the millisecond precision of a JS `Date`.
fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|time| time.with_timezone(&Utc).trunc_subsecs(3))
}

fn is_plain_object(value: &JsValue) -> bool {
    value.is_object() && !Array::is_array(value)
}

fn field(object: &JsValue, name: &str) -> Result<JsValue, FieldError> {
    Reflect::get(object, &JsValue::from_str(name)).map_err(|_| format!("{name} could not be read"))
}

fn string_field(object: &JsValue, name: &str) -> Result<String, FieldError> {
    well_formed_string(&field(object, name)?).ok_or_else(|| format!("{name} must be a string"))
}

fn optional_string_field(object: &JsValue, name: &str) -> Result<Option<String>, FieldError> {
    let value = field(object, name)?;
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    well_formed_string(&value)
        .map(Some)
        .ok_or_else(|| format!("{name} must be a string or null"))
}

/// Hyphenated form only: the form every id leaves this module in.
fn uuid_field(object: &JsValue, name: &str) -> Result<Uuid, FieldError> {
    well_formed_string(&field(object, name)?)
        .filter(|text| text.len() == 36)
        .and_then(|text| Uuid::parse_str(&text).ok())
        .ok_or_else(|| format!("{name} must be a UUID string"))
}

/// A string without lone surrogates, which would otherwise be silently replaced by U+FFFD.
fn well_formed_string(value: &JsValue) -> Option<String> {
    let text = value.dyn_ref::<JsString>()?;
    if text.is_valid_utf16() {
        text.as_string()
    } else {
        None
    }
}
