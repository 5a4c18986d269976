//! The exported `GetProviderConnectionHandler` class.

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::options::query_repository;
use super::{start, INVALID_COMMAND};
use crate::application::GetProviderConnectionHandler;
use crate::js::decode::get_provider_connection_query;
use crate::js::ports::JsRepository;
use crate::js::shapes::{to_js, Failure, ProviderConnectionView, Success};

const CLASS: &str = "GetProviderConnectionHandler";

type Handler = GetProviderConnectionHandler<JsRepository>;

#[wasm_bindgen(js_name = GetProviderConnectionHandler)]
pub struct JsGetProviderConnectionHandler {
    inner: Rc<Handler>,
}

#[wasm_bindgen(js_class = GetProviderConnectionHandler)]
impl JsGetProviderConnectionHandler {
    /// Throws a `TypeError` when `repository.findById` is not a function, or an option is of
    /// the wrong kind.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Pick<ProviderConnectionRepository, \"findById\">")]
        repository: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "QueryOptions")] options: JsValue,
    ) -> Result<JsGetProviderConnectionHandler, JsValue> {
        let repository = query_repository(CLASS, &["findById"], repository, options)?;
        Ok(Self {
            inner: Rc::new(GetProviderConnectionHandler::new(repository)),
        })
    }

    #[wasm_bindgen(js_name = __start, skip_typescript)]
    pub fn start(&self, query: JsValue) -> u32 {
        let handler = Rc::clone(&self.inner);
        start(async move { run(&handler, &query).await })
    }
}

async fn run(handler: &Handler, query: &JsValue) -> JsValue {
    let query = match get_provider_connection_query(query) {
        Ok(query) => query,
        Err(why) => return to_js(&Failure::new(&format!("{INVALID_COMMAND}: {}", why.0))),
    };
    match handler.handle(query).await {
        Ok(view) => to_js(&Success::new(ProviderConnectionView::from(&view))),
        Err(error) => to_js(&Failure::new(&error.to_string())),
    }
}
