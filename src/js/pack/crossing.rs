//! The pack's two crossings: a shape out to JS in one call, a caller's value in in two.

use std::cell::RefCell;

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;
use zeroize::{Zeroize, Zeroizing};

use super::{Keys, Packer, Reader};
use crate::js::raw::{pack, pack_sizes, packed, unpack};
use crate::js::seam;

thread_local! {
    /// The keys `seam.js` has been sent this instance, and those it has sent (by number, in
    /// the order it numbered them); both sides forget them at `configure`.
    static KEYS: RefCell<Keys> = RefCell::default();
    static IN_KEYS: RefCell<Vec<String>> = RefCell::default();
}

/// When an instance starts, `seam.js` is configured afresh, and so are the keys on this side.
pub fn forget_keys() {
    KEYS.take();
    IN_KEYS.take();
}

/// The JS value of `shape`, in one call. The shapes hold only what packs without fail (strings,
/// numbers, booleans, bytes, options, structs, lists); should one fail all the same, the value
/// is a JS `Error` saying so, where the shape was expected.
pub fn to_js<T: Serialize + ?Sized>(shape: &T) -> JsValue {
    let packer = KEYS.with_borrow_mut(|keys| {
        Packer::new(keys)
            .pack(shape)
            .map(|packer| (packer.ops, packer.text, packer.bytes))
    });
    match packer {
        Ok((ops, text, bytes)) => unpack(
            ops.as_ptr(),
            ops.len(),
            text.as_ptr(),
            text.len(),
            bytes.as_ptr(),
            bytes.len(),
        ),
        Err(error) => js_sys::Error::new(&error.to_string()).into(),
    }
}

/// Why a caller's value could not be read.
pub enum Unreadable {
    /// `seam.js` refused to pack it (what it threw: a `raw::Refusal`).
    Refused(JsValue),
    /// It is not a `T`: where, and serde's words ("[1].status: unknown status …").
    Invalid(String),
}

/// `T` read from a caller's value: packed by `seam.js` (never read here, where a getter could
/// run), then deserialized, naming the path to a field that is wrong.
pub fn from_caller<T: DeserializeOwned>(value: &JsValue, max_items: u32) -> Result<T, Unreadable> {
    let pack = PackIn::of(value, max_items)?;
    IN_KEYS
        .with_borrow(|keys| {
            T::deserialize(&mut Reader::new(keys, &pack.ops, &pack.text.0, &pack.bytes))
        })
        .map_err(|error| Unreadable::Invalid(error.to_string()))
}

/// A caller's value as `seam.js` packed it, in wasm memory. A store may keep a secret's bytes as
/// an array of numbers: every buffer is zeroed when dropped.
struct PackIn {
    ops: Zeroizing<Vec<f64>>,
    bytes: Zeroizing<Vec<u8>>,
    text: PackText,
}

/// The pack's text, in a buffer zeroed before `seam.js` wrote into its first bytes (it has room
/// for three bytes a UTF-16 unit, most of it never written): only the text's own bytes need
/// zeroing again, not the whole buffer as `Zeroizing<String>` does (2% of a List of 20).
struct PackText(String);

impl Drop for PackText {
    fn drop(&mut self) {
        std::mem::take(&mut self.0).into_bytes().as_mut_slice().zeroize();
    }
}

impl PackIn {
    /// The pack of `value`, with the keys it sends for the first time numbered. Not generic, so
    /// one copy serves every shape read.
    #[inline(never)]
    fn of(value: &JsValue, max_items: u32) -> Result<Self, Unreadable> {
        pack(value, max_items).map_err(Unreadable::Refused)?;
        let mut sizes = [0u32; 4];
        pack_sizes(&mut sizes);
        let mut ops = Zeroizing::new(vec![0.0; sizes[0] as usize]);
        let mut bytes = Zeroizing::new(vec![0u8; sizes[1] as usize]);
        let mut text = Zeroizing::new(vec![0u8; 3 * sizes[2] as usize]);
        let written = packed(&mut ops, &mut bytes, &mut text) as usize;
        // The keys it sends for the first time are numbered now, whatever happens to the value;
        // should they not all be found, both sides' tables start again rather than drift apart.
        let text = match written <= text.len() {
            true => {
                text.truncate(written);
                String::from_utf8(std::mem::take(&mut *text)).map_err(|error| error.into_bytes())
            }
            false => Err(Vec::new()),
        };
        let text = match text {
            Ok(text) => PackText(text),
            Err(mut rest) => {
                rest.zeroize();
                return Err(malformed());
            }
        };
        // Most packs send no key for the first time, and then have no pass to make for them.
        let new_keys = match sizes[3] {
            0 => Ok(Vec::new()),
            _ => Reader::new(&[], &ops, &text.0, &bytes).new_keys(),
        };
        match new_keys {
            Ok(keys) if keys.len() == sizes[3] as usize => {
                if !keys.is_empty() {
                    IN_KEYS.with_borrow_mut(|known| known.extend(keys.into_iter().map(str::to_owned)));
                }
            }
            _ => return Err(malformed()),
        }
        Ok(Self { ops, bytes, text })
    }
}

/// A pack that does not read as one: both sides' key tables start again.
fn malformed() -> Unreadable {
    seam::configure();
    Unreadable::Invalid("the pack is malformed".to_owned())
}
