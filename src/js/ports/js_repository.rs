//! The application's repository over the caller's JS object: records out as packs, finds read
//! back in and checked as connections, each call awaited within the handler's deadline.

use chrono::{DateTime, Utc};
use js_sys::Object;
use serde::de::DeserializeOwned;
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};

use super::message_of;
use crate::application::{ProviderConnectionRepository, RepositoryError, Written};
use crate::domain::instant::to_iso_string;
use crate::domain::{ProviderConnection, ProviderEvent};
use crate::js::bridge_error::{BridgeError, Refused, MAX_FOUND};
use crate::js::pack::{from_caller, to_js, Unreadable};
use crate::js::raw::{is_list, is_plain_object, read_field, RepositoryObject};
use crate::js::runtime::{call_adapter, Settled};
use crate::js::seam::{Tag, MAX_SAFE_INTEGER};
use crate::js::shapes::{self, ProviderConnectionRecord};

/// The caller's repository object. A throw, a rejection or a missed deadline is a repository
/// error in the JS error's own words; a record that is not a valid connection is one too.
pub struct JsRepository {
    object: RepositoryObject,
    timeout_ms: u32,
    /// Whether `commit` writes to the command's own event log (see `commits_to`).
    commits: bool,
}

impl JsRepository {
    /// The exported classes check that `object` has the methods they use before calling this.
    pub fn new(object: JsValue, timeout_ms: u32, commits: bool) -> Self {
        Self {
            object: object.unchecked_into(),
            timeout_ms,
            commits,
        }
    }

    /// `save` and `commit` answer `false` when the store refused a stale version; anything else
    /// is stored (a store without versions answers `undefined`, as before).
    async fn write(
        &self,
        method: &'static str,
        returned: Result<JsValue, JsValue>,
    ) -> Result<Written, RepositoryError> {
        let answer = self.settle(method, returned).await?;
        Ok(if answer.as_bool() == Some(false) {
            Written::Stale
        } else {
            Written::Stored
        })
    }

    /// Awaits what `method` returned, within the deadline.
    async fn settle(
        &self,
        method: &'static str,
        returned: Result<JsValue, JsValue>,
    ) -> Result<JsValue, RepositoryError> {
        match call_adapter(returned, self.timeout_ms).await {
            Settled::Value(value) => Ok(value),
            Settled::Error(error) => Err(RepositoryError(message_of(&error))),
            Settled::TimedOut => Err(BridgeError::TimedOut {
                method,
                timeout_ms: self.timeout_ms,
            }
            .into()),
        }
    }

    async fn find_many(
        &self,
        method: &'static str,
        returned: Result<JsValue, JsValue>,
    ) -> Result<Vec<ProviderConnection>, RepositoryError> {
        let value = self.settle(method, returned).await?;
        if !is_list(&value) {
            return Err(BridgeError::NotAList { method }.into());
        }
        let records: Vec<ProviderConnectionRecord> = read(&value, MAX_FOUND, method)?;
        records
            .into_iter()
            .enumerate()
            .map(|(at, record)| {
                ProviderConnection::try_from(record)
                    .map_err(|why| invalid(format!("[{at}]: {why}")))
            })
            .collect()
    }
}

/// The record to hand a store; refused when its version is past what a JS number holds exactly,
/// which no store could compare.
fn record_of(connection: &ProviderConnection) -> Result<JsValue, RepositoryError> {
    let version = connection.version();
    if version > MAX_SAFE_INTEGER {
        return Err(BridgeError::VersionTooLarge(version).into());
    }
    Ok(to_js(&ProviderConnectionRecord::from(connection)))
}

/// Whether `repository.commit` appends to `event_bus`'s own log: the repository says so by
/// holding that very bus as its `eventBus` (a store's repository and bus share one database).
/// A getter that throws is a no.
pub fn commits_to(repository: &JsValue, event_bus: &JsValue) -> bool {
    let read = |key| read_field(repository, &JsValue::from_str(key)).ok();
    read("commit").is_some_and(|commit| commit.is_function())
        && read("eventBus").is_some_and(|bus| Object::is(&bus, event_bus))
}

/// An id as the finds take it: hyphenated, lower case.
fn id_text(id: Uuid) -> JsValue {
    JsValue::from_str(id.hyphenated().encode_lower(&mut Uuid::encode_buffer()))
}

/// A `T` from what `method` answered: a list past `max_items` is too many, anything else that
/// does not read is an invalid record.
fn read<T: DeserializeOwned>(
    value: &JsValue,
    max_items: u32,
    method: &'static str,
) -> Result<T, RepositoryError> {
    from_caller(value, max_items).map_err(|why| match why {
        Unreadable::Refused(thrown) => {
            let refused = Refused::from(thrown);
            if refused.tag == Tag::TooManyItems && refused.at_top {
                BridgeError::TooMany { method }.into()
            } else {
                invalid(refused.words)
            }
        }
        Unreadable::Invalid(why) => invalid(why),
    })
}

fn invalid(why: String) -> RepositoryError {
    BridgeError::InvalidStored(why).into()
}

impl ProviderConnectionRepository for JsRepository {
    async fn save(&self, connection: &ProviderConnection) -> Result<Written, RepositoryError> {
        let record = record_of(connection)?;
        self.write("save", self.object.save(&record)).await
    }

    async fn commit(
        &self,
        connection: &ProviderConnection,
        events: &[ProviderEvent],
    ) -> Option<Result<Written, RepositoryError>> {
        if !self.commits {
            return None;
        }
        let record = match record_of(connection) {
            Ok(record) => record,
            Err(error) => return Some(Err(error)),
        };
        let events: js_sys::Array = events
            .iter()
            .map(|event| shapes::ProviderEvent(event).to_js())
            .collect();
        Some(self.write("commit", self.object.commit(&record, &events)).await)
    }

    /// `null` or `undefined` is no connection; so is another id's record (left out, as the lists
    /// leave out what they did not ask for), which a handler would otherwise change and save.
    async fn find_by_id(&self, id: Uuid) -> Result<Option<ProviderConnection>, RepositoryError> {
        let value = self
            .settle("findById", self.object.find_by_id(&id_text(id)))
            .await?;
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        if !is_plain_object(&value) {
            return Err(invalid("not an object".to_owned()));
        }
        let record: ProviderConnectionRecord = read(&value, 0, "findById")?;
        let connection = ProviderConnection::try_from(record).map_err(invalid)?;
        Ok((connection.id() == id).then_some(connection))
    }

    async fn find_by_user_id(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<ProviderConnection>, RepositoryError> {
        self.find_many("findByUserId", self.object.find_by_user_id(&id_text(user_id)))
            .await
    }

    async fn find_active_by_user(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<ProviderConnection>, RepositoryError> {
        self.find_many(
            "findActiveByUser",
            self.object.find_active_by_user(&id_text(user_id)),
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
