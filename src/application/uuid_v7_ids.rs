use std::cell::{Cell, RefCell};

use uuid::Uuid;

use super::{IdSource, RandomSource, SystemRandom};
use crate::domain::Timestamp;

/// Bits of an RFC 9562 v7 id after the 48-bit timestamp, less version and variant.
const COUNTER_BITS: u32 = 74;
const RAND_B_BITS: u32 = 62;
const RAND_B_MASK: u128 = (1 << RAND_B_BITS) - 1;

/// UUID v7 ids that are strictly increasing even when the clock stalls or steps back
/// (workerd freezes `Date.now()` within a request): RFC 9562's "monotonic random" method,
/// where the random tail counts up within one millisecond.
#[derive(Debug, Default)]
pub struct UuidV7Ids<R = SystemRandom> {
    random: R,
    last: Cell<Option<(u64, u128)>>,
    pool: RefCell<RandomPool>,
}

impl UuidV7Ids {
    pub fn new() -> Self {
        Self::default()
    }
}

impl<R: RandomSource> UuidV7Ids<R> {
    /// Ids drawn from `random` (the JS bridge passes the host's own randomness).
    pub fn with_random(random: R) -> Self {
        Self {
            random,
            last: Cell::new(None),
            pool: RefCell::default(),
        }
    }
}

impl<R: RandomSource> IdSource for UuidV7Ids<R> {
    fn next_id(&self, now: Timestamp) -> Uuid {
        let now_ms = u64::try_from(now.unix_millis()).unwrap_or(0);
        let next = match self.last.get() {
            Some((last_ms, _)) if now_ms <= last_ms => advance(self.last.get(), now_ms, 0),
            last => advance(last, now_ms, self.pool.borrow_mut().counter(&self.random)),
        };
        self.last.set(Some(next));
        compose(next.0, next.1)
    }
}

/// The next (millisecond, counter) after `last`; `fresh` seeds a new millisecond.
pub(crate) fn advance(last: Option<(u64, u128)>, now_ms: u64, fresh: u128) -> (u64, u128) {
    match last {
        Some((last_ms, counter)) if now_ms <= last_ms => {
            let next = counter + 1;
            if next >> COUNTER_BITS == 0 {
                (last_ms, next)
            } else {
                (last_ms + 1, fresh)
            }
        }
        _ => (now_ms, fresh),
    }
}

/// Lays out timestamp, version 7, counter high bits, variant 10, counter low bits.
pub(crate) fn compose(ms: u64, counter: u128) -> Uuid {
    let rand_a = (counter >> RAND_B_BITS) & 0xfff;
    let rand_b = counter & RAND_B_MASK;
    let ms = u128::from(ms) & ((1 << 48) - 1);
    Uuid::from_u128((ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b)
}

/// Random bytes drawn a kilobyte at a time, since a call to the system (or a crossing into JS)
/// per id costs more than everything else the handler does.
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
    /// 73 random bits: the top counter bit stays clear, leaving room to count up. Should the
    /// system have no randomness, ids stay unique and ordered through the counter alone.
    fn counter(&mut self, random: &impl RandomSource) -> u128 {
        if self.at + 10 > self.bytes.len() {
            if !random.fill(&mut self.bytes) {
                self.bytes = [0; 1024];
            }
            self.at = 0;
        }
        let mut counter = [0u8; 16];
        counter[6..].copy_from_slice(&self.bytes[self.at..self.at + 10]);
        self.at += 10;
        u128::from_be_bytes(counter) & ((1 << (COUNTER_BITS - 1)) - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stalled_clock_counts_up_within_the_millisecond() {
        assert_eq!(advance(Some((10, 5)), 10, 99), (10, 6));
    }

    #[test]
    fn a_clock_stepping_back_keeps_the_last_millisecond() {
        assert_eq!(advance(Some((10, 5)), 7, 99), (10, 6));
    }

    #[test]
    fn a_new_millisecond_starts_from_fresh_randomness() {
        assert_eq!(advance(Some((10, 5)), 11, 99), (11, 99));
        assert_eq!(advance(None, 3, 42), (3, 42));
    }

    #[test]
    fn counter_overflow_moves_to_the_next_millisecond() {
        let full = (1u128 << COUNTER_BITS) - 1;
        assert_eq!(advance(Some((10, full)), 10, 99), (11, 99));
    }

    #[test]
    fn compose_sets_version_variant_and_timestamp() {
        let id = compose(0x0123_4567_89ab, (1u128 << COUNTER_BITS) - 1);
        assert_eq!(id.get_version_num(), 7);
        assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
        assert_eq!(id.to_string(), "01234567-89ab-7fff-bfff-ffffffffffff");
    }

    #[test]
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    fn ids_strictly_increase() {
        let ids = UuidV7Ids::new();
        let now = at(1_795_706_489_123);
        let made: Vec<Uuid> = (0..10_000).map(|_| ids.next_id(now)).collect();
        assert!(made.windows(2).all(|pair| pair[0] < pair[1]));
    }

    struct Counting(Cell<u8>, bool);

    impl RandomSource for Counting {
        fn fill(&self, bytes: &mut [u8]) -> bool {
            self.0.set(self.0.get() + 1);
            bytes.fill(self.0.get());
            self.1
        }
    }

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_unix_millis(ms).unwrap()
    }

    #[test]
    fn the_pool_is_refilled_every_hundred_and_second_id() {
        let ids = UuidV7Ids::with_random(Counting(Cell::new(0), true));
        let made: Vec<Uuid> = (1..=103).map(|ms| ids.next_id(at(ms))).collect();
        assert_eq!(
            ids.random.0.get(),
            2,
            "1,024 bytes give 102 ids of 10 bytes"
        );
        assert_eq!(made[0].as_bytes()[8..], [0x81, 1, 1, 1, 1, 1, 1, 1]);
        assert_eq!(made[102].as_bytes()[8..], [0x82, 2, 2, 2, 2, 2, 2, 2]);
    }

    #[test]
    fn without_randomness_ids_stay_unique_and_ordered() {
        let ids = UuidV7Ids::with_random(Counting(Cell::new(0), false));
        let made: Vec<Uuid> = (1..=300).map(|ms| ids.next_id(at(ms))).collect();
        assert!(made.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(made
            .iter()
            .all(|id| id.as_bytes()[8..] == [0x80, 0, 0, 0, 0, 0, 0, 0]));
    }
}
