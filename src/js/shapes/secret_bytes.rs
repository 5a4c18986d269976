use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroize;

/// The encrypted credential bytes on their way across: a `Uint8Array` in JS, overwritten when
/// dropped here, and never shown by `Debug`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SecretBytes(pub Vec<u8>);

impl Drop for SecretBytes {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0.len())
    }
}

impl Serialize for SecretBytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde_bytes::serialize(&self.0, serializer)
    }
}

/// Only a `Uint8Array` (the pack's bytes): the pack refuses anything else without quoting
/// it, since it may be the secret in another form.
impl<'de> Deserialize<'de> for SecretBytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_byte_buf(BytesVisitor)
    }
}

struct BytesVisitor;

impl serde::de::Visitor<'_> for BytesVisitor {
    type Value = SecretBytes;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Uint8Array")
    }

    fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<SecretBytes, E> {
        Ok(SecretBytes(bytes.to_vec()))
    }
}
