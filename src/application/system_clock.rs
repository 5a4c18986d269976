/// Wall-clock time at millisecond precision, the precision of a JS `Date`, so a timestamp
/// survives the trip to JavaScript and back unchanged. Not on wasm32-unknown-unknown, which has
/// no system clock (std's panics there): the JS bridge brings its own, `Date.now()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl super::Clock for SystemClock {
    fn now(&self) -> crate::domain::Timestamp {
        use std::time::SystemTime;

        use crate::domain::Timestamp;

        let millis = match SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_millis()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
        };
        Timestamp::from_unix_millis(millis).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}
