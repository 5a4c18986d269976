//! The constructor's arguments, checked up front so a wrong setup fails at construction with a
//! `TypeError` naming what is wrong, not later inside a command.

use js_sys::{Function, Reflect, TypeError};
use wasm_bindgen::{JsCast, JsValue};

/// How long an adapter call may take when the caller does not say.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// `setTimeout`'s largest delay; above it runtimes fire at once.
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

pub struct HandlerOptions {
    pub timeout_ms: u32,
    pub on_event_bus_error: Option<Function>,
}

pub fn require_method(object: &JsValue, owner: &str, method: &str) -> Result<(), JsValue> {
    let found = if object.is_object() || object.is_function() {
        Reflect::get(object, &JsValue::from_str(method)).ok()
    } else {
        None
    };
    match found {
        Some(method) if method.is_function() => Ok(()),
        _ => Err(type_error(&format!("{owner}.{method} must be a function"))),
    }
}

pub fn options_from_js(options: &JsValue) -> Result<HandlerOptions, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(HandlerOptions {
            timeout_ms: DEFAULT_TIMEOUT_MS,
            on_event_bus_error: None,
        });
    }
    if !options.is_object() {
        return Err(type_error("options must be an object"));
    }
    Ok(HandlerOptions {
        timeout_ms: timeout_from_js(&option(options, "timeoutMs")?)?,
        on_event_bus_error: hook_from_js(&option(options, "onEventBusError")?)?,
    })
}

fn option(options: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    Reflect::get(options, &JsValue::from_str(name))
        .map_err(|_| type_error(&format!("options.{name} could not be read")))
}

fn timeout_from_js(value: &JsValue) -> Result<u32, JsValue> {
    if value.is_undefined() {
        return Ok(DEFAULT_TIMEOUT_MS);
    }
    match value.as_f64() {
        Some(ms) if ms > 0.0 && ms <= MAX_TIMEOUT_MS => Ok(ms.ceil() as u32),
        _ => Err(type_error(
            "options.timeoutMs must be a number of milliseconds from 1 to 2147483647",
        )),
    }
}

fn hook_from_js(value: &JsValue) -> Result<Option<Function>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .dyn_ref::<Function>()
        .cloned()
        .map(Some)
        .ok_or_else(|| type_error("options.onEventBusError must be a function"))
}

fn type_error(message: &str) -> JsValue {
    TypeError::new(&format!("ConnectProviderHandler: {message}")).unchecked_into()
}
