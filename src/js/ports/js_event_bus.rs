use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};

use crate::application::EventBus;
use crate::domain::ProviderEvent;
use crate::js::bridge_error::BridgeError;
use crate::js::raw::{console_error, EventBusObject};
use crate::js::runtime::{call_adapter, Settled};
use crate::js::shapes::{self, to_js};

/// The caller's event bus object. Fail-open like the original's bus: a failure goes to
/// `onEventBusError(error, event)`, or `console.error` without one, and the command goes on.
pub struct JsEventBus {
    object: EventBusObject,
    timeout_ms: u32,
    on_error: Option<Function>,
}

impl JsEventBus {
    /// The exported classes check that `object` has a `publish` method before calling this.
    pub fn new(object: JsValue, timeout_ms: u32, on_error: Option<Function>) -> Self {
        Self {
            object: object.unchecked_into(),
            timeout_ms,
            on_error,
        }
    }

    async fn try_publish(&self, event: &JsValue) -> Result<(), JsValue> {
        match call_adapter(self.object.publish(event), self.timeout_ms).await {
            Settled::Value(_) => Ok(()),
            Settled::Error(error) => Err(error),
            Settled::TimedOut => Err(BridgeError::TimedOut {
                method: "publish",
                timeout_ms: self.timeout_ms,
            }
            .into_js_error()),
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
    async fn publish(&self, event: &ProviderEvent) {
        let value = to_js(&shapes::ProviderEvent(event));
        if let Err(error) = self.try_publish(&value).await {
            self.report(&error, &value);
        }
    }
}
