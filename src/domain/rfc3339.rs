//! RFC 3339 date-times (section 5.6) into a [`Timestamp`]: `2026-11-26T15:21:29.5+01:00`.

use super::Timestamp;

/// A cursor over the text; every read fails on anything unexpected, so a `?` chain is the grammar.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn digits(&mut self, count: usize) -> Option<u32> {
        let digits = self.bytes.get(self.at..self.at + count)?;
        self.at += count;
        digits.iter().try_fold(0u32, |value, &byte| {
            byte.is_ascii_digit()
                .then(|| value * 10 + u32::from(byte - b'0'))
        })
    }

    fn one_of(&mut self, allowed: &[u8]) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        allowed.contains(&byte).then_some(byte)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// `.` and one or more digits, as milliseconds; digits past the third are cut off.
    fn fraction_millis(&mut self) -> Option<u32> {
        if self.peek() != Some(b'.') {
            return Some(0);
        }
        self.at += 1;
        let start = self.at;
        let mut millis = 0;
        while let Some(byte) = self.peek().filter(u8::is_ascii_digit) {
            if self.at - start < 3 {
                millis = millis * 10 + u32::from(byte - b'0');
            }
            self.at += 1;
        }
        match self.at - start {
            0 => None,
            1 => Some(millis * 100),
            2 => Some(millis * 10),
            _ => Some(millis),
        }
    }

    /// `Z` or `±hh:mm` (hours to 23, minutes to 59), as minutes east of UTC. The minus may also
    /// be U+2212, as typeset text has it.
    fn offset_minutes(&mut self) -> Option<i64> {
        const MINUS_SIGN: &[u8] = "\u{2212}".as_bytes();
        let sign = if self
            .bytes
            .get(self.at..)
            .is_some_and(|rest| rest.starts_with(MINUS_SIGN))
        {
            self.at += MINUS_SIGN.len();
            -1
        } else {
            match self.one_of(b"Zz+-")? {
                b'+' => 1,
                b'-' => -1,
                _ => return Some(0),
            }
        };
        let hours = self.digits(2).filter(|&hours| hours < 24)?;
        self.one_of(b":")?;
        let minutes = self.digits(2).filter(|&minutes| minutes < 60)?;
        Some(sign * i64::from(hours * 60 + minutes))
    }
}

pub(super) fn parse(bytes: &[u8]) -> Option<Timestamp> {
    let mut text = Reader { bytes, at: 0 };
    let year = i64::from(text.digits(4)?);
    text.one_of(b"-")?;
    let month = text.digits(2)?;
    text.one_of(b"-")?;
    let day = text.digits(2)?;
    text.one_of(b"Tt ")?;
    let hour = text.digits(2)?;
    text.one_of(b":")?;
    let minute = text.digits(2)?;
    text.one_of(b":")?;
    let second = text.digits(2)?;
    let millis = text.fraction_millis()?;
    let offset = text.offset_minutes()?;
    if text.at != bytes.len() {
        return None;
    }
    let leap = second == 60;
    let local = Timestamp::from_civil(
        (year, month, day),
        (hour, minute, if leap { 59 } else { second }),
        millis,
    )?;
    let utc = local.unix_millis() - offset * 60_000 + if leap { 1000 } else { 0 };
    Timestamp::from_unix_millis(utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(text: &str) -> Option<i64> {
        parse(text.as_bytes()).map(Timestamp::unix_millis)
    }

    #[test]
    fn reads_every_form_rfc_3339_allows() {
        let at = Some(1_795_706_489_000);
        assert_eq!(millis("2026-11-26T15:21:29Z"), at);
        assert_eq!(millis("2026-11-26t15:21:29z"), at);
        assert_eq!(millis("2026-11-26 15:21:29Z"), at);
        assert_eq!(millis("2026-11-26T16:21:29+01:00"), at);
        assert_eq!(millis("2026-11-26T10:51:29-04:30"), at);
        assert_eq!(millis("2026-11-26T10:51:29\u{2212}04:30"), at);
        assert_eq!(millis("2026-11-26T15:21:29.1Z"), Some(1_795_706_489_100));
        assert_eq!(millis("2026-11-26T15:21:29.12Z"), Some(1_795_706_489_120));
        assert_eq!(
            millis("2026-11-26T15:21:29.123999999999Z"),
            Some(1_795_706_489_123)
        );
        assert_eq!(
            millis("2016-12-31T23:59:60Z"),
            millis("2017-01-01T00:00:00Z")
        );
        assert_eq!(millis("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
        assert_eq!(millis("0000-01-01T00:00:00Z"), Some(-62_167_219_200_000));
    }

    #[test]
    fn refuses_what_it_does_not_allow() {
        for text in [
            "",
            "2026-11-26",
            "2026-11-26T15:21:29",
            "2026-11-26T15:21:29.Z",
            "2026-11-26T15:21Z",
            "2026-11-26T15:21:29+0100",
            "2026-11-26T15:21:29+24:00",
            "2026-11-26T15:21:29+01:60",
            "2026-11-26T15:21:29Z ",
            "2026-11-26X15:21:29Z",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-11-00T00:00:00Z",
            "2026-11-26T24:00:00Z",
            "2026-11-26T23:60:00Z",
            "2026-11-26T23:59:61Z",
            "+2026-11-26T15:21:29Z",
            "２０２６-11-26T15:21:29Z",
        ] {
            assert_eq!(millis(text), None, "{text}");
        }
    }
}
