//! The ConnectProvider command read from the caller's object, its credentials included.

use wasm_bindgen::JsValue;

use super::field::{bytes, object, unreadable, uuid_text, Field, Text};
use crate::application::{
    CommandFields, ConnectProvider, CredentialFields, ExpiresAtField, InvalidField, MAX_TEXT_UNITS,
};
use crate::domain::{MAX_ALIAS_CHARS, MAX_PROVIDER_SLUG_CHARS};
use crate::js::raw::is_plain_object;

/// The longest credential type name and timestamp worth reading (`credentialExpiry` reads its
/// timestamps within it too).
pub const MAX_SHORT_TEXT_UNITS: u32 = 64;

/// A ConnectProvider command, and the caller's whole slug when it was too long to copy (the
/// command holds its first code points).
pub struct ConnectInput {
    pub command: ConnectProvider,
    pub whole_slug: Option<JsValue>,
}

pub fn connect_provider_command(command: &JsValue) -> Result<ConnectInput, InvalidField> {
    let command = object(command)?;
    let user_id = uuid_text(command, Field::UserId)?;
    let provider_id = uuid_text(command, Field::ProviderId)?;
    let (provider_slug, whole_slug) =
        Text::read(command, Field::ProviderSlug, MAX_TEXT_UNITS as u32)
            .into_text(Field::ProviderSlug, MAX_PROVIDER_SLUG_CHARS as u32)?
            .ok_or_else(|| invalid("providerSlug must be a string"))?;
    let command = CommandFields {
        user_id,
        provider_id,
        provider_slug,
        alias: optional_text(command, Field::Alias, MAX_ALIAS_CHARS as u32)?,
        // Read before the credentials, so that its refusal has no secret to drop.
        connection_id: optional_id(command)?,
        credentials: Field::Credentials
            .read(command)
            .and_then(|credentials| credential_fields(&credentials)),
    }
    .into_command()?;
    Ok(ConnectInput {
        command,
        whole_slug,
    })
}

/// `connectionId`: absent (`null` or `undefined`), or a UUID string of the caller's making.
fn optional_id(command: &JsValue) -> Result<Option<String>, InvalidField> {
    match Text::read(command, Field::ConnectionId, 36) {
        Text::Absent => Ok(None),
        Text::Usable(text) => Ok(Some(text)),
        Text::Unreadable => Err(unreadable(Field::ConnectionId)),
        _ => Err(invalid("connectionId must be a UUID string")),
    }
}

/// Credentials as ConnectProvider and RefreshProviderTokens take them; `None` when absent or
/// not an object.
pub fn credential_fields(credentials: &JsValue) -> Option<CredentialFields> {
    if !is_plain_object(credentials) {
        return None;
    }
    Some(CredentialFields {
        encrypted_data: Field::EncryptedData
            .read(credentials)
            .and_then(|data| bytes(&data)),
        credential_type: match Text::read(credentials, Field::CredentialType, MAX_SHORT_TEXT_UNITS) {
            Text::Usable(text) => Some(text),
            _ => None,
        },
        expires_at: match Text::read_instant(credentials, Field::ExpiresAt, MAX_SHORT_TEXT_UNITS) {
            Text::Absent => None,
            Text::Usable(text) => Some(ExpiresAtField::Text(text)),
            _ => Some(ExpiresAtField::NotText),
        },
    })
}

fn invalid(message: &str) -> InvalidField {
    InvalidField(message.to_owned())
}

fn optional_text(
    object: &JsValue,
    field: Field,
    max_chars: u32,
) -> Result<Option<String>, InvalidField> {
    match Text::read(object, field, MAX_TEXT_UNITS as u32) {
        Text::Absent => Ok(None),
        read => read
            .into_text(field, max_chars)?
            .map(|(text, _)| Some(text))
            .ok_or_else(|| InvalidField(format!("{} must be a string or null", field.name()))),
    }
}
