//! The crate's own RFC 3339 parsing and ISO formatting, checked against chrono (which the crate
//! used before) over generated text: same acceptance, same instant to the millisecond.
#![cfg(not(target_arch = "wasm32"))]

use chrono::{DateTime, SecondsFormat, Utc};
use connect_provider::Timestamp;
use proptest::prelude::*;

fn chrono_millis(text: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|time| time.with_timezone(&Utc).timestamp_millis())
}

/// Text shaped like RFC 3339, with every part sometimes out of range or malformed.
fn rfc3339_like() -> impl Strategy<Value = String> {
    (
        "[0-9]{4}",
        "(0[0-9]|1[0-3])",
        "([0-2][0-9]|3[0-2])",
        "[Tt _]",
        "([01][0-9]|2[0-5])",
        "[0-6][0-9]",
        "[0-6][0-9]",
        "(\\.[0-9]{0,12})?",
        "([Zz]|[+\u{2212}-]([01][0-9]|2[0-5]):[0-6][0-9]|[+-][0-9]{4})",
        "( |x)?",
    )
        .prop_map(|(y, mo, d, sep, h, mi, s, frac, offset, tail)| {
            format!("{y}-{mo}-{d}{sep}{h}:{mi}:{s}{frac}{offset}{tail}")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    #[test]
    fn parses_exactly_what_chrono_parses(text in rfc3339_like()) {
        prop_assert_eq!(
            Timestamp::parse_rfc3339(&text).map(Timestamp::unix_millis),
            chrono_millis(&text),
            "{}", text
        );
    }

    #[test]
    fn arbitrary_text_gets_the_same_answer(text in "\\PC{0,40}") {
        prop_assert_eq!(
            Timestamp::parse_rfc3339(&text).map(Timestamp::unix_millis),
            chrono_millis(&text)
        );
    }

    /// Years 0000–9999, where chrono and `toISOString` write the same thing.
    #[test]
    fn formats_as_chrono_and_parses_back(millis in -62_167_219_200_000i64..253_402_300_800_000) {
        let at = Timestamp::from_unix_millis(millis).unwrap();
        let reference = DateTime::<Utc>::from_timestamp_millis(millis).unwrap();
        prop_assert_eq!(at.to_string(), reference.to_rfc3339_opts(SecondsFormat::Millis, true));
        prop_assert_eq!(Timestamp::parse_rfc3339(&at.to_string()), Some(at));
    }
}

#[test]
fn the_range_is_a_js_dates() {
    assert_eq!(Timestamp::from_unix_millis(8_640_000_000_000_001), None);
    assert_eq!(Timestamp::from_unix_millis(-8_640_000_000_000_001), None);
    assert_eq!(Timestamp::MAX.unix_millis(), 8_640_000_000_000_000);
}
