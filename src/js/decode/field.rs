//! A command's fields, as its pack brings them (`Loose` values), in the contract's words.

use js_sys::JsString;
use wasm_bindgen::{JsCast, JsValue};

use crate::application::{CredentialBytes, InvalidField};
use crate::js::pack::{command_from_caller, Loose};
use crate::js::raw::long_text;
use crate::js::seam::Tag;

/// `pub enum Field { … }`: every field a command's pack holds, in its order.
macro_rules! fields {
    ($($field:ident = $name:literal,)* | $($credential:ident = $credential_name:literal,)*) => {
        #[derive(Clone, Copy)]
        pub enum Field { $($field,)* $($credential,)* }

        impl Field {
            const LIST: &[&str] = &[$($name,)* $($credential_name,)*];
            /// For `seam.js`: a command's names, then `|` and its credentials' names.
            pub const NAMES: &str = concat!(
                $($name, " ",)* "|", $(" ", $credential_name,)*
            );

            pub fn name(self) -> &'static str {
                Self::LIST[self as usize]
            }
        }
    };
}

fields! {
    UserId = "userId",
    ProviderId = "providerId",
    ProviderSlug = "providerSlug",
    Alias = "alias",
    ConnectionId = "connectionId",
    Credentials = "credentials",
    ActiveOnly = "activeOnly",
    WithinMinutes = "withinMinutes",
    ExpectedVersion = "expectedVersion",
    |
    EncryptedData = "encryptedData",
    CredentialType = "credentialType",
    ExpiresAt = "expiresAt",
}

/// A command's fields' values.
pub struct Fields(Vec<Loose>);

impl Fields {
    /// The caller's command; anything but an object (an array is not one) "must be an object".
    pub fn of(command: &JsValue) -> Result<Fields, InvalidField> {
        match command_from_caller(command) {
            Ok(Loose::Object(values)) => Ok(Fields(values)),
            Ok(_) | Err(_) => Err(invalid("command must be an object")),
        }
    }

    pub fn get(&self, field: Field) -> &Loose {
        self.0.get(field as usize).unwrap_or(&Loose::Absent)
    }

    /// Only a 36-character string can be a hyphenated UUID.
    pub fn uuid_text(&self, field: Field) -> Result<String, InvalidField> {
        match self.get(field) {
            Loose::Text(text) => Ok(text.clone()),
            other => Err(wrong(other, field, "must be a UUID string")),
        }
    }

    pub fn uuid(&self, field: Field) -> Result<uuid::Uuid, InvalidField> {
        crate::application::uuid_field(field.name(), &self.uuid_text(field)?)
    }

    /// A text field for the domain's rules; `Ok(None)` when it is not a string. A string too
    /// long to copy stands in as its first code points, more than `max_chars`, so the domain
    /// refuses it by its own rule (whatever its length); the caller's whole string comes with
    /// it, for the events (`ports::WholeText`).
    pub fn text(
        &self,
        field: Field,
        max_chars: u32,
    ) -> Result<Option<(String, Option<JsValue>)>, InvalidField> {
        match self.get(field) {
            Loose::Text(text) => Ok(Some((text.clone(), None))),
            Loose::Long(number) => {
                let whole = long_text(*number);
                let prefix = whole.unchecked_ref::<JsString>().slice(0, 2 * (max_chars + 1));
                Ok(Some((prefix.as_string().unwrap_or_default(), Some(whole))))
            }
            Loose::Refused(Tag::LoneSurrogate) => Err(InvalidField(format!(
                "{} contains a lone UTF-16 surrogate",
                field.name()
            ))),
            unreadable @ Loose::Refused(Tag::Unreadable) => Err(wrong(unreadable, field, "")),
            _ => Ok(None),
        }
    }

    /// A text that is usable as it is or not at all (a credential's type).
    pub fn plain_text(&self, field: Field) -> Option<String> {
        match self.get(field) {
            Loose::Text(text) => Some(text.clone()),
            _ => None,
        }
    }

    /// A copy of a `Uint8Array`'s bytes (one over the size limit never came: `seam.js` refused
    /// it).
    pub fn bytes(&self, field: Field) -> Option<CredentialBytes> {
        match self.get(field) {
            Loose::Bytes(bytes) => Some(CredentialBytes(bytes.to_vec())),
            _ => None,
        }
    }

    /// A whole number from `min` to `max`, `None` when absent.
    pub fn whole_number(&self, field: Field, min: u64, max: u64) -> Result<Option<u64>, InvalidField> {
        match self.get(field) {
            Loose::Absent => Ok(None),
            Loose::Number(number)
                if number.fract() == 0.0 && (min as f64..=max as f64).contains(number) =>
            {
                Ok(Some(*number as u64))
            }
            other => Err(wrong(other, field, &format!("must be a whole number from {min} to {max}"))),
        }
    }
}

pub fn invalid(message: &str) -> InvalidField {
    InvalidField(message.to_owned())
}

/// "userId could not be read" for a getter or Proxy trap that threw, else "userId {otherwise}".
pub fn wrong(value: &Loose, field: Field, otherwise: &str) -> InvalidField {
    let name = field.name();
    match value {
        Loose::Refused(Tag::Unreadable) => InvalidField(format!("{name} could not be read")),
        _ => InvalidField(format!("{name} {otherwise}")),
    }
}
