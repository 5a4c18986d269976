//! The application's ports over the caller's JS objects.

mod js_clock;
mod js_error;
mod js_event_bus;
mod js_repository;

pub use js_clock::JsClock;
pub use js_error::message_of;
pub use js_event_bus::{JsEventBus, WholeText};
pub use js_repository::{commits_to, JsRepository};
