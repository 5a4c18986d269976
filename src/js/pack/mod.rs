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
//! | `END`    |                                     | the end of a list, object or literal  |
//! | `LITERAL`| its number (`Literal`), its values in its struct's order, then `END` | an object |
//!
//! An object's properties are each a key (`KEY`, `NEW_KEY`, or going in past `seam.js`'s 256
//! numbered keys, `TEXT`), then its value. Each side numbers the keys it sends in the order it
//! first sends them, and both sides keep both tables for the instance (they start afresh when
//! `seam.js` is configured; a pack `seam.js` refuses takes its new keys back with it).
//!
//! The shapes that go out most (views, records, events: `Literal`) go as their values without
//! keys: `seam.js` builds each as an object literal with the keys written out, which V8 does in
//! half the time of the same properties set one by one by key (docs/choices.md). `wasm_bridge`
//! tests hold those keys to serde-wasm-bindgen's values of the same shapes.

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
        Literal = "LITERAL",
    }
}

named_enum! {
    /// The shapes that go out as their values alone (`LITERAL`), by the name serde gives their
    /// structs; `seam.js` builds each as an object literal, its keys written out.
    pub enum Literal {
        /// `shapes::ProviderConnectionView`: each item of a list, GetProviderConnection's answer.
        View = "ProviderConnectionView",
        /// `shapes::ProviderConnectionRecord` and its credentials: what `save` and `commit` get.
        Record = "ProviderConnectionRecord",
        Credentials = "ProviderCredentialsRecord",
        /// The events' five layouts (`shapes::ProviderEvent`), named as index.d.ts names them.
        ConnectionAttempted = "ProviderConnectionAttempted",
        ConnectionFailed = "ProviderConnectionFailed",
        Lifecycle = "ConnectionLifecycleEvent",
        LifecycleFailed = "ConnectionLifecycleFailed",
        RefreshFailed = "ProviderTokenRefreshFailed",
    }
}

impl Literal {
    /// The literal serde's struct `name` goes out as, if any: a `match`, which the compiler
    /// settles where `name` is a constant (every shape's serializer), with no code left to run.
    #[inline(always)]
    fn of_struct(name: &str) -> Option<Literal> {
        Some(match name {
            "ProviderConnectionView" => Self::View,
            "ProviderConnectionRecord" => Self::Record,
            "ProviderCredentialsRecord" => Self::Credentials,
            "ProviderConnectionAttempted" => Self::ConnectionAttempted,
            "ProviderConnectionFailed" => Self::ConnectionFailed,
            "ConnectionLifecycleEvent" => Self::Lifecycle,
            "ConnectionLifecycleFailed" => Self::LifecycleFailed,
            "ProviderTokenRefreshFailed" => Self::RefreshFailed,
            _ => return None,
        })
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



/// The length of `text` in UTF-16 units, which is how JS measures and slices it.
pub fn utf16_len(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.encode_utf16().count()
    }
}
