//! The same bridge tests as `wasm_bridge.rs`, in headless Chromium (wasm-bindgen-test-runner
//! with chromedriver).
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "wasm_bridge.rs"]
mod bridge;
