//! Writing a value into a pack (the table is in mod.rs): serde's `Serializer` over three buffers.

use serde::ser::{self, Impossible, Serialize};
use zeroize::Zeroizing;

use super::{utf16_len, Literal, Op, PackError};

/// The keys sent so far in this instance, by the address of their `&'static str`. A shape's
/// fields come in the same order each time, so the key after the last one found is tried first.
#[derive(Default)]
pub struct Keys {
    known: Vec<(usize, usize)>,
    last: usize,
}

impl Keys {
    fn number(&mut self, key: &'static str) -> Option<usize> {
        let wanted = (key.as_ptr() as usize, key.len());
        let next = self.last + 1;
        let found = if self.known.get(next) == Some(&wanted) {
            Some(next)
        } else {
            self.known.iter().position(|known| *known == wanted)
        };
        if let Some(number) = found {
            self.last = number;
        }
        found
    }
}

/// One value's pack, being written.
pub struct Packer<'k> {
    pub ops: Vec<f64>,
    pub text: String,
    /// Credential bytes among them: zeroed when dropped, whether the pack is sent or not.
    pub bytes: Zeroizing<Vec<u8>>,
    keys: &'k mut Keys,
    /// How many keys were known before this pack, to forget its new ones if it is never sent.
    keys_before: usize,
}

impl<'k> Packer<'k> {
    pub fn new(keys: &'k mut Keys) -> Self {
        let keys_before = keys.known.len();
        Self {
            ops: Vec::with_capacity(64),
            text: String::with_capacity(256),
            bytes: Zeroizing::new(Vec::new()),
            keys,
            keys_before,
        }
    }

    /// `value` packed, or why not (its new keys then forgotten: JS never learns them).
    pub fn pack<T: Serialize + ?Sized>(mut self, value: &T) -> Result<Self, PackError> {
        match value.serialize(&mut self) {
            Ok(()) => Ok(self),
            Err(error) => {
                self.keys.known.truncate(self.keys_before);
                Err(error)
            }
        }
    }

    fn op(&mut self, op: Op) {
        self.ops.push(op.into());
    }

    fn text_op(&mut self, op: Op, text: &str) {
        self.ops.extend([op.into(), utf16_len(text) as f64]);
        self.text.push_str(text);
    }

    fn key(&mut self, key: &'static str) {
        match self.keys.number(key) {
            Some(number) => self.ops.extend([Op::Key.into(), number as f64]),
            None => {
                self.keys.known.push((key.as_ptr() as usize, key.len()));
                self.keys.last = self.keys.known.len() - 1;
                self.text_op(Op::NewKey, key);
            }
        }
    }
}

fn unsupported(what: &str) -> PackError {
    PackError::new(format!("{what} cannot be packed"))
}

/// `serialize_…` methods that write their value as a JS number.
macro_rules! numbers {
    ($($method:ident: $type:ty,)*) => {
        $(fn $method(self, value: $type) -> Result<(), PackError> {
            self.serialize_f64(value as f64)
        })*
    };
}

/// `serialize_…` methods for what no shape is: a tuple, a map (an object's keys are its fields'
/// names) or a variant with data.
macro_rules! refused {
    ($($method:ident($($arg:ty),*) -> $ok:ty: $what:literal,)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ok, PackError> {
            Err(unsupported($what))
        })*
    };
}

impl<'p, 'k> ser::Serializer for &'p mut Packer<'k> {
    type Ok = ();
    type Error = PackError;
    type SerializeSeq = Self;
    type SerializeTuple = Impossible<(), PackError>;
    type SerializeTupleStruct = Impossible<(), PackError>;
    type SerializeTupleVariant = Impossible<(), PackError>;
    type SerializeMap = Impossible<(), PackError>;
    type SerializeStruct = Fields<'p, 'k>;
    type SerializeStructVariant = Impossible<(), PackError>;

    numbers! {
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_f32: f32,
        // Versions and counts: the shapes keep them within what a JS number holds exactly.
        serialize_u64: u64,
    }

    fn serialize_f64(self, value: f64) -> Result<(), PackError> {
        self.ops.extend([Op::Number.into(), value]);
        Ok(())
    }

    fn serialize_bool(self, value: bool) -> Result<(), PackError> {
        self.op(if value { Op::True } else { Op::False });
        Ok(())
    }

    fn serialize_char(self, value: char) -> Result<(), PackError> {
        self.serialize_str(value.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, value: &str) -> Result<(), PackError> {
        self.text_op(Op::Text, value);
        Ok(())
    }

    fn serialize_bytes(self, value: &[u8]) -> Result<(), PackError> {
        self.ops.extend([Op::Bytes.into(), value.len() as f64]);
        self.bytes.extend_from_slice(value);
        Ok(())
    }

    fn serialize_none(self) -> Result<(), PackError> {
        self.op(Op::Null);
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), PackError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), PackError> {
        self.serialize_none()
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), PackError> {
        self.serialize_none()
    }

    /// The domain's names for its enums.
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), PackError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), PackError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), PackError> {
        Err(unsupported("an enum variant with data"))
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, PackError> {
        self.op(Op::List);
        Ok(self)
    }

    refused! {
        serialize_tuple(usize) -> Self::SerializeTuple: "a tuple",
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct: "a tuple",
        serialize_tuple_variant(&'static str, u32, &'static str, usize)
            -> Self::SerializeTupleVariant: "an enum variant with data",
        serialize_map(Option<usize>) -> Self::SerializeMap: "a map",
        serialize_struct_variant(&'static str, u32, &'static str, usize)
            -> Self::SerializeStructVariant: "an enum variant with data",
    }

    /// An object, or a `Literal`: its values alone, which `seam.js` knows the keys of. Inlined
    /// into each shape's serializer, where the name is a constant and the choice is made as the
    /// code is compiled.
    #[inline(always)]
    fn serialize_struct(
        self,
        name: &'static str,
        _len: usize,
    ) -> Result<Fields<'p, 'k>, PackError> {
        let literal = Literal::of_struct(name);
        match literal {
            Some(literal) => self.ops.extend([Op::Literal.into(), f64::from(literal as u8)]),
            None => self.op(Op::Object),
        }
        Ok(Fields {
            packer: self,
            keyed: literal.is_none(),
        })
    }
}

impl ser::SerializeSeq for &mut Packer<'_> {
    type Ok = ();
    type Error = PackError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PackError> {
        value.serialize(&mut **self)
    }

    fn end(self) -> Result<(), PackError> {
        self.op(Op::End);
        Ok(())
    }
}

/// A struct's fields being written: each a key and its value, or for a literal its value alone.
pub struct Fields<'p, 'k> {
    packer: &'p mut Packer<'k>,
    keyed: bool,
}

impl ser::SerializeStruct for Fields<'_, '_> {
    type Ok = ();
    type Error = PackError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), PackError> {
        if self.keyed {
            self.packer.key(key);
        }
        value.serialize(&mut *self.packer)
    }

    fn end(self) -> Result<(), PackError> {
        self.packer.op(Op::End);
        Ok(())
    }
}
