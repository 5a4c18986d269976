//! The application's clock over JS's own: one `Date.now()` each time a command asks the time.

use chrono::{DateTime, Utc};

use crate::application::Clock;

/// The clock as one `Date.now()`, a number; chrono's `wasmbind` `Utc::now()` makes a `Date`
/// object and reads it, at each of a command's three readings (docs/choices.md has the figure).
#[derive(Debug, Clone, Copy, Default)]
pub struct JsClock;

impl Clock for JsClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
    }
}
