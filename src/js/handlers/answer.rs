//! A handler's outcome as `handle()` resolves with it: `{ ok: true, value }`, or `{ ok: false,
//! error, code }` with the contract's string, its code and, for a refresh, `needsUserAction`.

use std::fmt::Display;

use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::application::{self as app, ErrorCode};
use crate::js::pack::to_js;
use crate::js::shapes::{Failure, Success};

/// What a failed result says: the error's string, its code and, for a refresh, whether the user
/// must act.
pub trait HandlerError: Display {
    fn code(&self) -> ErrorCode;

    fn needs_user_action(&self) -> Option<bool> {
        None
    }
}

impl<E: HandlerError> HandlerError for &E {
    fn code(&self) -> ErrorCode {
        (**self).code()
    }

    fn needs_user_action(&self) -> Option<bool> {
        (**self).needs_user_action()
    }
}

macro_rules! handler_errors {
    ($($error:ty),*) => {
        $(impl HandlerError for $error {
            fn code(&self) -> ErrorCode {
                <$error>::code(self)
            }
        })*
    };
}

handler_errors!(
    app::ConnectProviderError,
    app::DisconnectProviderError,
    app::GetProviderConnectionError,
    app::DatabaseError
);

impl HandlerError for app::RefreshProviderTokensError {
    fn code(&self) -> ErrorCode {
        app::RefreshProviderTokensError::code(self)
    }

    fn needs_user_action(&self) -> Option<bool> {
        Some(app::RefreshProviderTokensError::needs_user_action(self))
    }
}

/// `{ ok: true, value }` or `{ ok: false, error, code, … }` with the contract's string.
pub fn answer<T: Serialize, E: HandlerError>(outcome: Result<T, E>) -> JsValue {
    match outcome {
        Ok(value) => to_js(&Success::new(value)),
        Err(error) => failure(&error.to_string(), error.code(), error.needs_user_action()),
    }
}

/// `{ ok: false, error, code, … }`, written by one copy for every handler.
#[inline(never)]
pub fn failure(error: &str, code: ErrorCode, needs_user_action: Option<bool>) -> JsValue {
    to_js(&Failure::new(error, code, needs_user_action))
}

