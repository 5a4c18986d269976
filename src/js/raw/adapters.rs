//! Raw imports of the adapters' methods (the repository's and the event bus's), called by name.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The caller's repository: any object with the methods a handler needs, looked up by name
    /// at each call, so an object literal fits.
    pub type RepositoryObject;

    #[wasm_bindgen(method, catch)]
    pub fn save(this: &RepositoryObject, connection: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    pub fn commit(
        this: &RepositoryObject,
        connection: &JsValue,
        events: &JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = findById)]
    pub fn find_by_id(this: &RepositoryObject, connection_id: &JsValue)
        -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = findByUserId)]
    pub fn find_by_user_id(this: &RepositoryObject, user_id: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = findActiveByUser)]
    pub fn find_active_by_user(
        this: &RepositoryObject,
        user_id: &JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = findExpiringBefore)]
    pub fn find_expiring_before(
        this: &RepositoryObject,
        instant: &JsValue,
    ) -> Result<JsValue, JsValue>;

    /// The caller's event bus: any object with a `publish` method.
    pub type EventBusObject;

    #[wasm_bindgen(method, catch)]
    pub fn publish(this: &EventBusObject, event: &JsValue) -> Result<JsValue, JsValue>;
}
