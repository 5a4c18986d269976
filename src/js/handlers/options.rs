//! The constructor's arguments, checked up front so a wrong setup fails at construction with a
//! `TypeError` naming what is wrong, not later inside a command.

use js_sys::{Function, Reflect, TypeError};
use wasm_bindgen::{JsCast, JsValue};

use crate::js::ports::{JsEventBus, JsRepository};
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
    class: &str,
    object: &JsValue,
    owner: &str,
    method: &str,
) -> Result<(), JsValue> {
    let found = if object.is_object() || object.is_function() {
        Reflect::get(object, &JsValue::from_str(method)).ok()
    } else {
        None
    };
    match found {
        Some(method) if method.is_function() => Ok(()),
        _ => Err(type_error(
            class,
            &format!("{owner}.{method} must be a function"),
        )),
    }
}

/// The options object through serde-wasm-bindgen (from a plain copy, so no getter runs twice).
pub fn options_from_js(class: &str, options: &JsValue) -> Result<Options, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(Options {
            timeout_ms: DEFAULT_TIMEOUT_MS,
            on_event_bus_error: None,
        });
    }
    if !options.is_object() {
        return Err(type_error(class, "options must be an object"));
    }
    let copy =
        plain_copy(options, 0).map_err(|_| type_error(class, "options could not be read"))?;
    let options: HandlerOptions = from_js(copy).map_err(|why| {
        let field = why.split(':').next().unwrap_or_default();
        match field {
            "timeoutMs" => timeout_error(class),
            "onEventBusError" => hook_error(class),
            _ => type_error(class, "options could not be read"),
        }
    })?;
    Ok(Options {
        timeout_ms: timeout(class, options.timeout_ms)?,
        on_event_bus_error: hook(class, options.on_event_bus_error)?,
    })
}

fn timeout(class: &str, value: Option<f64>) -> Result<u32, JsValue> {
    match value {
        None => Ok(DEFAULT_TIMEOUT_MS),
        Some(ms) if ms > 0.0 && ms <= MAX_TIMEOUT_MS => Ok(ms.ceil() as u32),
        Some(_) => Err(timeout_error(class)),
    }
}

fn hook(class: &str, value: JsValue) -> Result<Option<Function>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .dyn_into::<Function>()
        .map(Some)
        .map_err(|_| hook_error(class))
}

fn timeout_error(class: &str) -> JsValue {
    type_error(
        class,
        "options.timeoutMs must be a number of milliseconds from 1 to 2147483647",
    )
}

fn hook_error(class: &str) -> JsValue {
    type_error(class, "options.onEventBusError must be a function")
}

fn type_error(class: &str, message: &str) -> JsValue {
    TypeError::new(&format!("{class}: {message}")).unchecked_into()
}

/// A command handler's adapters, once `repository` has each of `methods` and `event_bus` has
/// `publish` (and no other method is required of either).
pub fn command_ports(
    class: &str,
    methods: &[&str],
    repository: JsValue,
    event_bus: JsValue,
    options: JsValue,
) -> Result<(JsRepository, JsEventBus), JsValue> {
    for method in methods {
        require_method(class, &repository, "repository", method)?;
    }
    require_method(class, &event_bus, "eventBus", "publish")?;
    let options = options_from_js(class, &options)?;
    Ok((
        JsRepository::new(repository, options.timeout_ms),
        JsEventBus::new(event_bus, options.timeout_ms, options.on_event_bus_error),
    ))
}

/// A query handler's repository, once it has each of `methods`.
pub fn query_repository(
    class: &str,
    methods: &[&str],
    repository: JsValue,
    options: JsValue,
) -> Result<JsRepository, JsValue> {
    for method in methods {
        require_method(class, &repository, "repository", method)?;
    }
    let options = options_from_js(class, &options)?;
    Ok(JsRepository::new(repository, options.timeout_ms))
}
