//! JS command objects into `CommandFields`, then a `ConnectProvider` by the application's rules.
//! Each field is read once through a `catch`ing read (`fields.js`), so a throwing getter or a
//! Proxy becomes an error naming the field; lengths are checked before anything is copied.

use wasm_bindgen::JsValue;

use super::bindings::{byte_length, copy_bytes, is_array, measure_text, read_field};
use super::strings::{remember, remember_id};
use crate::application::{
    too_long, CommandFields, ConnectProvider, CredentialBytes, CredentialFields, ExpiresAtField,
    InvalidField, MAX_ENCRYPTED_DATA_BYTES, MAX_TEXT_UNITS,
};

/// The longest credential type name and timestamp worth reading.
const MAX_SHORT_TEXT_UNITS: u32 = 64;
const UUID_UNITS: u32 = 36;

/// The fields `fields.js` reads, by their number there.
#[derive(Clone, Copy)]
enum Field {
    UserId,
    ProviderId,
    ProviderSlug,
    Alias,
    Credentials,
    EncryptedData,
    CredentialType,
    ExpiresAt,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Self::UserId => "userId",
            Self::ProviderId => "providerId",
            Self::ProviderSlug => "providerSlug",
            Self::Alias => "alias",
            Self::Credentials => "credentials",
            Self::EncryptedData => "encryptedData",
            Self::CredentialType => "credentialType",
            Self::ExpiresAt => "expiresAt",
        }
    }
}

pub fn command_from_js(command: &JsValue) -> Result<ConnectProvider, InvalidField> {
    if !is_plain_object(command) {
        return Err(invalid("command must be an object"));
    }
    let (user_id, user_id_value) = uuid_text(command, Field::UserId)?;
    let (provider_id, provider_id_value) = uuid_text(command, Field::ProviderId)?;
    let canonical = |text: &str| !text.bytes().any(|byte| byte.is_ascii_uppercase());
    let echo = [
        canonical(&user_id).then_some(user_id_value),
        canonical(&provider_id).then_some(provider_id_value),
    ];
    let command = CommandFields {
        user_id,
        provider_id,
        provider_slug: text(&read(command, Field::ProviderSlug)?, Field::ProviderSlug)?
            .ok_or_else(|| invalid("providerSlug must be a string"))?,
        alias: optional_text(command, Field::Alias)?,
        credentials: read(command, Field::Credentials)
            .ok()
            .and_then(|credentials| credential_fields(&credentials)),
    }
    .into_command()?;
    // The caller's own id strings go back out in the record and events, when already canonical.
    let [user_id_value, provider_id_value] = echo;
    user_id_value.inspect(|value| remember_id(command.user_id, value));
    provider_id_value.inspect(|value| remember_id(command.provider_id, value));
    Ok(command)
}

fn credential_fields(credentials: &JsValue) -> Option<CredentialFields> {
    if !is_plain_object(credentials) {
        return None;
    }
    Some(CredentialFields {
        encrypted_data: read(credentials, Field::EncryptedData)
            .ok()
            .and_then(|data| bytes(&data)),
        credential_type: read(credentials, Field::CredentialType)
            .ok()
            .and_then(|kind| short_text(&kind)),
        expires_at: match read(credentials, Field::ExpiresAt) {
            Ok(absent) if absent.is_null() || absent.is_undefined() => None,
            Ok(value) => {
                Some(short_text(&value).map_or(ExpiresAtField::NotText, ExpiresAtField::Text))
            }
            Err(_) => Some(ExpiresAtField::NotText),
        },
    })
}

/// A copy of a `Uint8Array`'s bytes, unless it is over the size limit; its type and length come
/// from internal slots, so neither a Proxy nor a subclass's getters can lie about them.
fn bytes(value: &JsValue) -> Option<CredentialBytes> {
    let length = byte_length(value);
    if !(0.0..=MAX_ENCRYPTED_DATA_BYTES as f64).contains(&length) {
        return None;
    }
    let mut copy = CredentialBytes(vec![0; length as usize]);
    copy_bytes(value, &mut copy.0).ok()?;
    Some(copy)
}

fn is_plain_object(value: &JsValue) -> bool {
    value.is_object() && is_array(value) == Ok(false)
}

fn invalid(message: &str) -> InvalidField {
    InvalidField(message.to_owned())
}

fn read(object: &JsValue, field: Field) -> Result<JsValue, InvalidField> {
    read_field(object, field as u32)
        .map_err(|_| InvalidField(format!("{} could not be read", field.name())))
}

/// `Ok(None)` when the value is not a string; an error when it is one that cannot be used.
fn text(value: &JsValue, field: Field) -> Result<Option<String>, InvalidField> {
    match measure_text(value, MAX_TEXT_UNITS as u32) {
        -1 => Ok(None),
        -2 => Err(too_long(field.name())),
        -3 => Err(InvalidField(format!(
            "{} contains a lone UTF-16 surrogate",
            field.name()
        ))),
        _ => Ok(value.as_string().inspect(|copy| remember(copy, value))),
    }
}

fn optional_text(object: &JsValue, field: Field) -> Result<Option<String>, InvalidField> {
    let value = read(object, field)?;
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    text(&value, field)?
        .map(Some)
        .ok_or_else(|| InvalidField(format!("{} must be a string or null", field.name())))
}

/// Only a 36-character string can be a hyphenated UUID; anything else is refused uncopied.
fn uuid_text(object: &JsValue, field: Field) -> Result<(String, JsValue), InvalidField> {
    let value = read(object, field)?;
    Some(measure_text(&value, UUID_UNITS))
        .filter(|&units| units == UUID_UNITS as i32)
        .and_then(|_| value.as_string())
        .map(|text| (text, value))
        .ok_or_else(|| InvalidField(format!("{} must be a UUID string", field.name())))
}

fn short_text(value: &JsValue) -> Option<String> {
    (measure_text(value, MAX_SHORT_TEXT_UNITS) >= 0)
        .then(|| value.as_string())
        .flatten()
}
