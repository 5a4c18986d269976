use wasm_bindgen::JsValue;

use super::field::{invalid, Field, Fields};
use crate::application::{
    CommandFields, ConnectProvider, CredentialFields, ExpiresAtField, InvalidField,
};
use crate::domain::{MAX_ALIAS_CHARS, MAX_PROVIDER_SLUG_CHARS};
use crate::js::pack::Loose;

/// A ConnectProvider command, and the caller's whole slug when it was too long to copy (the
/// command holds its first code points).
pub struct ConnectInput {
    pub command: ConnectProvider,
    pub whole_slug: Option<JsValue>,
}

pub fn connect_provider_command(command: &JsValue) -> Result<ConnectInput, InvalidField> {
    let fields = Fields::of(command)?;
    let user_id = fields.uuid_text(Field::UserId)?;
    let provider_id = fields.uuid_text(Field::ProviderId)?;
    let (provider_slug, whole_slug) = fields
        .text(Field::ProviderSlug, MAX_PROVIDER_SLUG_CHARS as u32)?
        .ok_or_else(|| invalid("providerSlug must be a string"))?;
    let command = CommandFields {
        user_id,
        provider_id,
        provider_slug,
        alias: optional_alias(&fields)?,
        // Read before the credentials, so that its refusal has no secret to drop.
        connection_id: optional_id(&fields)?,
        credentials: credential_fields(&fields),
    }
    .into_command()?;
    Ok(ConnectInput {
        command,
        whole_slug,
    })
}

/// `alias`: absent (`null` or `undefined`), or a string.
fn optional_alias(fields: &Fields) -> Result<Option<String>, InvalidField> {
    match fields.get(Field::Alias) {
        Loose::Absent => Ok(None),
        _ => fields
            .text(Field::Alias, MAX_ALIAS_CHARS as u32)?
            .map(|(alias, _)| Some(alias))
            .ok_or_else(|| invalid("alias must be a string or null")),
    }
}

/// `connectionId`: absent (`null` or `undefined`), or a UUID string of the caller's making.
fn optional_id(fields: &Fields) -> Result<Option<String>, InvalidField> {
    match fields.get(Field::ConnectionId) {
        Loose::Absent => Ok(None),
        _ => fields.uuid_text(Field::ConnectionId).map(Some),
    }
}

/// Credentials as ConnectProvider and RefreshProviderTokens take them; `None` when absent or
/// not an object.
pub fn credential_fields(fields: &Fields) -> Option<CredentialFields> {
    let Loose::Object(_) = fields.get(Field::Credentials) else {
        return None;
    };
    Some(CredentialFields {
        encrypted_data: fields.bytes(Field::EncryptedData),
        credential_type: fields.plain_text(Field::CredentialType),
        expires_at: match fields.get(Field::ExpiresAt) {
            Loose::Absent => None,
            Loose::Text(text) => Some(ExpiresAtField::Text(text.clone())),
            _ => Some(ExpiresAtField::NotText),
        },
    })
}
