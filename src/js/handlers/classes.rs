//! The exported classes: wasm-bindgen cannot export a generic type, so each is a named wrapper
//! of `Exported`, stamped out by one of two macros. The package's JS adds `handle()` to each.

use wasm_bindgen::prelude::*;

use super::operation::Exported;
use super::operations as op;

macro_rules! command_class {
    ($class:ident, $name:literal, $operation:ty, $repository:literal) => {
        #[wasm_bindgen(js_name = $name)]
        pub struct $class(Exported<$operation>);

        #[wasm_bindgen(js_class = $name)]
        impl $class {
            /// Throws a `TypeError` naming the problem when a repository method it uses or
            /// `eventBus.publish` is not a function, or an option is of the wrong kind.
            #[wasm_bindgen(constructor)]
            pub fn new(
                #[wasm_bindgen(unchecked_param_type = $repository)] repository: JsValue,
                #[wasm_bindgen(js_name = eventBus, unchecked_param_type = "EventBus")]
                event_bus: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "HandlerOptions")] options: JsValue,
            ) -> Result<$class, JsValue> {
                Exported::command(repository, event_bus, options).map(Self)
            }

            #[wasm_bindgen(js_name = __start, skip_typescript)]
            pub fn start(&self, command: JsValue) -> u32 {
                self.0.start(command)
            }
        }
    };
}

macro_rules! query_class {
    ($class:ident, $name:literal, $operation:ty, $repository:literal) => {
        #[wasm_bindgen(js_name = $name)]
        pub struct $class(Exported<$operation>);

        #[wasm_bindgen(js_class = $name)]
        impl $class {
            /// Throws a `TypeError` when a repository method it uses is not a function, or an
            /// option is of the wrong kind.
            #[wasm_bindgen(constructor)]
            pub fn new(
                #[wasm_bindgen(unchecked_param_type = $repository)] repository: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "QueryOptions")] options: JsValue,
            ) -> Result<$class, JsValue> {
                Exported::query(repository, options).map(Self)
            }

            #[wasm_bindgen(js_name = __start, skip_typescript)]
            pub fn start(&self, query: JsValue) -> u32 {
                self.0.start(query)
            }
        }
    };
}

command_class!(
    JsConnectProviderHandler,
    "ConnectProviderHandler",
    op::ConnectProvider,
    "Pick<ProviderConnectionRepository, \"save\">"
);
command_class!(
    JsDisconnectProviderHandler,
    "DisconnectProviderHandler",
    op::DisconnectProvider,
    "Pick<ProviderConnectionRepository, \"findById\" | \"save\">"
);
command_class!(
    JsRefreshProviderTokensHandler,
    "RefreshProviderTokensHandler",
    op::RefreshProviderTokens,
    "Pick<ProviderConnectionRepository, \"findById\" | \"save\">"
);
query_class!(
    JsGetProviderConnectionHandler,
    "GetProviderConnectionHandler",
    op::GetProviderConnection,
    "Pick<ProviderConnectionRepository, \"findById\">"
);
query_class!(
    JsListProviderConnectionsHandler,
    "ListProviderConnectionsHandler",
    op::ListProviderConnections,
    "Pick<ProviderConnectionRepository, \"findByUserId\" | \"findActiveByUser\">"
);
query_class!(
    JsListExpiringConnectionsHandler,
    "ListExpiringConnectionsHandler",
    op::ListExpiringConnections,
    "Pick<ProviderConnectionRepository, \"findExpiringBefore\">"
);
