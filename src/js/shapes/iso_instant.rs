//! An instant as JS has it: written as `toISOString()` writes it, read as RFC 3339.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::instant::{parse_rfc3339, IsoText};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoInstant(pub DateTime<Utc>);

impl Serialize for IsoInstant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(IsoText::of(self.0).as_str())
    }
}

impl<'de> Deserialize<'de> for IsoInstant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <&str>::deserialize(deserializer)?;
        parse_rfc3339(text).map(IsoInstant).ok_or_else(|| {
            serde::de::Error::custom(format!("\"{text}\" is not an RFC 3339 timestamp"))
        })
    }
}
