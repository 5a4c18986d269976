//! The error strings of every handler, for the frozen objects the package exports
//! (`ConnectProviderError`, `DisconnectProviderError`, …), and the codes (`ErrorCode`).

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::application::{
    ConnectProviderError as Connect, DatabaseError as Database,
    DisconnectProviderError as Disconnect, GetProviderConnectionError as Get,
    ErrorCode, RefreshProviderTokensError as Refresh,
};
use crate::js::bridge_error::INVALID_COMMAND;

/// `[("ConnectProviderError", [("KEY", Connect::KEY), …, ("INVALID_COMMAND", …)]), …]`.
macro_rules! error_objects {
    ($($name:literal => $type:ident: $($key:ident),*;)*) => {
        [$(($name, &[$((stringify!($key), $type::$key),)* ("INVALID_COMMAND", INVALID_COMMAND)]
            as &[(&str, &str)]),)*]
    };
}

/// `{ ConnectProviderError: { INVALID_CREDENTIALS: "…", … }, … }`, called once at load.
#[wasm_bindgen(js_name = __errorStrings, skip_typescript)]
pub fn error_strings() -> Object {
    let lists = error_objects! {
        "ConnectProviderError" => Connect: INVALID_CREDENTIALS, INVALID_PROVIDER_SLUG, DATABASE_ERROR, INVALID_ALIAS, CONFLICT, INVALID_CONNECTION_ID, CONNECTION_ID_TAKEN;
        "DisconnectProviderError" => Disconnect: CONNECTION_NOT_FOUND, NOT_OWNED_BY_USER, DATABASE_ERROR, CONFLICT, VERSION_MISMATCH;
        "RefreshProviderTokensError" => Refresh: CONNECTION_NOT_FOUND, NOT_OWNED_BY_USER, INVALID_CREDENTIALS, NOT_ACTIVE, DATABASE_ERROR, CONFLICT, VERSION_MISMATCH;
        "GetProviderConnectionError" => Get: CONNECTION_NOT_FOUND, NOT_OWNED_BY_USER, DATABASE_ERROR;
        "ListProviderConnectionsError" => Database: DATABASE_ERROR;
        "ListExpiringConnectionsError" => Database: DATABASE_ERROR;
    };
    let all = Object::new();
    for (name, entries) in lists {
        let errors = Object::new();
        for (key, message) in entries {
            let _ = Reflect::set(&errors, &(*key).into(), &(*message).into());
        }
        let _ = Reflect::set(&all, &name.into(), &Object::freeze(&errors));
    }
    let codes = Object::new();
    for code in ErrorCode::ALL {
        let _ = Reflect::set(&codes, &code.as_str().into(), &code.as_str().into());
    }
    let _ = Reflect::set(&all, &"ErrorCode".into(), &Object::freeze(&codes));
    all
}

/// `ErrorCode`'s union, from the same list, into the package's `index.d.ts`.
#[wasm_bindgen(typescript_custom_section)]
const ERROR_CODE_TYPE: &'static str = ErrorCode::TYPESCRIPT;
