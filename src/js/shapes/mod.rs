//! The JS contract's plain objects as Rust types with serde derives, one definition each,
//! converted by serde-wasm-bindgen; their TypeScript comes from the same definitions (tsify).

mod command_texts;
mod connection_record;
mod connection_view;
mod domain_names;
mod handler_result;
mod iso_instant;
mod js_text;
mod provider_event;
mod secret_bytes;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_wasm_bindgen::{Deserializer, Serializer};
use wasm_bindgen::JsValue;

pub use command_texts::{remember, with_command_texts, TextKey};
pub use connection_record::{ProviderConnectionRecord, ProviderCredentialsRecord};
pub use connection_view::{ExpiringConnections, ProviderConnectionList, ProviderConnectionView};
pub use handler_result::{Failure, Success};
pub use iso_instant::IsoInstant;
pub use js_text::{js_id, JsId};
pub use provider_event::ProviderEvent;

/// `None` is written as `null`, as the contract has it, not left `undefined`.
const SERIALIZER: Serializer = Serializer::new().serialize_missing_as_null(true);

/// The JS value of `shape`. The shapes hold only what serde-wasm-bindgen writes without fail
/// (strings, numbers, booleans, bytes, options, structs); should it fail all the same, the
/// value is a JS `Error` saying so, where the shape was expected.
pub fn to_js<T: Serialize + ?Sized>(shape: &T) -> JsValue {
    shape
        .serialize(&SERIALIZER)
        .unwrap_or_else(|error| js_sys::Error::new(&error.to_string()).into())
}

/// `T` read from a plain copy (`raw::plain_copy`; never the caller's own object, which could
/// run code as it is read), or why not, naming the property: "status: unknown variant …".
pub fn from_js<T: DeserializeOwned>(copy: JsValue) -> Result<T, String> {
    serde_path_to_error::deserialize(Deserializer::from(copy)).map_err(|error| {
        let path = error.path().to_string();
        // serde-wasm-bindgen's errors are JS `Error`s; their message is the words wanted.
        let error = JsValue::from(error.into_inner());
        let message = js_sys::Reflect::get(&error, &JsValue::from_str("message"))
            .ok()
            .and_then(|message| message.as_string())
            .map(|message| without_quoted_value(&message))
            .unwrap_or_default();
        if path == "." {
            message
        } else {
            format!("{path}: {message}")
        }
    })
}

/// serde-wasm-bindgen describes an object or array of the wrong type by printing it
/// (`invalid type: JsValue(Object({…})), expected …`); what it prints may hold credentials in an
/// unexpected form, so only the kind of value is kept.
fn without_quoted_value(message: &str) -> String {
    const QUOTED: &str = "JsValue(";
    let Some(start) = message.find(QUOTED) else {
        return message.to_owned();
    };
    let kind = if message[start + QUOTED.len()..].starts_with("Array") {
        "an array"
    } else {
        "an object"
    };
    let rest = message.rfind(", expected ").map_or("", |at| &message[at..]);
    format!("{}{kind}{rest}", &message[..start])
}
