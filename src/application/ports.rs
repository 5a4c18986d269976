//! What the application needs from the outside world.
//!
//! The traits use plain `async fn` without `Send` bounds on purpose: WebAssembly is
//! single-threaded and the JS adapters hold handles that cannot cross threads.
#![allow(async_fn_in_trait)]

use std::fmt;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::{ProviderConnection, ProviderEvent};

/// A storage failure, in the storage's own words; the handler prefixes it with
/// "Database error occurred: ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryError(pub String);

impl fmt::Display for RepositoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RepositoryError {}

/// What a conditional write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The connection is stored at its version.
    Stored,
    /// Nothing was written: the stored connection is no longer the version the command read
    /// (or, for version 1, one with that id exists).
    Stale,
}

/// Where connections live. A stored connection that breaks an invariant is the repository's
/// error, not an entity: it never reaches a handler.
pub trait ProviderConnectionRepository {
    /// Stores the connection at `connection.version()` if, checked inside the database, the stored
    /// one is still `version() - 1` (none at all, for version 1); otherwise writes nothing.
    async fn save(&self, connection: &ProviderConnection) -> Result<Written, RepositoryError>;

    /// `save` and the appending of `events` to the command's event log in one atomic step, where
    /// this repository shares a database with the command's event bus; `None` where it does not,
    /// and the handler saves, then publishes.
    async fn commit(
        &self,
        _connection: &ProviderConnection,
        _events: &[ProviderEvent],
    ) -> Option<Result<Written, RepositoryError>> {
        None
    }

    async fn find_by_id(&self, id: Uuid) -> Result<Option<ProviderConnection>, RepositoryError>;

    /// Every status, disconnected included.
    async fn find_by_user_id(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<ProviderConnection>, RepositoryError>;

    /// The user's active connections.
    async fn find_active_by_user(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<ProviderConnection>, RepositoryError>;

    /// Active connections whose credentials expire at or before `instant`, expired ones
    /// included.
    async fn find_expiring_before(
        &self,
        instant: DateTime<Utc>,
    ) -> Result<Vec<ProviderConnection>, RepositoryError>;
}

/// Fail-open, as in the original: an implementation reports its own failures and never
/// lets them change the command's outcome.
pub trait EventBus {
    async fn publish(&self, event: &ProviderEvent);
}

/// Millisecond precision: the handlers store what they read, and a JS `Date` holds no more.
pub trait Clock {
    fn now(&self) -> DateTime<Utc>;
}

/// Unpredictable bytes for the random part of ids.
pub trait RandomSource {
    /// Fills `bytes`; false when the system has no randomness to give.
    fn fill(&self, bytes: &mut [u8]) -> bool;
}

/// Connection and event ids. One source's ids must be unique and sort in the order made. The
/// handler reads its clock once per event or entity and passes that moment, so a time-ordered
/// id carries exactly the timestamp it is created with.
pub trait IdSource {
    fn next_id(&self, now: DateTime<Utc>) -> Uuid;
}

/// A shared id source is still one source, so ids stay ordered across the handlers using it.
impl<T: IdSource + ?Sized> IdSource for &T {
    fn next_id(&self, now: DateTime<Utc>) -> Uuid {
        (**self).next_id(now)
    }
}

impl<T: IdSource + ?Sized> IdSource for std::rc::Rc<T> {
    fn next_id(&self, now: DateTime<Utc>) -> Uuid {
        (**self).next_id(now)
    }
}
