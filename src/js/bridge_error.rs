//! Every failure the bridge itself detects, and its words, in one place: what a result's
//! `error` says, the `TypeError` a wrong setup throws, and the repository errors a handler shows
//! after "Database error occurred: ".

use std::fmt;

use js_sys::{Error, TypeError};
use wasm_bindgen::{JsCast, JsValue};

use crate::application::{InvalidField, RepositoryError, MAX_ENCRYPTED_DATA_BYTES, MAX_TEXT_UNITS};
use crate::js::raw::Refusal;
use crate::js::seam::{Tag, MAX_KEYS, MAX_TOTAL_BYTES, MAX_TOTAL_UNITS};

/// What a result's `error` starts with when the command itself is not one.
pub const INVALID_COMMAND: &str = "Invalid command";

/// Most connections a find may return: a user has a handful, and a refresh job that finds more
/// expiring at once should look less far ahead. A longer answer is refused unread.
pub const MAX_FOUND: u32 = 10_000;

pub enum BridgeError {
    /// The command or query is not one.
    InvalidCommand(InvalidField),
    /// An adapter call missed its deadline.
    TimedOut {
        method: &'static str,
        timeout_ms: u32,
    },
    /// A find's answer is not an array.
    NotAList { method: &'static str },
    /// A find's answer has more than `MAX_FOUND` items.
    TooMany { method: &'static str },
    /// A find's answer is not a valid connection.
    InvalidStored(String),
    /// The next version of a connection is not a number JS holds exactly.
    VersionTooLarge(u64),
}

/// A constructor's (or `credentialExpiry`'s) argument is wrong.
pub enum Setup {
    NotAFunction {
        owner: &'static str,
        method: &'static str,
    },
    OptionsNotAnObject,
    OptionsUnreadable,
    TimeoutMs,
    OnEventBusError,
    Timestamp(&'static str),
}

impl fmt::Display for BridgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidCommand(why) => write!(f, "{INVALID_COMMAND}: {}", why.0),
            Self::TimedOut { method, timeout_ms } => {
                write!(f, "{method} timed out after {timeout_ms} ms")
            }
            Self::NotAList { method } => write!(f, "{method} did not return an array"),
            Self::TooMany { method } => {
                write!(f, "{method} returned more than {MAX_FOUND} connections")
            }
            Self::InvalidStored(why) => write!(f, "invalid stored connection: {why}"),
            Self::VersionTooLarge(version) => {
                write!(f, "version {version} is past Number.MAX_SAFE_INTEGER")
            }
        }
    }
}

impl fmt::Display for Setup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAFunction { owner, method } => {
                write!(f, "{owner}.{method} must be a function")
            }
            Self::OptionsNotAnObject => f.write_str("options must be an object"),
            Self::OptionsUnreadable => f.write_str("options could not be read"),
            Self::TimeoutMs => f.write_str(
                "options.timeoutMs must be a number of milliseconds from 1 to 2147483647",
            ),
            Self::OnEventBusError => f.write_str("options.onEventBusError must be a function"),
            Self::Timestamp(name) => {
                write!(f, "{name} must be an RFC 3339 timestamp with an offset")
            }
        }
    }
}

impl BridgeError {
    pub fn setup(class: &'static str, problem: Setup) -> JsValue {
        TypeError::new(&format!("{class}: {problem}")).unchecked_into()
    }

    /// A JS `Error`, for a hook that receives what went wrong.
    pub fn into_js_error(self) -> JsValue {
        Error::new(&self.to_string()).unchecked_into()
    }
}

impl From<BridgeError> for RepositoryError {
    fn from(error: BridgeError) -> Self {
        RepositoryError(error.to_string())
    }
}

/// Why `seam.js` refused to pack a value (what `raw::pack` threw), in words.
pub struct Refused {
    pub tag: Tag,
    /// The value itself, not something inside it.
    pub at_top: bool,
    pub words: String,
}

impl From<JsValue> for Refused {
    fn from(thrown: JsValue) -> Self {
        let refusal: Refusal = thrown.unchecked_into();
        let (tag, path, detail) = (Tag::answered(&refusal.tag()), refusal.path(), refusal.detail());
        let at = if path.is_empty() {
            String::new()
        } else {
            format!("{path} ")
        };
        let items = detail.as_f64().unwrap_or_default() as u32;
        let detail = detail.as_string().unwrap_or_default();
        let words = match tag {
            Tag::TooLong => format!("{at}is longer than {MAX_TEXT_UNITS} characters"),
            Tag::LoneSurrogate => format!("{at}contains a lone UTF-16 surrogate"),
            Tag::TooDeep => format!("{at}is nested too deeply"),
            Tag::OtherType => format!("{at}is a {detail}"),
            Tag::TooManyBytes => format!("{at}holds more than {MAX_ENCRYPTED_DATA_BYTES} bytes"),
            Tag::PastTotalBytes => format!("{at}is past {MAX_TOTAL_BYTES} bytes in all"),
            Tag::PastTotalUnits => {
                format!("{at}is past {MAX_TOTAL_UNITS} characters and fields in all")
            }
            Tag::OtherTypedArray => format!("{at}is a typed array that is not a Uint8Array"),
            Tag::TooManyItems => format!("{at}has more than {items} items"),
            Tag::InvalidDate => format!("{at}is an invalid Date"),
            Tag::TooManyProperties => format!("{at}has more than {MAX_KEYS} properties"),
            Tag::NotText | Tag::Absent | Tag::Unreadable => format!("could not be read ({detail})"),
        };
        Self {
            tag,
            at_top: path.is_empty(),
            words,
        }
    }
}
