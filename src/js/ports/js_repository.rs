use chrono::{DateTime, Utc};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};

use super::message_of;
use crate::application::{ProviderConnectionRepository, RepositoryError};
use crate::domain::instant::to_iso_string;
use crate::domain::ProviderConnection;
use crate::js::raw::{is_list, is_plain_object, plain_copy, RepositoryObject};
use crate::js::runtime::{call_adapter, Settled};
use crate::js::shapes::{from_js, js_id, to_js, ProviderConnectionRecord};

/// Most connections a find may return: a user has a handful, and a refresh job that finds more
/// expiring at once should look less far ahead. A longer answer is a database error, refused
/// before any of it is read.
pub const MAX_FOUND: u32 = 10_000;

/// The caller's repository object. A throw, a rejection or a missed deadline is a repository
/// error in the JS error's own words; a record that is not a valid connection is one too.
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

    async fn find_many(
        &self,
        method: &str,
        returned: Result<JsValue, JsValue>,
    ) -> Result<Vec<ProviderConnection>, RepositoryError> {
        let value = self.settle(method, returned).await?;
        if !is_list(&value) {
            return Err(RepositoryError(format!("{method} did not return an array")));
        }
        let copy = plain_copy(&value, MAX_FOUND).map_err(|why| {
            let why = why.as_string().unwrap_or_default();
            if why.starts_with("has more than") {
                RepositoryError(format!(
                    "{method} returned more than {MAX_FOUND} connections"
                ))
            } else {
                invalid(&why)
            }
        })?;
        let records: Vec<ProviderConnectionRecord> = from_js(copy).map_err(|why| invalid(&why))?;
        records
            .into_iter()
            .enumerate()
            .map(|(at, record)| {
                ProviderConnection::try_from(record)
                    .map_err(|why| invalid(&format!("[{at}]: {why}")))
            })
            .collect()
    }
}

/// "invalid stored connection: <why>", which the handlers show after "Database error occurred: ".
fn invalid(why: &str) -> RepositoryError {
    RepositoryError(format!("invalid stored connection: {why}"))
}

impl ProviderConnectionRepository for JsRepository {
    async fn save(&self, connection: &ProviderConnection) -> Result<(), RepositoryError> {
        let record = to_js(&ProviderConnectionRecord::from(connection));
        self.settle("save", self.object.save(&record))
            .await
            .map(drop)
    }

    /// `null` or `undefined` is no connection.
    async fn find_by_id(&self, id: Uuid) -> Result<Option<ProviderConnection>, RepositoryError> {
        let value = self
            .settle("findById", self.object.find_by_id(&js_id(id)))
            .await?;
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        if !is_plain_object(&value) {
            return Err(invalid("not an object"));
        }
        let copy =
            plain_copy(&value, 0).map_err(|why| invalid(&why.as_string().unwrap_or_default()))?;
        let record: ProviderConnectionRecord = from_js(copy).map_err(|why| invalid(&why))?;
        ProviderConnection::try_from(record)
            .map(Some)
            .map_err(|why| invalid(&why))
    }

    async fn find_by_user_id(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<ProviderConnection>, RepositoryError> {
        self.find_many("findByUserId", self.object.find_by_user_id(&js_id(user_id)))
            .await
    }

    async fn find_active_by_user(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<ProviderConnection>, RepositoryError> {
        self.find_many(
            "findActiveByUser",
            self.object.find_active_by_user(&js_id(user_id)),
        )
        .await
    }

    async fn find_expiring_before(
        &self,
        instant: DateTime<Utc>,
    ) -> Result<Vec<ProviderConnection>, RepositoryError> {
        let instant = JsValue::from_str(&to_iso_string(instant));
        self.find_many(
            "findExpiringBefore",
            self.object.find_expiring_before(&instant),
        )
        .await
    }
}
