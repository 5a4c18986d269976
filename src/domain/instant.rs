//! The domain's instants: chrono `DateTime<Utc>` at millisecond precision, the precision of a JS
//! `Date`, within the years 0000 to 9999 in UTC, the range RFC 3339 can write. So an instant
//! survives the trip to JavaScript, and to any store, and back unchanged. Text in is RFC 3339;
//! text out is what `Date.prototype.toISOString()` writes.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Timelike, Utc};

/// RFC 3339 with an offset (chrono's reader: `T`, `t` or a space between date and time, `Z`,
/// `z` or `±hh:mm`), cut to the millisecond. A leap second (`:60`) becomes the first millisecond
/// of the next minute, as a JS `Date` would count it. `None` when the instant, in UTC, falls
/// outside 0000–9999 (`0000-01-01T00:00:00+01:00` is in year -1).
pub fn parse_rfc3339(text: &str) -> Option<DateTime<Utc>> {
    if let Some(fixed) = fixed_form(text.as_bytes()) {
        return fixed;
    }
    let parsed = DateTime::parse_from_rfc3339(text).ok()?;
    DateTime::from_timestamp_millis(parsed.timestamp_millis())
        .filter(|at| (0..=9999).contains(&at.year()))
}

/// The forms instants are stored and sent in, read without chrono's general parser: what
/// `toISOString()` writes (`2026-11-26T15:21:29.123Z`) and the same without its milliseconds.
/// `None` for any other form (the general parser reads it), `Some(None)` for an invalid date or
/// time in this form. A leap second goes to the general parser, which carries it over.
fn fixed_form(text: &[u8]) -> Option<Option<DateTime<Utc>>> {
    let millis = match text.len() {
        24 if text[19] == b'.' && text[23] == b'Z' => Some(&text[20..23]),
        20 if text[19] == b'Z' => None,
        _ => return None,
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators.iter().any(|&(at, byte)| text[at] != byte) {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |value, digit| {
            digit
                .is_ascii_digit()
                .then(|| value * 10 + u32::from(digit - b'0'))
        })
    };
    let second = number(&text[17..19])?;
    if second == 60 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        number(&text[..4])? as i32,
        number(&text[5..7])?,
        number(&text[8..10])?,
    );
    let millis = match millis {
        Some(digits) => number(digits)?,
        None => 0,
    };
    Some(date.and_then(|date| {
        date.and_hms_milli_opt(
            number(&text[11..13])?,
            number(&text[14..16])?,
            second,
            millis,
        )
        .map(|at| at.and_utc())
    }))
}

/// `2026-11-26T15:21:29.123Z`, exactly as `Date.prototype.toISOString()` writes it (every
/// instant here has a four-digit year).
pub fn to_iso_string(at: DateTime<Utc>) -> String {
    IsoText::of(at).as_str().to_owned()
}

/// An instant's ISO text without an allocation: lists write a few of these per connection.
pub struct IsoText(IsoBytes);

enum IsoBytes {
    /// The years 0000 to 9999, written digit by digit.
    Fixed([u8; 24]),
    /// Any other, which no instant of the domain is, written by chrono.
    Other(String),
}

impl IsoText {
    pub fn of(at: DateTime<Utc>) -> Self {
        if !(0..=9999).contains(&at.year()) {
            return Self(IsoBytes::Other(
                at.to_rfc3339_opts(SecondsFormat::Millis, true),
            ));
        }
        let mut text = *b"0000-00-00T00:00:00.000Z";
        // The naive UTC time, so no accessor adds the (zero) offset again.
        let at = at.naive_utc();
        let millis = at.nanosecond() / 1_000_000 % 1000;
        let fields = [
            (0, 4, at.year() as u32),
            (5, 2, at.month()),
            (8, 2, at.day()),
            (11, 2, at.hour()),
            (14, 2, at.minute()),
            (17, 2, at.second()),
            (20, 3, millis),
        ];
        for (start, width, mut value) in fields {
            for digit in text[start..start + width].iter_mut().rev() {
                *digit = b'0' + (value % 10) as u8;
                value /= 10;
            }
        }
        Self(IsoBytes::Fixed(text))
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            IsoBytes::Fixed(bytes) => std::str::from_utf8(bytes).unwrap_or_default(),
            IsoBytes::Other(text) => text,
        }
    }
}

/// The current time cut to the millisecond.
pub fn truncate_to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(at.timestamp_millis()).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(text: &str) -> Option<i64> {
        parse_rfc3339(text).map(|at| at.timestamp_millis())
    }

    #[test]
    fn reads_every_form_rfc_3339_allows_to_the_millisecond() {
        let at = Some(1_795_706_489_000);
        for text in [
            "2026-11-26T15:21:29Z",
            "2026-11-26t15:21:29z",
            "2026-11-26 15:21:29Z",
            "2026-11-26T16:21:29+01:00",
            "2026-11-26T10:51:29-04:30",
            "2026-11-26T10:51:29\u{2212}04:30",
            "2026-11-26T15:21:29-00:00",
        ] {
            assert_eq!(millis(text), at, "{text}");
        }
        assert_eq!(millis("2026-11-26T15:21:29.1Z"), Some(1_795_706_489_100));
        assert_eq!(
            millis("2026-11-26T15:21:29.123999999999Z"),
            Some(1_795_706_489_123)
        );
        assert_eq!(
            millis("2016-12-31T23:59:60Z"),
            millis("2017-01-01T00:00:00Z")
        );
        assert_eq!(millis("0000-01-01T00:00:00Z"), Some(-62_167_219_200_000));
        assert_eq!(
            millis("9999-12-31T23:59:59.999Z"),
            Some(253_402_300_799_999)
        );
    }

    #[test]
    fn refuses_what_rfc_3339_does_not_allow() {
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
            "2026-02-29T00:00:00Z",
            "2026-11-26T24:00:00Z",
            "2026-11-26T23:59:61Z",
            "+2026-11-26T15:21:29Z",
            "２０２６-11-26T15:21:29Z",
            // In UTC these fall in year -1 and 10000, which RFC 3339 cannot write back.
            "0000-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-00:01",
        ] {
            assert_eq!(millis(text), None, "{text}");
        }
    }

    #[test]
    fn the_fixed_forms_read_as_chronos_general_parser_reads_them() {
        let general = |text: &str| {
            DateTime::parse_from_rfc3339(text)
                .ok()
                .and_then(|at| DateTime::from_timestamp_millis(at.timestamp_millis()))
                .filter(|at| (0..=9999).contains(&at.year()))
        };
        let mut texts = vec![
            "2026-02-29T00:00:00Z".to_owned(),
            "2024-02-29T23:59:59.999Z".to_owned(),
            "2026-13-01T00:00:00Z".to_owned(),
            "2026-00-10T00:00:00.000Z".to_owned(),
            "2026-11-31T00:00:00Z".to_owned(),
            "2026-11-26T24:00:00.000Z".to_owned(),
            "2026-11-26T23:60:00Z".to_owned(),
            "2016-12-31T23:59:60.500Z".to_owned(),
            "0000-01-01T00:00:00.000Z".to_owned(),
            "9999-12-31T23:59:59.999Z".to_owned(),
            "2026-11-2615:21:29.123Z".to_owned(),
            "2026-1a-26T15:21:29.123Z".to_owned(),
            "2026-11-26T15:21:29.12aZ".to_owned(),
            "2026-11-26T15:21:29.123+".to_owned(),
        ];
        let mut ms: i64 = -62_167_219_200_000;
        while ms < 253_402_300_799_999 {
            let at = DateTime::from_timestamp_millis(ms).unwrap();
            texts.push(to_iso_string(at));
            texts.push(at.to_rfc3339_opts(SecondsFormat::Secs, true));
            ms += 7_919_999_999_983;
        }
        for text in &texts {
            assert_eq!(parse_rfc3339(text), general(text), "{text}");
        }
    }

    #[test]
    fn writes_like_to_iso_string_and_reads_its_own_output_back() {
        for (ms, text) in [
            (1_795_706_489_123, "2026-11-26T15:21:29.123Z"),
            (0, "1970-01-01T00:00:00.000Z"),
            (-62_167_219_200_000, "0000-01-01T00:00:00.000Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        ] {
            let at = DateTime::from_timestamp_millis(ms).unwrap();
            assert_eq!(to_iso_string(at), text);
            assert_eq!(parse_rfc3339(text), Some(at), "{text}");
        }
    }
}
