/// getrandom: the operating system's randomness natively, `crypto.getRandomValues` in
/// WebAssembly (its `wasm_js` backend).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemRandom;

impl super::RandomSource for SystemRandom {
    fn fill(&self, bytes: &mut [u8]) -> bool {
        getrandom::fill(bytes).is_ok()
    }
}
