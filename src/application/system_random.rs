/// The operating system's randomness (getrandom). Not on wasm32-unknown-unknown, which has no
/// operating system: there the JS bridge brings the host's own.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemRandom;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl super::RandomSource for SystemRandom {
    fn fill(&self, bytes: &mut [u8]) -> bool {
        getrandom::fill(bytes).is_ok()
    }
}
