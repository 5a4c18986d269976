//! Serializing the strings of a shape through the current command's texts (`command_texts`), so
//! a value that recurs within a command crosses to JS once. Outside a command (in a query, or a
//! test) they serialize as plain strings.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use serde_wasm_bindgen::preserve;

use super::command_texts::{current_texts, TextKey};

pub fn id<S: Serializer>(id: &Uuid, serializer: S) -> Result<S::Ok, S::Error> {
    match current_texts() {
        Some(texts) => texts.with(TextKey::Id(id.as_u128()), || make_id(*id), |value| {
            preserve::serialize(value, serializer)
        }),
        None => id.serialize(serializer),
    }
}

fn make_id(id: Uuid) -> JsValue {
    JsValue::from_str(id.hyphenated().encode_lower(&mut Uuid::encode_buffer()))
}

/// A string field typed `&str` or `String` alike.
pub fn text<S: Serializer, T: AsRef<str> + ?Sized>(
    text: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let text = text.as_ref();
    match current_texts() {
        Some(texts) => texts.with(TextKey::Text(text), || JsValue::from_str(text), |value| {
            preserve::serialize(value, serializer)
        }),
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
    match current_texts() {
        Some(texts) => texts.with(TextKey::Id(id.as_u128()), || make_id(id), JsValue::clone),
        None => make_id(id),
    }
}
