//! The pack's one error: serde's words, or the shape's own, and where in the value.

use std::fmt;

/// Why a value could not be packed or read from a pack: serde's words or the shape's own, and
/// where in the value ("[1].status"), gathered as the error leaves each object and list.
#[derive(Debug)]
pub struct PackError {
    message: String,
    path: String,
}

impl PackError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            path: String::new(),
        }
    }

    /// The error, inside `step`: a property's key, or an item's index as `[1]`.
    #[inline(never)]
    pub fn within(mut self, step: &str) -> Self {
        let separator = if self.path.is_empty() || self.path.starts_with('[') {
            ""
        } else {
            "."
        };
        self.path = format!("{step}{separator}{}", self.path);
        self
    }
}

/// "path: message", or the message alone for the value as a whole.
impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for PackError {}

impl serde::ser::Error for PackError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self::new(message.to_string())
    }
}

impl serde::de::Error for PackError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self::new(message.to_string())
    }
}
