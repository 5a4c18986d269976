//! Reading one field of a command object.

use js_sys::{Array, JsString};
use wasm_bindgen::{JsCast, JsValue};

use crate::application::{CredentialBytes, InvalidField, MAX_ENCRYPTED_DATA_BYTES};
use crate::js::raw::{byte_length, copy_bytes, is_plain_object, read_field, read_text};
use crate::js::seam::Tag;

named_enum! {
    /// The fields commands have, each with its JS key made once per instance (no key string is
    /// decoded per read).
    pub enum Field {
        UserId = "userId",
        ProviderId = "providerId",
        ProviderSlug = "providerSlug",
        Alias = "alias",
        Credentials = "credentials",
        EncryptedData = "encryptedData",
        CredentialType = "credentialType",
        ExpiresAt = "expiresAt",
        ConnectionId = "connectionId",
        ActiveOnly = "activeOnly",
        WithinMinutes = "withinMinutes",
        ExpectedVersion = "expectedVersion",
    }
}

impl Field {
    /// `f` with this field's JS key, made once per instance.
    fn with_key<T>(self, f: impl FnOnce(&JsValue) -> T) -> T {
        thread_local! {
            static KEYS: Vec<JsValue> = Field::TEXTS.iter().map(|name| JsValue::from_str(name)).collect();
        }
        KEYS.with(|keys| f(&keys[self as usize]))
    }

    /// The value, `None` when it is `null` or `undefined`; refused when the getter threw.
    pub fn present(self, object: &JsValue) -> Result<Option<JsValue>, InvalidField> {
        let value = self.read(object).ok_or_else(|| unreadable(self))?;
        Ok((!value.is_undefined() && !value.is_null()).then_some(value))
    }

    /// The raw value; `None` when the getter or Proxy trap threw.
    pub fn read(self, object: &JsValue) -> Option<JsValue> {
        self.with_key(|key| read_field(object, key).ok())
    }
}

/// What a text field held.
pub enum Text {
    Usable(String),
    /// Not a string.
    Other,
    /// Longer than asked for: the caller's string, not copied.
    TooLong(JsValue),
    LoneSurrogate,
    /// The getter or Proxy trap threw.
    Unreadable,
    /// `null` or `undefined`.
    Absent,
}

impl Text {
    /// Reads `field`, copying it only when it is a string of at most `max_units` UTF-16 units.
    pub fn read(object: &JsValue, field: Field, max_units: u32) -> Self {
        Self::of(field.with_key(|key| read_text(object, key, max_units, false)))
    }

    /// Reads a timestamp `field` as `read` does, a `Date` as its instant (`toISOString`'s text).
    pub fn read_instant(object: &JsValue, field: Field, max_units: u32) -> Self {
        Self::of(field.with_key(|key| read_text(object, key, max_units, true)))
    }

    fn of(value: JsValue) -> Self {
        if let Some(text) = value.as_string() {
            return Self::Usable(text);
        }
        if value.is_object() {
            return Self::TooLong(value.unchecked_ref::<Array>().get(0));
        }
        match Tag::answered(&value) {
            Tag::LoneSurrogate => Self::LoneSurrogate,
            Tag::Unreadable => Self::Unreadable,
            Tag::Absent => Self::Absent,
            _ => Self::Other,
        }
    }

    /// `Ok(None)` when it is not a string (or is absent); an error when it is one that cannot
    /// be used. A string too long to copy stands in as its first code points, more than
    /// `max_chars`, so the domain refuses it by its own rule (whatever its length); the caller's
    /// whole string comes with it, for the events (`ports::WholeText`).
    pub fn into_text(
        self,
        field: Field,
        max_chars: u32,
    ) -> Result<Option<(String, Option<JsValue>)>, InvalidField> {
        match self {
            Self::Usable(text) => Ok(Some((text, None))),
            Self::TooLong(value) => {
                let prefix = value
                    .unchecked_ref::<JsString>()
                    .slice(0, 2 * (max_chars + 1))
                    .as_string()
                    .unwrap_or_default();
                Ok(Some((prefix, Some(value))))
            }
            Self::Other | Self::Absent => Ok(None),
            Self::LoneSurrogate => Err(InvalidField(format!(
                "{} contains a lone UTF-16 surrogate",
                field.name()
            ))),
            Self::Unreadable => Err(unreadable(field)),
        }
    }
}

/// The command itself, when it is a plain object.
pub fn object(command: &JsValue) -> Result<&JsValue, InvalidField> {
    if is_plain_object(command) {
        Ok(command)
    } else {
        Err(InvalidField("command must be an object".to_owned()))
    }
}

pub fn unreadable(field: Field) -> InvalidField {
    InvalidField(format!("{} could not be read", field.name()))
}

/// A copy of a `Uint8Array`'s bytes, unless it is over the size limit; its type and length come
/// from internal slots, so neither a Proxy nor a subclass's getters can lie about them.
pub fn bytes(value: &JsValue) -> Option<CredentialBytes> {
    let length = byte_length(value)?;
    if length > MAX_ENCRYPTED_DATA_BYTES as f64 {
        return None;
    }
    let mut copy = CredentialBytes(vec![0; length as usize]);
    copy_bytes(value, &mut copy.0).ok()?;
    Some(copy)
}

/// Only a 36-character string can be a hyphenated UUID; anything else is refused uncopied.
pub fn uuid_text(object: &JsValue, field: Field) -> Result<String, InvalidField> {
    match Text::read(object, field, 36) {
        Text::Usable(text) => Ok(text),
        Text::Unreadable => Err(unreadable(field)),
        _ => Err(InvalidField(format!("{} must be a UUID string", field.name()))),
    }
}

pub fn uuid_field(object: &JsValue, field: Field) -> Result<uuid::Uuid, InvalidField> {
    let text = uuid_text(object, field)?;
    crate::application::uuid_field(field.name(), &text)
}
