use std::fmt;

use js_sys::Uint8Array;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use wasm_bindgen::{JsCast, JsValue};
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

/// Taken as the JS value itself (serde-wasm-bindgen's `preserve`), so that anything but a
/// `Uint8Array` is refused in words that never quote the value: serde-wasm-bindgen's own
/// "invalid type" message would print it, and it may be the secret in another form.
impl<'de> Deserialize<'de> for SecretBytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value: JsValue = serde_wasm_bindgen::preserve::deserialize(deserializer)?;
        value
            .dyn_ref::<Uint8Array>()
            .map(|bytes| SecretBytes(bytes.to_vec()))
            .ok_or_else(|| serde::de::Error::custom("expected a Uint8Array"))
    }
}
