//! The exported `ConnectProviderHandler` class.

use std::rc::Rc;

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;

use super::adapters::{JsEventBus, JsRepository};
use super::completion::Completion;
use super::decode::command_from_js;
use super::encode::{failure_to_js, success_to_js};
use super::executor::spawn;
use super::js_clock::JsClock;
use super::js_random::JsRandom;
use super::options::{options_from_js, require_method};
use super::panic::panic_if_asked;
use crate::application::{ConnectProviderError, ConnectProviderHandler, UuidV7Ids};

const INVALID_COMMAND: &str = "Invalid command";

type JsHandler = ConnectProviderHandler<JsRepository, JsEventBus, JsClock, UuidV7Ids<JsRandom>>;

/// Shared with every in-flight `handle()` call, so `free()` during one cannot pull the
/// adapters out from under it.
#[wasm_bindgen(js_name = ConnectProviderHandler)]
pub struct JsConnectProviderHandler {
    inner: Rc<JsHandler>,
}

#[wasm_bindgen(js_class = ConnectProviderHandler)]
impl JsConnectProviderHandler {
    /// Throws a `TypeError` naming the problem when `repository.save` or `eventBus.publish` is
    /// not a function, or an option is of the wrong kind.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ProviderConnectionRepository")] repository: JsValue,
        #[wasm_bindgen(js_name = eventBus, unchecked_param_type = "EventBus")] event_bus: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ConnectProviderOptions")] options: Option<
            Object,
        >,
    ) -> Result<JsConnectProviderHandler, JsValue> {
        require_method(&repository, "repository", "save")?;
        require_method(&event_bus, "eventBus", "publish")?;
        let options = options_from_js(&options.map(JsValue::from).unwrap_or(JsValue::UNDEFINED))?;
        let repository = JsRepository::new(repository, options.timeout_ms);
        let event_bus = JsEventBus::new(event_bus, options.timeout_ms, options.on_event_bus_error);
        Ok(Self {
            inner: Rc::new(ConnectProviderHandler::with_host_sources(
                repository, event_bus, JsClock, JsRandom,
            )),
        })
    }

    /// What the package's JS calls instead of `handle`: the result itself when the command
    /// finished without waiting, else a number that `settle(number, result)` answers later.
    /// The JS makes any promise itself, so a trap surfaces in its `try`.
    #[wasm_bindgen(js_name = __start, skip_typescript)]
    pub fn start(&self, command: JsValue) -> u32 {
        self.run_to_completion(command).result_or_number()
    }
}

/// Not exported: an export returning a JS value is what V8 11 and 12 could not deoptimise (see
/// scripts/build.mjs). For Rust callers such as the wasm tests.
impl JsConnectProviderHandler {
    /// Always resolves, never rejects: `{ ok: true, value: connectionId }` or
    /// `{ ok: false, error }`.
    pub fn handle(&self, command: JsValue) -> Promise {
        let mut work = Some(command);
        Promise::new(&mut |resolve, _reject| {
            if let Some(command) = work.take() {
                self.run_to_completion(command).resolve_with(resolve);
            }
        })
    }

    fn run_to_completion(&self, command: JsValue) -> Completion {
        let handler = Rc::clone(&self.inner);
        let completion = Completion::new();
        let task_completion = completion.clone();
        spawn(async move {
            task_completion.finish(run(&handler, &command).await);
        });
        completion
    }
}

async fn run(handler: &JsHandler, command: &JsValue) -> JsValue {
    let command = match command_from_js(command) {
        Ok(command) => command,
        Err(why) => return failure_to_js(&format!("{INVALID_COMMAND}: {}", why.0)),
    };
    panic_if_asked(&command.provider_slug);
    match handler.handle(command).await {
        Ok(connection_id) => success_to_js(connection_id),
        Err(error) => failure_to_js(&error.to_string()),
    }
}

/// The error strings a result can start with, for `ConnectProviderError` in JS; the package
/// entry freezes the object.
#[wasm_bindgen(js_name = connectProviderErrors, skip_typescript)]
pub fn connect_provider_errors() -> Object {
    let errors = Object::new();
    for (name, message) in [
        (
            "INVALID_CREDENTIALS",
            ConnectProviderError::INVALID_CREDENTIALS,
        ),
        (
            "INVALID_PROVIDER_SLUG",
            ConnectProviderError::INVALID_PROVIDER_SLUG,
        ),
        ("DATABASE_ERROR", ConnectProviderError::DATABASE_ERROR),
        ("INVALID_ALIAS", ConnectProviderError::INVALID_ALIAS),
        ("INVALID_COMMAND", INVALID_COMMAND),
    ] {
        let _ = js_sys::Reflect::set(&errors, &name.into(), &message.into());
    }
    Object::freeze(&errors)
}
