//! The domain's instants: chrono `DateTime<Utc>` at millisecond precision, the precision of a JS
//! `Date`, within the years 0000 to 9999 in UTC, the range RFC 3339 can write. So an instant
//! survives the trip to JavaScript, and to any store, and back unchanged. Text in is RFC 3339;
//! text out is what `Date.prototype.toISOString()` writes.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, SecondsFormat, Timelike, Utc};

/// RFC 3339 with an offset, read by hand as chrono's own reader reads it (chrono's reader was
/// 5.5 KB of the gzipped module: docs/choices.md): `YYYY-MM-DD`, then `T`, `t` or a space,
/// `hh:mm:ss`, any number of fraction digits (cut to the millisecond), then `Z`, `z` or
/// `±hh:mm` (the minus may be U+2212). A leap second (`:60`) counts into the next minute, as a
/// JS `Date` would. `None` for any other text, an invalid date or time, or an instant that in
/// UTC falls outside 0000–9999 (`0000-01-01T00:00:00+01:00` is in year -1).
pub fn parse_rfc3339(text: &str) -> Option<DateTime<Utc>> {
    let text = text.as_bytes();
    let is = |at: usize, allowed: &[u8]| text.get(at).is_some_and(|byte| allowed.contains(byte));
    if !(is(4, b"-") && is(7, b"-") && is(10, b"Tt ") && is(13, b":") && is(16, b":")) {
        return None;
    }
    let number = |at: usize, width: usize| digits(text.get(at..at + width)?);
    let date = NaiveDate::from_ymd_opt(number(0, 4)? as i32, number(5, 2)?, number(8, 2)?)?;
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    // The fraction's digits, if it has any: a `.` must be followed by one.
    let dot = text.get(19) == Some(&b'.');
    let after_dot = text.get(20..).unwrap_or_default();
    let fraction = after_dot
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .count();
    let fraction = match (dot, fraction) {
        (false, _) => 0,
        (true, 0) => return None,
        (true, count) => count,
    };
    // ".1" is 100 ms; digits past the third are cut.
    let millis = (0..3).fold(0, |value, at| {
        let digit = after_dot
            .get(at)
            .filter(|_| at < fraction)
            .map_or(0, |d| d - b'0');
        value * 10 + u32::from(digit)
    });
    let rest = text
        .get(19 + usize::from(dot) + fraction..)
        .unwrap_or_default();
    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), hours @ .., b':', m1, m2] if hours.len() == 2 => {
            offset(*sign == b'-', hours, &[*m1, *m2])?
        }
        [0xE2, 0x88, 0x92, hours @ .., b':', m1, m2] if hours.len() == 2 => {
            offset(true, hours, &[*m1, *m2])?
        }
        _ => return None,
    };
    // A leap second is chrono's 59th second with a millisecond past 999.
    let time = match second {
        60 => NaiveTime::from_hms_milli_opt(hour, minute, 59, 1000 + millis)?,
        _ => NaiveTime::from_hms_milli_opt(hour, minute, second, millis)?,
    };
    let at = date.and_time(time).and_utc();
    if offset_minutes == 0 && second != 60 {
        return Some(at);
    }
    DateTime::from_timestamp_millis(at.timestamp_millis() - offset_minutes * 60_000)
        .filter(|at| (0..=9999).contains(&at.year()))
}

/// The value of ASCII digits; `None` if any is not one.
fn digits(text: &[u8]) -> Option<u32> {
    text.iter().try_fold(0u32, |value, digit| {
        digit
            .is_ascii_digit()
            .then(|| value * 10 + u32::from(digit - b'0'))
    })
}

/// An offset in minutes, west negative; hours up to 23 and minutes up to 59.
fn offset(west: bool, hours: &[u8], minutes: &[u8]) -> Option<i64> {
    let (hours, minutes) = (digits(hours)?, digits(minutes)?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    let east = i64::from(hours * 60 + minutes);
    Some(if west { -east } else { east })
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
    fn reads_every_text_as_chronos_general_parser_reads_it() {
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
        for text in [
            "2026-11-26T15:21:60Z",
            "2026-11-26T15:21:60.999+05:30",
            "2026-11-26T15:21:29.12345678901234567890Z",
            "2026-11-26T15:21:29.5-00:00",
            "2026-11-26T15:21:29\u{2212}23:59",
            "2026-11-26T15:21:29+23:59",
            "2026-11-26T15:21:29+00:0",
            "2026-11-26T15:21:29+0:00",
            "2026-11-26T15:21:29.1.2Z",
            "2026-11-26T15:21:29ZZ",
            "2026-11-26T15:21:29\u{2212}",
            "2026-11-26T15:21:29\u{2013}01:00",
            "0000-01-01T00:59:59-01:00",
            "9999-12-31T23:59:59.999+00:01",
            "9999-12-31T23:59:60Z",
            "2026-11-26T15:21:29",
            "2026-11-26T15:21:2",
        ] {
            texts.push(text.to_owned());
        }
        let offsets = [0, 1, -1, 330, -570, 1439, -1439];
        let mut ms: i64 = -62_167_219_200_000;
        let mut turn = 0;
        while ms < 253_402_300_799_999 {
            let at = DateTime::from_timestamp_millis(ms).unwrap();
            texts.push(to_iso_string(at));
            texts.push(at.to_rfc3339_opts(SecondsFormat::Secs, true));
            let offset = chrono::FixedOffset::east_opt(offsets[turn % offsets.len()] * 60).unwrap();
            let format = [
                SecondsFormat::Secs,
                SecondsFormat::Millis,
                SecondsFormat::Micros,
                SecondsFormat::Nanos,
            ][turn % 4];
            let text = at.with_timezone(&offset).to_rfc3339_opts(format, false);
            texts.push(text.replacen('T', [" ", "t", "T"][turn % 3], 1));
            texts.push(text.replace('-', "\u{2212}"));
            ms += 791_999_999_983;
            turn += 1;
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
