use wasm_bindgen::{JsCast, JsValue};

use super::message_of;
use crate::application::{ProviderConnectionRepository, RepositoryError};
use crate::domain::ProviderConnection;
use crate::js::raw::RepositoryObject;
use crate::js::runtime::{call_adapter, Settled};
use crate::js::shapes::{to_js, ProviderConnectionRecord};

/// The caller's repository object. A throw, a rejection or a missed deadline is a repository
/// error in the JS error's own words.
pub struct JsRepository {
    object: RepositoryObject,
    timeout_ms: u32,
}

impl JsRepository {
    /// The exported classes check that `object` has the methods they use before calling this.
    pub fn new(object: JsValue, timeout_ms: u32) -> Self {
        Self {
            object: object.unchecked_into(),
            timeout_ms,
        }
    }

    /// Awaits what `method` returned, within the deadline.
    async fn settle(
        &self,
        method: &str,
        returned: Result<JsValue, JsValue>,
    ) -> Result<JsValue, RepositoryError> {
        match call_adapter(returned, self.timeout_ms).await {
            Settled::Value(value) => Ok(value),
            Settled::Error(error) => Err(RepositoryError(message_of(&error))),
            Settled::TimedOut => Err(RepositoryError(format!(
                "{method} timed out after {} ms",
                self.timeout_ms
            ))),
        }
    }
}

impl ProviderConnectionRepository for JsRepository {
    async fn save(&self, connection: &ProviderConnection) -> Result<(), RepositoryError> {
        let record = to_js(&ProviderConnectionRecord::from(connection));
        self.settle("save", self.object.save(&record))
            .await
            .map(drop)
    }
}
