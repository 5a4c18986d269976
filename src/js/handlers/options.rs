//! The constructor's arguments, checked up front so a wrong setup fails at construction with a
//! `TypeError` naming what is wrong, not later inside a command.

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::js::bridge_error::{BridgeError, Setup};
use crate::js::raw::plain_copy;
use crate::js::shapes::{from_js, HandlerOptions};

/// How long an adapter call may take when the caller does not say.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// `setTimeout`'s largest delay; above it runtimes fire at once.
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

pub struct Options {
    pub timeout_ms: u32,
    pub on_event_bus_error: Option<Function>,
}

/// `Err(TypeError)` unless `object.method` is a function ("ConnectProviderHandler:
/// repository.save must be a function").
pub fn require_method(
    class: &'static str,
    object: &JsValue,
    owner: &'static str,
    method: &'static str,
) -> Result<(), JsValue> {
    let found = if object.is_object() || object.is_function() {
        Reflect::get(object, &JsValue::from_str(method)).ok()
    } else {
        None
    };
    match found {
        Some(method) if method.is_function() => Ok(()),
        _ => Err(BridgeError::setup(
            class,
            Setup::NotAFunction { owner, method },
        )),
    }
}

/// The options object through serde-wasm-bindgen (from a plain copy, so no getter runs twice).
pub fn options_from_js(class: &'static str, options: &JsValue) -> Result<Options, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(Options {
            timeout_ms: DEFAULT_TIMEOUT_MS,
            on_event_bus_error: None,
        });
    }
    if !options.is_object() {
        return Err(BridgeError::setup(class, Setup::OptionsNotAnObject));
    }
    let copy =
        plain_copy(options, 0).map_err(|_| BridgeError::setup(class, Setup::OptionsUnreadable))?;
    let options: HandlerOptions = from_js(copy).map_err(|why| {
        let problem = match why.field() {
            "timeoutMs" => Setup::TimeoutMs,
            "onEventBusError" => Setup::OnEventBusError,
            _ => Setup::OptionsUnreadable,
        };
        BridgeError::setup(class, problem)
    })?;
    Ok(Options {
        timeout_ms: timeout(class, options.timeout_ms)?,
        on_event_bus_error: hook(class, options.on_event_bus_error)?,
    })
}

fn timeout(class: &'static str, value: Option<f64>) -> Result<u32, JsValue> {
    match value {
        None => Ok(DEFAULT_TIMEOUT_MS),
        Some(ms) if ms > 0.0 && ms <= MAX_TIMEOUT_MS => Ok(ms.ceil() as u32),
        Some(_) => Err(BridgeError::setup(class, Setup::TimeoutMs)),
    }
}

fn hook(class: &'static str, value: JsValue) -> Result<Option<Function>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .dyn_into::<Function>()
        .map(Some)
        .map_err(|_| BridgeError::setup(class, Setup::OnEventBusError))
}
