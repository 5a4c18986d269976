//! The WebAssembly bridge: the only module that touches `wasm-bindgen`, `js-sys` and `JsValue`.
//!
//! `raw` declares the JS imports and nothing else; `seam` defines what `seam.js` is told;
//! `ports` implements the application's ports over the imports; `shapes` holds the contract's
//! objects as serde types, and `pack` carries them across in one call; `decode` reads commands; `runtime` runs commands as tasks and
//! awaits adapters (its logic builds natively too, for its tests); `handlers` are the exported
//! classes; `bridge_error` words every failure the bridge detects.

pub mod runtime;

/// An enum numbered from 0, with the names `seam.js` knows the numbers by: `NAMES`
/// space-separated in order, `TEXTS` as a list, `name()` and `of(number)`.
#[cfg(target_arch = "wasm32")]
macro_rules! named_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$doc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($(#[$doc])* $variant,)* }

        #[allow(dead_code)]
        impl $name {
            const ALL: &[$name] = &[$($name::$variant,)*];
            const TEXTS: &[&str] = &[$($text,)*];
            pub const NAMES: &str = concat!($($text, " ",)*).trim_ascii_end();

            pub fn name(self) -> &'static str {
                Self::TEXTS[self as usize]
            }

            pub fn of(number: f64) -> Option<$name> {
                Self::ALL.get(number as usize).copied().filter(|it| *it as u8 as f64 == number)
            }
        }
    };
}

/// Everything else needs a JS host.
macro_rules! wasm_only {
    ($($item:item)*) => { $(#[cfg(target_arch = "wasm32")] $item)* };
}

wasm_only! {
    mod bridge_error;
    mod decode;
    mod expiry;
    pub mod handlers;
    mod memory;
    pub mod pack;
    pub mod ports;
    mod raw;
    mod seam;
    pub mod shapes;
    pub use handlers::JsConnectProviderHandler;
    pub use ports::{commits_to, JsEventBus, JsRepository};
}
