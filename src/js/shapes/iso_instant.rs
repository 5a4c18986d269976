//! An instant as JS has it: written as `toISOString()` writes it, read as RFC 3339.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use wasm_bindgen::JsValue;

use super::command_texts::{current_texts, TextKey};
use crate::domain::instant::{parse_rfc3339, to_iso_string};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoInstant(pub DateTime<Utc>);

/// A command's record and events mostly share a millisecond, so its text is made once.
impl Serialize for IsoInstant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let make = || JsValue::from_str(&to_iso_string(self.0));
        match current_texts() {
            Some(texts) => texts.with(TextKey::Millis(self.0.timestamp_millis()), make, |value| {
                serde_wasm_bindgen::preserve::serialize(value, serializer)
            }),
            None => serializer.serialize_str(&to_iso_string(self.0)),
        }
    }
}

impl<'de> Deserialize<'de> for IsoInstant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_rfc3339(&text).map(IsoInstant).ok_or_else(|| {
            serde::de::Error::custom(format!("\"{text}\" is not an RFC 3339 timestamp"))
        })
    }
}

impl From<DateTime<Utc>> for IsoInstant {
    fn from(at: DateTime<Utc>) -> Self {
        Self(at)
    }
}
