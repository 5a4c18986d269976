use chrono::{DateTime, Utc};

use crate::domain::instant::truncate_to_millis;

/// chrono's `Utc::now()`, cut to the millisecond: the operating system's clock natively, and
/// `Date` through chrono's `wasmbind` feature in WebAssembly.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl super::Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        truncate_to_millis(Utc::now())
    }
}
