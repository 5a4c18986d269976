//! The seam with `reading.js`, defined on this side only: the limits its copies keep to and the
//! tags its answers carry, handed to it once at load.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use crate::application::{MAX_ENCRYPTED_DATA_BYTES, MAX_TEXT_UNITS};
use crate::js::raw::configure_reading;

/// Why a value read from the caller cannot be used as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    NotText = 1,
    LoneSurrogate,
    /// A getter or Proxy trap threw.
    Unreadable,
    /// `null` or `undefined`.
    Absent,
    TooLong,
    TooDeep,
    TooManyItems,
    TooManyProperties,
    TooManyBytes,
    PastTotalBytes,
    OtherTypedArray,
    InvalidDate,
    /// A symbol or a bigint.
    OtherType,
}

impl Tag {
    const ALL: [(Tag, &'static str); 13] = [
        (Tag::NotText, "NOT_TEXT"),
        (Tag::LoneSurrogate, "LONE_SURROGATE"),
        (Tag::Unreadable, "UNREADABLE"),
        (Tag::Absent, "ABSENT"),
        (Tag::TooLong, "TOO_LONG"),
        (Tag::TooDeep, "TOO_DEEP"),
        (Tag::TooManyItems, "TOO_MANY_ITEMS"),
        (Tag::TooManyProperties, "TOO_MANY_PROPERTIES"),
        (Tag::TooManyBytes, "TOO_MANY_BYTES"),
        (Tag::PastTotalBytes, "PAST_TOTAL_BYTES"),
        (Tag::OtherTypedArray, "OTHER_TYPED_ARRAY"),
        (Tag::InvalidDate, "INVALID_DATE"),
        (Tag::OtherType, "OTHER_TYPE"),
    ];

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
    let tags = Tag::ALL.map(|(tag, name)| (name, tag as u8 as u32));
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
