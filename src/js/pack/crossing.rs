//! The pack's two crossings: a shape out to JS in one call, a caller's value in in three.

use std::cell::RefCell;

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;
use zeroize::Zeroizing;

use super::{Keys, Loose, PackError, Packer, Reader};
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
        Ok((ops, text, bytes)) => unpack(&ops, &text, &bytes),
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

/// `T` read from what an adapter returned: packed strictly by `seam.js` (never read here, where
/// a getter could run), then deserialized, naming the path to a field that is wrong.
pub fn from_caller<T: DeserializeOwned>(value: &JsValue, max_items: u32) -> Result<T, Unreadable> {
    receive(value, max_items, false)?.read(|reader| T::deserialize(reader))
}

/// A command, as it came (see `Loose`): packed by `seam.js` as a command, then read.
pub fn command_from_caller(value: &JsValue) -> Result<Loose, Unreadable> {
    receive(value, 0, true)?.read(|reader| reader.loose())
}

/// A pack handed over by `seam.js`, its new keys numbered. A store may keep a secret's bytes
/// as an array of numbers: every buffer is zeroed.
struct Received {
    ops: Zeroizing<Vec<f64>>,
    text: Zeroizing<String>,
    bytes: Zeroizing<Vec<u8>>,
}

impl Received {
    fn read<T>(
        &self,
        read: impl FnOnce(&mut Reader) -> Result<T, PackError>,
    ) -> Result<T, Unreadable> {
        IN_KEYS
            .with_borrow(|keys| read(&mut Reader::new(keys, &self.ops, &self.text, &self.bytes)))
            .map_err(|error| Unreadable::Invalid(error.to_string()))
    }
}

/// One copy for every kind of value (only the reading differs).
#[inline(never)]
fn receive(value: &JsValue, max_items: u32, as_command: bool) -> Result<Received, Unreadable> {
    pack(value, max_items, as_command).map_err(Unreadable::Refused)?;
    let mut sizes = [0u32; 4];
    pack_sizes(&mut sizes);
    let mut ops = Zeroizing::new(vec![0.0; sizes[0] as usize]);
    let mut bytes = Zeroizing::new(vec![0u8; sizes[1] as usize]);
    let mut text = Zeroizing::new(vec![0u8; 3 * sizes[2] as usize]);
    let written = packed(&mut ops, &mut bytes, &mut text) as usize;
    text.truncate(written);
    // The keys it sends for the first time are numbered now, whatever happens to the value;
    // should they not all be found, both sides' tables start again rather than drift apart.
    let text = String::from_utf8(std::mem::take(&mut *text))
        .map(Zeroizing::new)
        .map_err(|error| drop(Zeroizing::new(error.into_bytes())));
    let numbered = text.as_ref().is_ok_and(|text| {
        match Reader::new(&[], &ops, text, &bytes).new_keys() {
            Ok(keys) if keys.len() == sizes[3] as usize => {
                IN_KEYS.with_borrow_mut(|known| known.extend(keys.into_iter().map(str::to_owned)));
                true
            }
            _ => false,
        }
    });
    match text {
        Ok(text) if numbered => Ok(Received { ops, text, bytes }),
        _ => {
            seam::configure();
            Err(Unreadable::Invalid("the pack is malformed".to_owned()))
        }
    }
}
