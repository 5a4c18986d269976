//! What `handle()` resolves with: `{ ok: true, value }` or `{ ok: false, error, code }`.

use serde::Serialize;

use crate::application::ErrorCode;

/// `{ ok: true, value }`: what `handle()` resolves with when the command or query succeeded.
#[derive(Serialize)]
pub struct Success<T> {
    ok: bool,
    value: T,
}

impl<T> Success<T> {
    pub fn new(value: T) -> Self {
        Self { ok: true, value }
    }
}

/// `{ ok: false, error, code }`: the contract's string and its stable code; a refresh's failure
/// also says whether only the user can mend it (`needsUserAction`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Failure<'a> {
    ok: bool,
    error: &'a str,
    code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    needs_user_action: Option<bool>,
}

impl<'a> Failure<'a> {
    pub fn new(error: &'a str, code: ErrorCode, needs_user_action: Option<bool>) -> Self {
        Self {
            ok: false,
            error,
            code: code.as_str(),
            needs_user_action,
        }
    }
}
