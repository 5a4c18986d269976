//! The exported `RefreshProviderTokensHandler` class.

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::options::command_ports;
use super::{start, INVALID_COMMAND};
use crate::application::RefreshProviderTokensHandler;
use crate::js::decode::refresh_provider_tokens_command;
use crate::js::ports::{JsEventBus, JsRepository};
use crate::js::shapes::{to_js, Failure, Success};

const CLASS: &str = "RefreshProviderTokensHandler";

type Handler = RefreshProviderTokensHandler<JsRepository, JsEventBus>;

#[wasm_bindgen(js_name = RefreshProviderTokensHandler)]
pub struct JsRefreshProviderTokensHandler {
    inner: Rc<Handler>,
}

#[wasm_bindgen(js_class = RefreshProviderTokensHandler)]
impl JsRefreshProviderTokensHandler {
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
    ) -> Result<JsRefreshProviderTokensHandler, JsValue> {
        let (repository, event_bus) =
            command_ports(CLASS, &["findById", "save"], repository, event_bus, options)?;
        Ok(Self {
            inner: Rc::new(RefreshProviderTokensHandler::new(repository, event_bus)),
        })
    }

    #[wasm_bindgen(js_name = __start, skip_typescript)]
    pub fn start(&self, command: JsValue) -> u32 {
        let handler = Rc::clone(&self.inner);
        start(async move { run(&handler, &command).await })
    }
}

async fn run(handler: &Handler, command: &JsValue) -> JsValue {
    let command = match refresh_provider_tokens_command(command) {
        Ok(command) => command,
        Err(why) => return to_js(&Failure::new(&format!("{INVALID_COMMAND}: {}", why.0))),
    };
    match handler.handle(command).await {
        Ok(()) => to_js(&Success::new(())),
        Err(error) => to_js(&Failure::new(&error.to_string())),
    }
}
