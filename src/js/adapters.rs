//! The application's ports, implemented over the caller's duck-typed JS objects.

use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};

use super::bindings::{console_error, JsEventBusObject, JsRepositoryObject};
use super::encode::{connection_to_js, event_to_js};
use super::errors::{js_error, message_of};
use super::settle::{settle, Settled};
use crate::application::{EventBus, ProviderConnectionRepository, RepositoryError};
use crate::domain::{ProviderConnection, ProviderConnectionEvent};

/// A JS object with `save(connection)`; a throw, a rejection or a missed deadline is a
/// repository error in the JS error's own words.
pub struct JsRepository {
    object: JsRepositoryObject,
    timeout_ms: u32,
}

impl JsRepository {
    /// `object` must have a `save` method; the exported class checks that before calling this.
    pub fn new(object: JsValue, timeout_ms: u32) -> Self {
        Self {
            object: object.unchecked_into(),
            timeout_ms,
        }
    }
}

impl ProviderConnectionRepository for JsRepository {
    async fn save(&self, connection: &ProviderConnection) -> Result<(), RepositoryError> {
        let record = connection_to_js(connection);
        let returned = self
            .object
            .save(&record)
            .map_err(|error| RepositoryError(message_of(&error)))?;
        match settle(&returned, self.timeout_ms).await {
            Settled::Fulfilled => Ok(()),
            Settled::Rejected(error) => Err(RepositoryError(message_of(&error))),
            Settled::TimedOut(ms) => Err(RepositoryError(format!("save timed out after {ms} ms"))),
        }
    }
}

/// A JS object with `publish(event)`. Fail-open like the original's bus: a failure goes to
/// `onEventBusError(error, event)`, or `console.error` without one, and the command goes on.
pub struct JsEventBus {
    object: JsEventBusObject,
    timeout_ms: u32,
    on_error: Option<Function>,
}

impl JsEventBus {
    /// `object` must have a `publish` method; the exported class checks that before calling this.
    pub fn new(object: JsValue, timeout_ms: u32, on_error: Option<Function>) -> Self {
        Self {
            object: object.unchecked_into(),
            timeout_ms,
            on_error,
        }
    }

    async fn try_publish(&self, event: &JsValue) -> Result<(), JsValue> {
        let returned = self.object.publish(event)?;
        match settle(&returned, self.timeout_ms).await {
            Settled::Fulfilled => Ok(()),
            Settled::Rejected(error) => Err(error),
            Settled::TimedOut(ms) => Err(js_error(&format!("publish timed out after {ms} ms"))),
        }
    }

    /// A hook that throws is itself reported, so no failure disappears silently.
    fn report(&self, error: &JsValue, event: &JsValue) {
        let handled = self
            .on_error
            .as_ref()
            .map(|hook| hook.call2(&JsValue::UNDEFINED, error, event));
        match handled {
            Some(Ok(_)) => {}
            Some(Err(hook_error)) => {
                let _ = console_error("connect-provider: event bus publish failed:", error);
                let _ = console_error("connect-provider: onEventBusError threw:", &hook_error);
            }
            None => {
                let _ = console_error("connect-provider: event bus publish failed:", error);
            }
        }
    }
}

impl EventBus for JsEventBus {
    async fn publish(&self, event: &ProviderConnectionEvent) {
        let value = event_to_js(event);
        if let Err(error) = self.try_publish(&value).await {
            self.report(&error, &value);
        }
    }
}
