//! The constructor's arguments, checked up front so a wrong setup fails at construction with a
//! `TypeError` naming what is wrong, not later inside a command.

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::js::bridge_error::{BridgeError, Setup};
use crate::js::raw::read_field;

/// How long an adapter call may take when the caller does not say.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// `setTimeout`'s largest delay; above it runtimes fire at once.
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

#[derive(Clone)]
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
    let found = (object.is_object() || object.is_function())
        .then(|| Reflect::get(object, &JsValue::from_str(method)).ok())
        .flatten();
    match found {
        Some(method) if method.is_function() => Ok(()),
        _ => Err(BridgeError::setup(class, Setup::NotAFunction { owner, method })),
    }
}

/// The two options, each read once (a getter or Proxy trap that throws is "could not be read");
/// other properties are not read at all.
pub fn options_from_js(class: &'static str, options: &JsValue) -> Result<Options, JsValue> {
    let fail = |problem| BridgeError::setup(class, problem);
    if options.is_undefined() || options.is_null() {
        return Ok(Options { timeout_ms: DEFAULT_TIMEOUT_MS, on_event_bus_error: None });
    }
    if !options.is_object() {
        return Err(fail(Setup::OptionsNotAnObject));
    }
    let read = |key: &str| {
        let value = read_field(options, &JsValue::from_str(key))
            .map_err(|_| fail(Setup::OptionsUnreadable))?;
        Ok::<_, JsValue>((!value.is_undefined() && !value.is_null()).then_some(value))
    };
    let timeout_ms = match read("timeoutMs")?.map(|ms| ms.as_f64()) {
        None => DEFAULT_TIMEOUT_MS,
        Some(Some(ms)) if ms > 0.0 && ms <= MAX_TIMEOUT_MS => ms.ceil() as u32,
        Some(_) => return Err(fail(Setup::TimeoutMs)),
    };
    let on_event_bus_error = match read("onEventBusError")? {
        None => None,
        Some(hook) => Some(hook.dyn_into::<Function>().map_err(|_| fail(Setup::OnEventBusError))?),
    };
    Ok(Options { timeout_ms, on_event_bus_error })
}
