//! The wall clock as JS has it: one `Date.now()` call, where a `Date` object would cost two
//! crossings and an allocation, five times a command.

use crate::application::Clock;
use crate::domain::Timestamp;

#[derive(Debug, Clone, Copy, Default)]
pub struct JsClock;

impl Clock for JsClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_unix_millis(js_sys::Date::now() as i64).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}
