//! Randomness from the host for the ids' pool: `crypto.getRandomValues`.

use super::bindings::fill_random;
use crate::application::RandomSource;

#[derive(Debug, Clone, Copy, Default)]
pub struct JsRandom;

impl RandomSource for JsRandom {
    fn fill(&self, bytes: &mut [u8]) -> bool {
        fill_random(bytes).is_ok()
    }
}
