//! A handler's outcome as `handle()` resolves with it: `{ ok: true, value }`, or `{ ok: false,
//! error, code }` with the contract's string, its code and, for a refresh, `needsUserAction`.

use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::application::{ErrorCode, HandlerError};
use crate::js::pack::to_js;
use crate::js::shapes::{Failure, Success};

/// `{ ok: true, value }` or `{ ok: false, error, code, … }` with the contract's string.
pub fn answer<T: Serialize, E: HandlerError>(outcome: Result<T, E>) -> JsValue {
    match outcome {
        Ok(value) => to_js(&Success::new(value)),
        Err(error) => failure(&error.to_string(), error.code(), error.user_action()),
    }
}

/// `{ ok: false, error, code, … }`, written by one copy for every handler.
#[inline(never)]
pub fn failure(error: &str, code: ErrorCode, needs_user_action: Option<bool>) -> JsValue {
    to_js(&Failure::new(error, code, needs_user_action))
}

