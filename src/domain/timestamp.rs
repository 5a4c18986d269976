use std::fmt;
use std::ops::{Add, Sub};
use std::time::Duration;

use super::calendar::{civil_from_days, days_from_civil, days_in_month};

/// A UTC instant at millisecond precision, over the range a JS `Date` can hold, so every
/// timestamp survives the trip to JavaScript and back unchanged.
///
/// It replaces chrono: the domain needs one text form in (RFC 3339) and one out (what
/// `Date.prototype.toISOString()` writes), and chrono's parsing, formatting and calendar tables
/// were a sixth of the wasm module.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    unix_millis: i64,
}

/// ±100,000,000 days from the epoch: the range ECMAScript gives a `Date`.
const MAX_UNIX_MILLIS: i64 = 8_640_000_000_000_000;
const MILLIS_PER_DAY: i64 = 86_400_000;

impl Timestamp {
    pub const UNIX_EPOCH: Self = Self { unix_millis: 0 };
    pub const MIN: Self = Self {
        unix_millis: -MAX_UNIX_MILLIS,
    };
    pub const MAX: Self = Self {
        unix_millis: MAX_UNIX_MILLIS,
    };

    /// `None` outside the range of a JS `Date`.
    pub const fn from_unix_millis(unix_millis: i64) -> Option<Self> {
        if unix_millis < -MAX_UNIX_MILLIS || unix_millis > MAX_UNIX_MILLIS {
            return None;
        }
        Some(Self { unix_millis })
    }

    pub const fn unix_millis(self) -> i64 {
        self.unix_millis
    }

    /// Civil UTC date and time; `None` when a field is out of its range (February 30th, hour 24).
    pub fn from_civil(date: (i64, u32, u32), time: (u32, u32, u32), millis: u32) -> Option<Self> {
        let (year, month, day) = date;
        let (hour, minute, second) = time;
        let valid = (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second < 60
            && millis < 1000;
        if !valid {
            return None;
        }
        let seconds = i64::from(hour * 3600 + minute * 60 + second);
        let millis = days_from_civil(year, month, day)
            .checked_mul(MILLIS_PER_DAY)?
            .checked_add(seconds * 1000 + i64::from(millis))?;
        Self::from_unix_millis(millis)
    }

    /// RFC 3339 with an offset (`Z` or `±hh:mm`, either case of `T` and `Z`, or a space between
    /// date and time). Fractions past the millisecond are cut off; a leap second (`:60`) counts
    /// as the first millisecond of the next minute.
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        super::rfc3339::parse(text.as_bytes())
    }

    /// `None` when the result leaves the range of a JS `Date`.
    pub fn checked_add(self, span: Duration) -> Option<Self> {
        let millis = i64::try_from(span.as_millis()).ok()?;
        Self::from_unix_millis(self.unix_millis.checked_add(millis)?)
    }

    pub fn checked_sub(self, span: Duration) -> Option<Self> {
        let millis = i64::try_from(span.as_millis()).ok()?;
        Self::from_unix_millis(self.unix_millis.checked_sub(millis)?)
    }

    /// How long after `earlier` this is; zero when it is not later.
    pub fn saturating_duration_since(self, earlier: Self) -> Duration {
        let millis = self.unix_millis.saturating_sub(earlier.unix_millis).max(0);
        Duration::from_millis(millis.unsigned_abs())
    }

    /// Year, month, day, hour, minute, second and millisecond in UTC.
    fn to_civil(self) -> ((i64, u32, u32), (u32, u32, u32), u32) {
        let days = self.unix_millis.div_euclid(MILLIS_PER_DAY);
        let in_day = self.unix_millis.rem_euclid(MILLIS_PER_DAY) as u32;
        let seconds = in_day / 1000;
        (
            civil_from_days(days),
            (seconds / 3600, seconds / 60 % 60, seconds % 60),
            in_day % 1000,
        )
    }
}

/// Saturates at the ends of the range rather than panicking.
impl Add<Duration> for Timestamp {
    type Output = Self;
    fn add(self, span: Duration) -> Self {
        self.checked_add(span).unwrap_or(Self::MAX)
    }
}

impl Sub<Duration> for Timestamp {
    type Output = Self;
    fn sub(self, span: Duration) -> Self {
        self.checked_sub(span).unwrap_or(Self::MIN)
    }
}

/// The form `Date.prototype.toISOString()` writes: `2026-11-26T15:21:29.123Z`, with a signed
/// six-digit year outside 0000–9999.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buffer = [0u8; 27];
        f.write_str(self.write_iso(&mut buffer))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Timestamp {
    /// The `Display` form without the formatting machinery, for the hot path.
    pub fn write_iso(self, buffer: &mut [u8; 27]) -> &str {
        let ((year, month, day), (hour, minute, second), millis) = self.to_civil();
        let mut at = 0;
        let mut put = |value: u32, digits: u32, after: u8| {
            for place in (0..digits).rev() {
                buffer[at] = b'0' + (value / 10u32.pow(place) % 10) as u8;
                at += 1;
            }
            if after != 0 {
                buffer[at] = after;
                at += 1;
            }
        };
        if (0..=9999).contains(&year) {
            put(year as u32, 4, b'-');
        } else {
            let sign = if year < 0 { b'-' } else { b'+' };
            put(0, 0, sign);
            put(year.unsigned_abs() as u32, 6, b'-');
        }
        put(month, 2, b'-');
        put(day, 2, b'T');
        put(hour, 2, b':');
        put(minute, 2, b':');
        put(second, 2, b'.');
        put(millis, 3, b'Z');
        // Only ASCII digits and separators were written.
        std::str::from_utf8(&buffer[..at]).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_to_iso_string() {
        let at = Timestamp::from_unix_millis(1_795_706_489_123).unwrap();
        assert_eq!(at.to_string(), "2026-11-26T15:21:29.123Z");
        assert_eq!(
            Timestamp::UNIX_EPOCH.to_string(),
            "1970-01-01T00:00:00.000Z"
        );
        assert_eq!(Timestamp::MAX.to_string(), "+275760-09-13T00:00:00.000Z");
        assert_eq!(Timestamp::MIN.to_string(), "-271821-04-20T00:00:00.000Z");
        let before_year_zero = Timestamp::from_unix_millis(-62_167_219_200_001).unwrap();
        assert_eq!(before_year_zero.to_string(), "-000001-12-31T23:59:59.999Z");
    }

    #[test]
    fn arithmetic_saturates_at_the_range() {
        assert_eq!(Timestamp::MAX + Duration::from_millis(1), Timestamp::MAX);
        assert_eq!(Timestamp::MIN - Duration::from_millis(1), Timestamp::MIN);
        let at = Timestamp::UNIX_EPOCH + Duration::from_secs(90);
        assert_eq!(at.unix_millis(), 90_000);
        assert_eq!(
            at.saturating_duration_since(Timestamp::UNIX_EPOCH),
            Duration::from_secs(90)
        );
        assert_eq!(
            Timestamp::UNIX_EPOCH.saturating_duration_since(at),
            Duration::ZERO
        );
    }
}
