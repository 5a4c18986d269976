//! The encrypted credential bytes as a record carries them across: a `Uint8Array` in JS.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::application::CredentialBytes;

impl Serialize for CredentialBytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde_bytes::serialize(&self.0, serializer)
    }
}

/// Only a `Uint8Array` (the pack's bytes): the pack refuses anything else without quoting
/// it, since it may be the secret in another form.
impl<'de> Deserialize<'de> for CredentialBytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_byte_buf(BytesVisitor)
    }
}

struct BytesVisitor;

impl serde::de::Visitor<'_> for BytesVisitor {
    type Value = CredentialBytes;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Uint8Array")
    }

    fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<CredentialBytes, E> {
        Ok(CredentialBytes(bytes.to_vec()))
    }
}
