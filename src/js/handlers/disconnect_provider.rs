//! The exported `DisconnectProviderHandler` class.

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::options::command_ports;
use super::{start, INVALID_COMMAND};
use crate::application::DisconnectProviderHandler;
use crate::js::decode::disconnect_provider_command;
use crate::js::ports::{JsEventBus, JsRepository};
use crate::js::shapes::{to_js, Failure, Success};

const CLASS: &str = "DisconnectProviderHandler";

type Handler = DisconnectProviderHandler<JsRepository, JsEventBus>;

#[wasm_bindgen(js_name = DisconnectProviderHandler)]
pub struct JsDisconnectProviderHandler {
    inner: Rc<Handler>,
}

#[wasm_bindgen(js_class = DisconnectProviderHandler)]
impl JsDisconnectProviderHandler {
    /// Throws a `TypeError` naming the problem when `repository.findById`, `repository.save` or
    /// `eventBus.publish` is not a function, or an option is of the wrong kind.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(
            unchecked_param_type = "Pick<ProviderConnectionRepository, \"findById\" | \"save\">"
        )]
        repository: JsValue,
        #[wasm_bindgen(js_name = eventBus, unchecked_param_type = "EventBus")] event_bus: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "HandlerOptions")] options: JsValue,
    ) -> Result<JsDisconnectProviderHandler, JsValue> {
        let (repository, event_bus) =
            command_ports(CLASS, &["findById", "save"], repository, event_bus, options)?;
        Ok(Self {
            inner: Rc::new(DisconnectProviderHandler::new(repository, event_bus)),
        })
    }

    #[wasm_bindgen(js_name = __start, skip_typescript)]
    pub fn start(&self, command: JsValue) -> u32 {
        let handler = Rc::clone(&self.inner);
        start(async move { run(&handler, &command).await })
    }
}

async fn run(handler: &Handler, command: &JsValue) -> JsValue {
    let command = match disconnect_provider_command(command) {
        Ok(command) => command,
        Err(why) => return to_js(&Failure::new(&format!("{INVALID_COMMAND}: {}", why.0))),
    };
    match handler.handle(command).await {
        Ok(()) => to_js(&Success::new(())),
        Err(error) => to_js(&Failure::new(&error.to_string())),
    }
}
