//! The exported `ListExpiringConnectionsHandler` class.

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::options::query_repository;
use super::{start, INVALID_COMMAND};
use crate::application::ListExpiringConnectionsHandler;
use crate::js::decode::list_expiring_connections_query;
use crate::js::ports::JsRepository;
use crate::js::shapes::{to_js, ExpiringConnections, Failure, Success};

const CLASS: &str = "ListExpiringConnectionsHandler";

type Handler = ListExpiringConnectionsHandler<JsRepository>;

#[wasm_bindgen(js_name = ListExpiringConnectionsHandler)]
pub struct JsListExpiringConnectionsHandler {
    inner: Rc<Handler>,
}

#[wasm_bindgen(js_class = ListExpiringConnectionsHandler)]
impl JsListExpiringConnectionsHandler {
    /// Throws a `TypeError` when `repository.findExpiringBefore` is not a function, or an
    /// option is of the wrong kind.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(
            unchecked_param_type = "Pick<ProviderConnectionRepository, \"findExpiringBefore\">"
        )]
        repository: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "QueryOptions")] options: JsValue,
    ) -> Result<JsListExpiringConnectionsHandler, JsValue> {
        let repository = query_repository(CLASS, &["findExpiringBefore"], repository, options)?;
        Ok(Self {
            inner: Rc::new(ListExpiringConnectionsHandler::new(repository)),
        })
    }

    #[wasm_bindgen(js_name = __start, skip_typescript)]
    pub fn start(&self, query: JsValue) -> u32 {
        let handler = Rc::clone(&self.inner);
        start(async move { run(&handler, &query).await })
    }
}

async fn run(handler: &Handler, query: &JsValue) -> JsValue {
    let query = match list_expiring_connections_query(query) {
        Ok(query) => query,
        Err(why) => return to_js(&Failure::new(&format!("{INVALID_COMMAND}: {}", why.0))),
    };
    match handler.handle(query).await {
        Ok(list) => to_js(&Success::new(ExpiringConnections::from(&list))),
        Err(error) => to_js(&Failure::new(&error.to_string())),
    }
}
