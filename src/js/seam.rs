//! The seam with `seam.js`, defined on this side only: the limits its reads keep to, the tags its
//! answers carry, the pack's ops and literals, handed to it when an instance starts.

use wasm_bindgen::JsValue;

use crate::application::{MAX_ENCRYPTED_DATA_BYTES, MAX_TEXT_UNITS};
use crate::js::pack::{self, Literal, Op};
use crate::js::raw::configure_seam;

named_enum! {
    /// Why a value read from the caller cannot be used as it is.
    pub enum Tag {
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
        /// More text and structure in all than `MAX_TOTAL_UNITS`: an object shared many times
        /// over is packed once for each reference, so its size in JS says nothing of this.
        PastTotalUnits = "PAST_TOTAL_UNITS",
        OtherTypedArray = "OTHER_TYPED_ARRAY",
        InvalidDate = "INVALID_DATE",
        /// A symbol or a bigint.
        OtherType = "OTHER_TYPE",
    }
}

impl Tag {
    /// The tag `seam.js` answered with; `Unreadable` for anything it never sends.
    pub fn answered(value: &JsValue) -> Tag {
        value.as_f64().and_then(Tag::of).unwrap_or(Tag::Unreadable)
    }
}

/// `Number.MAX_SAFE_INTEGER`: the largest whole number a JS number holds exactly.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The most properties an object, and items a nested array, may have in a pack.
pub const MAX_KEYS: u32 = 64;
pub const MAX_DEPTH: u32 = 6;
/// All the bytes one pack may hold, however many Uint8Arrays they come in.
pub const MAX_TOTAL_BYTES: u32 = 16 * 1024 * 1024;
/// All the text (in UTF-16 units) and structure (two a property or item, two an object or
/// array) one pack may hold: a list of 10,000 records takes about 4 million, and about 6.5
/// million with every field at the longest the checks let through.
pub const MAX_TOTAL_UNITS: u32 = 8 * 1024 * 1024;

/// Called once per instance, when the package registers its runtime: `seam.js` starts afresh,
/// its pack keys forgotten, and so does this side.
pub fn configure() {
    pack::forget_keys();
    configure_seam(
        &wasm_bindgen::memory(),
        MAX_TEXT_UNITS as u32,
        MAX_ENCRYPTED_DATA_BYTES as u32,
        MAX_KEYS,
        MAX_DEPTH,
        MAX_TOTAL_BYTES,
        MAX_TOTAL_UNITS,
        Tag::NAMES,
        Op::NAMES,
        Literal::NAMES,
    );
}
