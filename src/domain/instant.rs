//! The domain's instants: chrono `DateTime<Utc>` at millisecond precision, the precision of a JS
//! `Date`, within the years 0000 to 9999 in UTC, the range RFC 3339 can write. So an instant
//! survives the trip to JavaScript, and to any store, and back unchanged. Text in is RFC 3339;
//! text out is what `Date.prototype.toISOString()` writes.

use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};

/// RFC 3339 with an offset (chrono's reader: `T`, `t` or a space between date and time, `Z`,
/// `z` or `±hh:mm`), cut to the millisecond. A leap second (`:60`) becomes the first millisecond
/// of the next minute, as a JS `Date` would count it. `None` when the instant, in UTC, falls
/// outside 0000–9999 (`0000-01-01T00:00:00+01:00` is in year -1).
pub fn parse_rfc3339(text: &str) -> Option<DateTime<Utc>> {
    let parsed = DateTime::parse_from_rfc3339(text).ok()?;
    DateTime::from_timestamp_millis(parsed.timestamp_millis())
        .filter(|at| (0..=9999).contains(&at.year()))
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
        let millis = at.timestamp_subsec_millis() % 1000;
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
