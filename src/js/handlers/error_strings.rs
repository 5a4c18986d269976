//! The error strings of every handler, for the frozen objects the package exports
//! (`ConnectProviderError`, `DisconnectProviderError`, …).

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::application::{
    ConnectProviderError as Connect, DatabaseError, DisconnectProviderError as Disconnect,
    GetProviderConnectionError as Get, RefreshProviderTokensError as Refresh,
};
use crate::js::bridge_error::INVALID_COMMAND;

/// `{ ConnectProviderError: { INVALID_CREDENTIALS: "…", … }, … }`, called once at load.
#[wasm_bindgen(js_name = __errorStrings, skip_typescript)]
pub fn error_strings() -> Object {
    let all = Object::new();
    let lists: [(&str, &[(&str, &str)]); 6] = [
        (
            "ConnectProviderError",
            &[
                ("INVALID_CREDENTIALS", Connect::INVALID_CREDENTIALS),
                ("INVALID_PROVIDER_SLUG", Connect::INVALID_PROVIDER_SLUG),
                ("DATABASE_ERROR", Connect::DATABASE_ERROR),
                ("INVALID_ALIAS", Connect::INVALID_ALIAS),
                ("INVALID_COMMAND", INVALID_COMMAND),
            ],
        ),
        (
            "DisconnectProviderError",
            &[
                ("CONNECTION_NOT_FOUND", Disconnect::CONNECTION_NOT_FOUND),
                ("NOT_OWNED_BY_USER", Disconnect::NOT_OWNED_BY_USER),
                ("DATABASE_ERROR", Disconnect::DATABASE_ERROR),
                ("INVALID_COMMAND", INVALID_COMMAND),
            ],
        ),
        (
            "RefreshProviderTokensError",
            &[
                ("CONNECTION_NOT_FOUND", Refresh::CONNECTION_NOT_FOUND),
                ("NOT_OWNED_BY_USER", Refresh::NOT_OWNED_BY_USER),
                ("INVALID_CREDENTIALS", Refresh::INVALID_CREDENTIALS),
                ("NOT_ACTIVE", Refresh::NOT_ACTIVE),
                ("DATABASE_ERROR", Refresh::DATABASE_ERROR),
                ("INVALID_COMMAND", INVALID_COMMAND),
            ],
        ),
        (
            "GetProviderConnectionError",
            &[
                ("CONNECTION_NOT_FOUND", Get::CONNECTION_NOT_FOUND),
                ("NOT_OWNED_BY_USER", Get::NOT_OWNED_BY_USER),
                ("DATABASE_ERROR", Get::DATABASE_ERROR),
                ("INVALID_COMMAND", INVALID_COMMAND),
            ],
        ),
        (
            "ListProviderConnectionsError",
            &[
                ("DATABASE_ERROR", DatabaseError::DATABASE_ERROR),
                ("INVALID_COMMAND", INVALID_COMMAND),
            ],
        ),
        (
            "ListExpiringConnectionsError",
            &[
                ("DATABASE_ERROR", DatabaseError::DATABASE_ERROR),
                ("INVALID_COMMAND", INVALID_COMMAND),
            ],
        ),
    ];
    for (name, entries) in lists {
        let errors = Object::new();
        for (key, message) in entries {
            let _ = Reflect::set(
                &errors,
                &JsValue::from_str(key),
                &JsValue::from_str(message),
            );
        }
        let _ = Reflect::set(&all, &JsValue::from_str(name), &Object::freeze(&errors));
    }
    all
}
