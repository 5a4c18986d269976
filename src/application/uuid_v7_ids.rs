use std::cell::{Cell, RefCell};

use chrono::{DateTime, Utc};
use uuid::{Builder, Uuid};

use super::{IdSource, RandomSource, SystemRandom};

/// The 12-bit `rand_a` field of a v7 id, used as a counter within one millisecond.
const COUNTER_MAX: u16 = 0x0fff;
/// A new millisecond's counter starts at random below this, leaving room to count up.
const COUNTER_SEED_MASK: u16 = 0x07ff;

/// UUID v7 ids, built by uuid's `Builder`, that strictly increase even when the clock stands
/// still or steps back (workerd freezes `Date.now()` within a request): RFC 9562's fixed-length
/// counter method, a 12-bit counter in `rand_a` seeded at random each millisecond; when it runs
/// out, the id moves on to the next millisecond. The other 62 bits are random, drawn from a pool
/// a kilobyte at a time, since asking the system (or crossing into JS) per id costs more than
/// everything else a handler does.
#[derive(Debug, Default)]
pub struct UuidV7Ids<R = SystemRandom> {
    random: R,
    last: Cell<Option<(u64, u16)>>,
    pool: RefCell<RandomPool>,
}

impl UuidV7Ids {
    pub fn new() -> Self {
        Self::default()
    }
}

impl<R: RandomSource> UuidV7Ids<R> {
    pub fn with_random(random: R) -> Self {
        Self {
            random,
            last: Cell::new(None),
            pool: RefCell::default(),
        }
    }
}

impl<R: RandomSource> IdSource for UuidV7Ids<R> {
    fn next_id(&self, now: DateTime<Utc>) -> Uuid {
        let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
        let mut pool = self.pool.borrow_mut();
        let (ms, counter) = advance(self.last.get(), now_ms, || {
            u16::from_be_bytes(pool.take(&self.random)) & COUNTER_SEED_MASK
        });
        self.last.set(Some((ms, counter)));
        let mut bytes = [0u8; 10];
        bytes[..2].copy_from_slice(&counter.to_be_bytes());
        for pair in bytes[2..].chunks_exact_mut(2) {
            pair.copy_from_slice(&pool.take(&self.random));
        }
        Builder::from_unix_timestamp_millis(ms, &bytes).into_uuid()
    }
}

/// The next (millisecond, counter) after `last`; `seed` starts a new millisecond's counter.
fn advance(last: Option<(u64, u16)>, now_ms: u64, seed: impl FnOnce() -> u16) -> (u64, u16) {
    match last {
        Some((last_ms, counter)) if now_ms <= last_ms && counter < COUNTER_MAX => {
            (last_ms, counter + 1)
        }
        Some((last_ms, _)) if now_ms <= last_ms => (last_ms + 1, seed()),
        _ => (now_ms, seed()),
    }
}

#[derive(Debug)]
struct RandomPool {
    bytes: [u8; 1024],
    at: usize,
}

impl Default for RandomPool {
    fn default() -> Self {
        Self {
            bytes: [0; 1024],
            at: 1024,
        }
    }
}

impl RandomPool {
    /// Two random bytes. Should the system have no randomness, ids stay unique and ordered
    /// through the timestamp and counter alone.
    fn take(&mut self, random: &impl RandomSource) -> [u8; 2] {
        if self.at + 2 > self.bytes.len() {
            if !random.fill(&mut self.bytes) {
                self.bytes = [0; 1024];
            }
            self.at = 0;
        }
        let pair = [self.bytes[self.at], self.bytes[self.at + 1]];
        self.at += 2;
        pair
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stalled_clock_counts_up_within_the_millisecond() {
        assert_eq!(advance(Some((10, 5)), 10, || 99), (10, 6));
    }

    #[test]
    fn a_clock_stepping_back_keeps_the_last_millisecond() {
        assert_eq!(advance(Some((10, 5)), 7, || 99), (10, 6));
    }

    #[test]
    fn a_new_millisecond_starts_from_a_fresh_seed() {
        assert_eq!(advance(Some((10, 5)), 11, || 99), (11, 99));
        assert_eq!(advance(None, 3, || 42), (3, 42));
    }

    #[test]
    fn a_full_counter_moves_on_to_the_next_millisecond() {
        assert_eq!(advance(Some((10, COUNTER_MAX)), 10, || 99), (11, 99));
    }

    struct Counting(Cell<u8>, bool);

    impl RandomSource for Counting {
        fn fill(&self, bytes: &mut [u8]) -> bool {
            self.0.set(self.0.get() + 1);
            bytes.fill(self.0.get());
            self.1
        }
    }

    fn at(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(ms).unwrap()
    }

    #[test]
    fn builds_version_7_ids_whose_timestamp_is_the_moment_given() {
        let ids = UuidV7Ids::with_random(Counting(Cell::new(0), true));
        let id = ids.next_id(at(0x0123_4567_89ab));
        assert_eq!(id.get_version_num(), 7);
        assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
        assert_eq!(&id.to_string()[..13], "01234567-89ab");
        assert_eq!(
            id.get_timestamp().map(|ts| ts.to_unix()),
            Some((
                0x0123_4567_89ab / 1000,
                (0x0123_4567_89ab_u64 % 1000 * 1_000_000) as u32
            ))
        );
    }

    #[test]
    fn the_pool_is_refilled_after_a_kilobyte() {
        let ids = UuidV7Ids::with_random(Counting(Cell::new(0), true));
        // A new millisecond takes 2 bytes for the seed and 8 for the tail: 102 ids a kilobyte.
        let made: Vec<Uuid> = (1..=103).map(|ms| ids.next_id(at(ms))).collect();
        assert_eq!(ids.random.0.get(), 2);
        assert_eq!(made[0].as_bytes()[8..], [0x81, 1, 1, 1, 1, 1, 1, 1]);
        assert_eq!(made[102].as_bytes()[8..], [0x81, 1, 2, 2, 2, 2, 2, 2]);
    }

    #[test]
    fn without_randomness_ids_stay_unique_and_ordered() {
        let ids = UuidV7Ids::with_random(Counting(Cell::new(0), false));
        let made: Vec<Uuid> = (1..=300).map(|ms| ids.next_id(at(ms / 3))).collect();
        assert!(made.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn ids_strictly_increase_in_one_millisecond_and_past_it() {
        let ids = UuidV7Ids::new();
        let made: Vec<Uuid> = (0..20_000)
            .map(|_| ids.next_id(at(1_795_706_489_123)))
            .collect();
        assert!(made.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
