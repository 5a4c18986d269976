//! The exported `ConnectProviderHandler` class.

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::options::command_ports;
use super::{start, INVALID_COMMAND};
use crate::application::ConnectProviderHandler;
use crate::js::decode::connect_provider_command;
use crate::js::ports::{JsEventBus, JsRepository};
use crate::js::runtime::panic_if_asked;
use crate::js::shapes::{to_js, Failure, Id, Success};

const CLASS: &str = "ConnectProviderHandler";

type Handler = ConnectProviderHandler<JsRepository, JsEventBus>;

/// Shared with every call in flight, so `free()` during one cannot pull the adapters out from
/// under it.
#[wasm_bindgen(js_name = ConnectProviderHandler)]
pub struct JsConnectProviderHandler {
    inner: Rc<Handler>,
}

#[wasm_bindgen(js_class = ConnectProviderHandler)]
impl JsConnectProviderHandler {
    /// Throws a `TypeError` naming the problem when `repository.save` or `eventBus.publish` is
    /// not a function, or an option is of the wrong kind.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Pick<ProviderConnectionRepository, \"save\">")]
        repository: JsValue,
        #[wasm_bindgen(js_name = eventBus, unchecked_param_type = "EventBus")] event_bus: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "HandlerOptions")] options: JsValue,
    ) -> Result<JsConnectProviderHandler, JsValue> {
        let (repository, event_bus) =
            command_ports(CLASS, &["save"], repository, event_bus, options)?;
        Ok(Self {
            inner: Rc::new(ConnectProviderHandler::new(repository, event_bus)),
        })
    }

    /// Starts a command. The package's JS makes the promise `handle()` returns; see
    /// `runtime::Completion` for how the result reaches it.
    #[wasm_bindgen(js_name = __start, skip_typescript)]
    pub fn start(&self, command: JsValue) -> u32 {
        let handler = Rc::clone(&self.inner);
        start(async move { run(&handler, &command).await })
    }
}

async fn run(handler: &Handler, command: &JsValue) -> JsValue {
    let command = match connect_provider_command(command) {
        Ok(command) => command,
        Err(why) => return to_js(&Failure::new(&format!("{INVALID_COMMAND}: {}", why.0))),
    };
    panic_if_asked(&command.provider_slug);
    match handler.handle(command).await {
        Ok(connection_id) => to_js(&Success::new(Id(connection_id))),
        Err(error) => to_js(&Failure::new(&error.to_string())),
    }
}
