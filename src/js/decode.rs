//! JS command objects into `CommandFields`, then a `ConnectProvider` by the application's rules.
//! Each field is read once, by number, through `fields.js`, which catches: a throwing getter or
//! a Proxy becomes an error naming the field; lengths are checked before anything is copied.

use wasm_bindgen::JsValue;

use super::bindings::{byte_length, copy_bytes, is_plain_object, read_field, read_text};
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

/// What `readText` found in a text field.
enum Text {
    /// The copy, and the caller's own JS string.
    Usable(String, JsValue),
    /// Not a string.
    Other,
    TooLong,
    LoneSurrogate,
    /// The getter or Proxy trap threw.
    Unreadable,
    /// `null` or `undefined`.
    Absent,
}

impl Text {
    fn read(object: &JsValue, field: Field, max_units: u32) -> Self {
        let value = read_text(object, field as u32, max_units);
        if let Some(text) = value.as_string() {
            return Self::Usable(text, value);
        }
        match value.as_f64() {
            Some(-2.0) => Self::TooLong,
            Some(-3.0) => Self::LoneSurrogate,
            Some(-4.0) => Self::Unreadable,
            Some(-5.0) => Self::Absent,
            _ => Self::Other,
        }
    }

    fn usable(self) -> Option<String> {
        match self {
            Self::Usable(text, _) => Some(text),
            _ => None,
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
        provider_slug: text(command, Field::ProviderSlug)?
            .ok_or_else(|| invalid("providerSlug must be a string"))?,
        alias: optional_text(command, Field::Alias)?,
        credentials: read_field(command, Field::Credentials as u32)
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
        encrypted_data: read_field(credentials, Field::EncryptedData as u32)
            .ok()
            .and_then(|data| bytes(&data)),
        credential_type: Text::read(credentials, Field::CredentialType, MAX_SHORT_TEXT_UNITS)
            .usable(),
        expires_at: match Text::read(credentials, Field::ExpiresAt, MAX_SHORT_TEXT_UNITS) {
            Text::Absent => None,
            Text::Usable(text, _) => Some(ExpiresAtField::Text(text)),
            _ => Some(ExpiresAtField::NotText),
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

fn invalid(message: &str) -> InvalidField {
    InvalidField(message.to_owned())
}

fn unreadable(field: Field) -> InvalidField {
    InvalidField(format!("{} could not be read", field.name()))
}

/// `Ok(None)` when the field is not a string (or is absent); an error when it is one that
/// cannot be used.
fn text(object: &JsValue, field: Field) -> Result<Option<String>, InvalidField> {
    usable_text(Text::read(object, field, MAX_TEXT_UNITS as u32), field)
}

fn optional_text(object: &JsValue, field: Field) -> Result<Option<String>, InvalidField> {
    match Text::read(object, field, MAX_TEXT_UNITS as u32) {
        Text::Absent => Ok(None),
        read => usable_text(read, field)?
            .map(Some)
            .ok_or_else(|| InvalidField(format!("{} must be a string or null", field.name()))),
    }
}

fn usable_text(read: Text, field: Field) -> Result<Option<String>, InvalidField> {
    match read {
        Text::Usable(text, value) => {
            remember(&text, &value);
            Ok(Some(text))
        }
        Text::Other | Text::Absent => Ok(None),
        Text::TooLong => Err(too_long(field.name())),
        Text::LoneSurrogate => Err(InvalidField(format!(
            "{} contains a lone UTF-16 surrogate",
            field.name()
        ))),
        Text::Unreadable => Err(unreadable(field)),
    }
}

/// Only a 36-character string can be a hyphenated UUID; anything else is refused uncopied.
fn uuid_text(object: &JsValue, field: Field) -> Result<(String, JsValue), InvalidField> {
    match Text::read(object, field, UUID_UNITS) {
        Text::Usable(text, value) if text.len() == UUID_UNITS as usize => Ok((text, value)),
        Text::Unreadable => Err(unreadable(field)),
        _ => Err(InvalidField(format!(
            "{} must be a UUID string",
            field.name()
        ))),
    }
}
