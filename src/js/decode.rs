//! JS command objects into `CommandFields`, then a `ConnectProvider` by the application's rules.
//! Each field is read once through a `catch`ing `Reflect.get`, so a throwing getter or a Proxy
//! becomes an error naming the field; lengths are checked before anything is copied into wasm.

use js_sys::{ArrayBuffer, JsString, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use super::bindings::{is_array, ByteCopy, Text};
use super::strings::remember;
use crate::application::{
    too_long, CommandFields, ConnectProvider, CredentialBytes, CredentialFields, ExpiresAtField,
    InvalidField, MAX_ENCRYPTED_DATA_BYTES, MAX_TEXT_UNITS,
};

/// The longest credential type name and timestamp worth reading.
const MAX_SHORT_TEXT_UNITS: u32 = 64;

pub fn command_from_js(command: &JsValue) -> Result<ConnectProvider, InvalidField> {
    if !is_plain_object(command) {
        return Err(invalid("command must be an object"));
    }
    CommandFields {
        user_id: uuid_text(command, "userId")?,
        provider_id: uuid_text(command, "providerId")?,
        provider_slug: text(command, "providerSlug")?
            .ok_or_else(|| invalid("providerSlug must be a string"))?,
        alias: optional_text(command, "alias")?,
        credentials: field(command, "credentials")
            .ok()
            .and_then(|credentials| credential_fields(&credentials)),
    }
    .into_command()
}

fn credential_fields(credentials: &JsValue) -> Option<CredentialFields> {
    if !is_plain_object(credentials) {
        return None;
    }
    Some(CredentialFields {
        encrypted_data: field(credentials, "encryptedData")
            .ok()
            .and_then(|data| bytes(&data)),
        credential_type: field(credentials, "credentialType")
            .ok()
            .and_then(|kind| short_text(&kind)),
        expires_at: match field(credentials, "expiresAt") {
            Ok(absent) if absent.is_null() || absent.is_undefined() => None,
            Ok(value) => {
                Some(short_text(&value).map_or(ExpiresAtField::NotText, ExpiresAtField::Text))
            }
            Err(_) => Some(ExpiresAtField::NotText),
        },
    })
}

/// A copy of a `Uint8Array`'s bytes, unless it is over the size limit. `isView` turns away a
/// Proxy; the copy is made through internal slots, so a subclass's lying getters do not count.
fn bytes(value: &JsValue) -> Option<CredentialBytes> {
    if !ArrayBuffer::is_view(value) || !value.has_type::<Uint8Array>() {
        return None;
    }
    let copy = ByteCopy::new(value).ok()?;
    (copy.length() as usize <= MAX_ENCRYPTED_DATA_BYTES).then(|| CredentialBytes(copy.to_vec()))
}

fn is_plain_object(value: &JsValue) -> bool {
    value.is_object() && is_array(value) == Ok(false)
}

fn invalid(message: &str) -> InvalidField {
    InvalidField(message.to_owned())
}

fn field(object: &JsValue, name: &str) -> Result<JsValue, InvalidField> {
    Reflect::get(object, &JsValue::from_str(name))
        .map_err(|_| InvalidField(format!("{name} could not be read")))
}

/// `Ok(None)` when the field is not a string; an error when it is one that cannot be used.
fn text(object: &JsValue, name: &str) -> Result<Option<String>, InvalidField> {
    let value = field(object, name)?;
    let Some(text) = value.dyn_ref::<JsString>() else {
        return Ok(None);
    };
    if text.length() as usize > MAX_TEXT_UNITS {
        return Err(too_long(name));
    }
    if !well_formed(text) {
        return Err(InvalidField(format!(
            "{name} contains a lone UTF-16 surrogate"
        )));
    }
    Ok(text.as_string().inspect(|copy| remember(copy, &value)))
}

fn optional_text(object: &JsValue, name: &str) -> Result<Option<String>, InvalidField> {
    let value = field(object, name)?;
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    text(object, name)?
        .map(Some)
        .ok_or_else(|| InvalidField(format!("{name} must be a string or null")))
}

/// Only a 36-character string can be a hyphenated UUID; anything else is refused uncopied.
fn uuid_text(object: &JsValue, name: &str) -> Result<String, InvalidField> {
    let value = field(object, name)?;
    value
        .dyn_ref::<JsString>()
        .filter(|text| text.length() == 36)
        .and_then(|text| text.as_string())
        .inspect(|copy| remember(copy, &value))
        .ok_or_else(|| InvalidField(format!("{name} must be a UUID string")))
}

fn short_text(value: &JsValue) -> Option<String> {
    value
        .dyn_ref::<JsString>()
        .filter(|text| text.length() <= MAX_SHORT_TEXT_UNITS && well_formed(text))
        .and_then(|text| text.as_string())
}

/// One call to `isWellFormed` where the runtime has it, else a scan for lone surrogates.
fn well_formed(text: &JsString) -> bool {
    text.unchecked_ref::<Text>()
        .is_well_formed()
        .unwrap_or_else(|_| text.is_valid_utf16())
}
