//! The pack: how a whole value crosses between wasm and JS in one call, instead of one call per
//! field and per string. A value is a list of operations (`f64`s), with its strings in one text
//! and its bytes in one buffer, written and read in order. `seam.js` holds the JS half
//! (`unpack`, `pack`, `packed`); serde's derives stay the one definition of each shape.
//!
//! | op       | followed by                         | the JS value                          |
//! |----------|-------------------------------------|---------------------------------------|
//! | `NULL`   |                                     | `null` (in: `undefined` too)          |
//! | `TRUE`   |                                     | `true`                                |
//! | `FALSE`  |                                     | `false`                               |
//! | `NUMBER` | the number                          | a number                              |
//! | `TEXT`   | its length in UTF-16 units          | the text's next units                 |
//! | `BYTES`  | its length                          | a `Uint8Array` of the next bytes      |
//! | `LIST`   | the items, then `END`               | an array                              |
//! | `OBJECT` | the properties, then `END`          | an object                             |
//! | `KEY`    | the key's number                    | a key sent before in this instance    |
//! | `NEW_KEY`| its length in UTF-16 units          | a key from the text, numbered next    |
//! | `END`    |                                     | the end of a list, object or view     |
//! | `VIEW`   | a connection's view: its values in the struct's order, then `END` | an object literal's |
//!
//! An object's properties are each a key (`KEY`, `NEW_KEY`, or going in past `seam.js`'s 256
//! numbered keys, `TEXT`), then its value. Each side numbers the keys it sends in the order it
//! first sends them, and both sides keep both tables for the instance (they start afresh when
//! `seam.js` is configured; a pack `seam.js` refuses takes its new keys back with it).

named_enum! {
    /// The pack's operations, numbered for `seam.js` in this order.
    pub enum Op {
        Null = "NULL",
        True = "TRUE",
        False = "FALSE",
        Number = "NUMBER",
        Text = "TEXT",
        Bytes = "BYTES",
        List = "LIST",
        Object = "OBJECT",
        Key = "KEY",
        NewKey = "NEW_KEY",
        End = "END",
        View = "VIEW",
    }
}

impl From<Op> for f64 {
    fn from(op: Op) -> f64 {
        f64::from(op as u8)
    }
}

mod crossing;
mod error;
mod read;
mod write;

pub use crossing::{forget_keys, from_caller, to_js, Unreadable};
pub use error::PackError;
pub use read::Reader;
pub use write::{Keys, Packer};

/// The name serde gives the struct that goes out as `VIEW`.
const VIEW: &str = "ProviderConnectionView";

/// The length of `text` in UTF-16 units, which is how JS measures and slices it.
pub fn utf16_len(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.encode_utf16().count()
    }
}
