//! The application's event bus over the caller's JS object: each event to `publish`, awaited
//! within the deadline; a failure reported, never the command's.

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::application::EventBus;
use crate::domain::ProviderEvent;
use crate::js::bridge_error::BridgeError;
use crate::js::raw::{console_error, report_to_hook, EventBusObject};
use crate::js::runtime::{call_adapter, Settled};
use crate::js::shapes;

/// The caller's event bus object. Fail-open like the original's bus: a failure goes to
/// `onEventBusError(error, event)`, or `console.error` without one, and the command goes on.
pub struct JsEventBus {
    object: EventBusObject,
    timeout_ms: u32,
    on_error: Option<Function>,
    whole_slug: Option<WholeText>,
}

/// A caller's text too long to copy into wasm, where its first code points stand in for it: the
/// events of the one command it came in carry the caller's whole string instead.
pub struct WholeText {
    pub stand_in: String,
    pub value: JsValue,
}

impl JsEventBus {
    /// The exported classes check that `object` has a `publish` method before calling this.
    pub fn new(object: JsValue, timeout_ms: u32, on_error: Option<Function>) -> Self {
        Self {
            object: object.unchecked_into(),
            timeout_ms,
            on_error,
            whole_slug: None,
        }
    }

    /// A bus for one command, whose events show `slug` as the caller's whole string.
    pub fn with_whole_slug(mut self, slug: WholeText) -> Self {
        self.whole_slug = Some(slug);
        self
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

    /// A hook that throws, or whose promise rejects, is itself reported, so no failure
    /// disappears silently and none becomes an unhandled rejection.
    fn report(&self, error: &JsValue, event: &JsValue) {
        match &self.on_error {
            Some(hook) => report_to_hook(hook, error, event),
            None => {
                let _ = console_error("connect-provider: event bus publish failed:", error);
            }
        }
    }
}

impl EventBus for JsEventBus {
    async fn publish(&self, event: &ProviderEvent) {
        let event = shapes::ProviderEvent(event);
        let value = event.to_js();
        if let Some(slug) = &self.whole_slug {
            if event.commanded_slug() == Some(slug.stand_in.as_str()) {
                let _ = Reflect::set(&value, &JsValue::from_str("providerSlug"), &slug.value);
            }
        }
        if let Err(error) = self.try_publish(&value).await {
            self.report(&error, &value);
        }
    }
}
