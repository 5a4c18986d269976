//! Serializing the strings of a shape through the current command's texts (`command_texts`), so
//! a value that recurs within a command crosses to JS once. Outside a command (in a query, or a
//! test) they serialize as plain strings.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::command_texts::{js_string, TextKey};

pub fn id<S: Serializer>(id: &Uuid, serializer: S) -> Result<S::Ok, S::Error> {
    let value = js_string(TextKey::Id(id.as_u128()), || {
        JsValue::from_str(id.hyphenated().encode_lower(&mut Uuid::encode_buffer()))
    });
    match value {
        Some(value) => serde_wasm_bindgen::preserve::serialize(&value, serializer),
        None => id.serialize(serializer),
    }
}

pub fn text<S: Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
    let value = js_string(TextKey::Text(text), || JsValue::from_str(text));
    match value {
        Some(value) => serde_wasm_bindgen::preserve::serialize(&value, serializer),
        None => serializer.serialize_str(text),
    }
}

pub fn optional_text<S: Serializer, T: AsRef<str>>(
    text: &Option<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match text {
        Some(text) => self::text(text.as_ref(), serializer),
        None => serializer.serialize_none(),
    }
}

/// A string field typed `&str` or `String` alike.
pub fn any_text<S: Serializer, T: AsRef<str> + ?Sized>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    text(value.as_ref(), serializer)
}

/// An id, written as the command's JS string for it; read as uuid reads one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsId(pub Uuid);

impl Serialize for JsId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        id(&self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for JsId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Uuid::deserialize(deserializer).map(Self)
    }
}

/// Text, written as the command's JS string for it.
pub struct JsText<T>(pub T);

impl<T: AsRef<str>> Serialize for JsText<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        text(self.0.as_ref(), serializer)
    }
}

/// The JS string of `id`, the current command's when it has one (such as the caller's own).
pub fn js_id(id: Uuid) -> JsValue {
    let make = || JsValue::from_str(id.hyphenated().encode_lower(&mut Uuid::encode_buffer()));
    js_string(TextKey::Id(id.as_u128()), make).unwrap_or_else(make)
}
