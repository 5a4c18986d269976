//! The seam with `reading.js`, defined on this side only: the limits its copies keep to and the
//! tags its answers carry, handed to it once at load.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use crate::application::{MAX_ENCRYPTED_DATA_BYTES, MAX_TEXT_UNITS};
use crate::js::raw::configure_reading;

/// `pub enum Tag { … }` and `Tag::ALL`, its variants with the names `reading.js` knows them by.
macro_rules! tags {
    ($($(#[$doc:meta])* $tag:ident = $name:literal,)*) => {
        /// Why a value read from the caller cannot be used as it is.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Tag { $($(#[$doc])* $tag,)* }

        impl Tag {
            const ALL: &[(Tag, &str)] = &[$((Tag::$tag, $name),)*];
        }
    };
}

tags! {
    NotText = "NOT_TEXT",
    LoneSurrogate = "LONE_SURROGATE",
    /// A getter or Proxy trap threw.
    Unreadable = "UNREADABLE",
    /// `null` or `undefined`.
    Absent = "ABSENT",
    TooLong = "TOO_LONG",
    TooDeep = "TOO_DEEP",
    TooManyItems = "TOO_MANY_ITEMS",
    TooManyProperties = "TOO_MANY_PROPERTIES",
    TooManyBytes = "TOO_MANY_BYTES",
    PastTotalBytes = "PAST_TOTAL_BYTES",
    OtherTypedArray = "OTHER_TYPED_ARRAY",
    InvalidDate = "INVALID_DATE",
    /// A symbol or a bigint.
    OtherType = "OTHER_TYPE",
}

impl Tag {
    /// The tag `reading.js` answered with; `Unreadable` for anything it never sends.
    pub fn of(value: &JsValue) -> Tag {
        let number = value.as_f64().unwrap_or_default();
        Self::ALL
            .iter()
            .find(|(tag, _)| f64::from(*tag as u8) == number)
            .map_or(Tag::Unreadable, |(tag, _)| *tag)
    }
}

/// The most properties an object, and items a nested array, may have in a copy.
pub const MAX_KEYS: u32 = 64;
pub const MAX_DEPTH: u32 = 6;
/// All the bytes one copy may hold, however many Uint8Arrays they come in.
pub const MAX_TOTAL_BYTES: u32 = 16 * 1024 * 1024;

/// Called once, as the instance starts.
pub fn configure() {
    let limits: [(&str, u32); 5] = [
        ("maxTextUnits", MAX_TEXT_UNITS as u32),
        ("maxBytes", MAX_ENCRYPTED_DATA_BYTES as u32),
        ("maxKeys", MAX_KEYS),
        ("maxDepth", MAX_DEPTH),
        ("maxTotalBytes", MAX_TOTAL_BYTES),
    ];
    let tags: Vec<(&str, u32)> = Tag::ALL.iter().map(|(tag, name)| (*name, *tag as u32)).collect();
    let setup = object(&[("limits", object(&limits)), ("tags", object(&tags))]);
    configure_reading(&setup);
}

fn object<V: Into<JsValue> + Clone>(entries: &[(&str, V)]) -> JsValue {
    let object = Object::new();
    for (key, value) in entries {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &value.clone().into());
    }
    object.into()
}
