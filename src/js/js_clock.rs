//! The wall clock as JS has it: one `Date.now()` call, where chrono's wasm clock makes a `Date`
//! object and reads it (two crossings and an allocation, five times a command).

use chrono::{DateTime, Utc};

use crate::application::Clock;

#[derive(Debug, Clone, Copy, Default)]
pub struct JsClock;

impl Clock for JsClock {
    fn now(&self) -> DateTime<Utc> {
        let ms = js_sys::Date::now() as i64;
        DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::UNIX_EPOCH)
    }
}
