//! Raw imports only: declarations with no logic. Every import that can run a caller's code is
//! `catch`, because a JS throw that unwound through wasm would skip Rust destructors and leave
//! the calling task unfinished.

mod adapters;
mod host;
mod runtime;
mod seam;

pub use adapters::{EventBusObject, RepositoryObject};
pub use host::{console_error, js_string, performance_now};
pub use runtime::Runtime;
pub use seam::{
    byte_length, configure_seam, copy_bytes, is_list, is_plain_object, pack, pack_sizes, packed,
    read_field, read_text, unpack, Refusal,
};
