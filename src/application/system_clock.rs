use chrono::{DateTime, SubsecRound, Utc};

use super::Clock;

/// Wall-clock time at millisecond precision, the precision of a JS `Date`, so a timestamp
/// survives the trip to JavaScript and back unchanged.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(3)
    }
}
