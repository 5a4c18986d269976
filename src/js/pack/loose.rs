//! A command's pack read as it came: its rules tell a missing field from one of the wrong kind,
//! and word each refusal themselves, naming the field (`js::decode`).

use zeroize::Zeroizing;

use super::read::broken;
use super::{Op, PackError, Reader};
use crate::js::seam::Tag;

pub enum Loose {
    /// `null`, `undefined`, or no such property (a command that is not an object is one too).
    Absent,
    Bool(bool),
    Number(f64),
    Text(String),
    Bytes(Zeroizing<Vec<u8>>),
    /// A command's fields' values, in `decode::Field`'s order; empty for the credentials (their
    /// fields follow the command's) or an object in another field.
    Object(Vec<Loose>),
    /// A string too long to copy: its number in `seam.js` (`raw::long_text`).
    Long(u32),
    /// A value `seam.js` would not copy, and why.
    Refused(Tag),
}

impl Reader<'_> {
    /// The next value of a command's pack, as it came (its objects hold values, not keys).
    pub fn loose(&mut self) -> Result<Loose, PackError> {
        Ok(match self.next()? {
            Op::Null => Loose::Absent,
            Op::True => Loose::Bool(true),
            Op::False => Loose::Bool(false),
            Op::Number => Loose::Number(self.number()?),
            Op::Text => Loose::Text(self.take_text()?.to_owned()),
            Op::Bytes => Loose::Bytes(Zeroizing::new(self.take_bytes()?.to_vec())),
            Op::Object => {
                let mut values = Vec::new();
                while self.peek()? != Op::End {
                    values.push(self.loose()?);
                }
                self.next()?;
                Loose::Object(values)
            }
            Op::Long => Loose::Long(self.number()? as u32),
            Op::Refused => Loose::Refused(Tag::of(self.number()?)),
            Op::List | Op::Key | Op::NewKey | Op::End => return Err(broken()),
        })
    }
}
