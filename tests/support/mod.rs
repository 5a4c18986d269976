//! In-memory ports for native tests: a repository that can be told to fail (or to answer
//! wrongly), a bus that records, a clock that stands still and ids that count.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};

use chrono::{DateTime, TimeDelta, Utc};
use connect_provider::application::{
    Clock, CommandContext, EventBus, IdSource, ProviderConnectionRepository, QueryContext,
    RepositoryError, Written,
};
use connect_provider::domain::instant::parse_rfc3339;
use connect_provider::domain::{
    ConnectionSubject, NewProviderConnection, ProviderConnectionRecord,
};
use connect_provider::{
    ConnectProvider, ConnectionStatus, CredentialType, ProviderConnection, ProviderCredentials,
    ProviderEvent,
};
use uuid::Uuid;

pub const USER_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b";
pub const OTHER_USER_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-ffffffffffff";
pub const PROVIDER_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c";
pub const CONNECTION_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000001";

pub fn t0() -> DateTime<Utc> {
    at("2026-11-26T15:21:29Z")
}

pub fn at(text: &str) -> DateTime<Utc> {
    parse_rfc3339(text).expect("valid time")
}

pub fn minutes(count: i64) -> DateTime<Utc> {
    t0() + TimeDelta::minutes(count)
}

pub fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).expect("valid uuid")
}

pub fn credentials(kind: CredentialType) -> ProviderCredentials {
    ProviderCredentials::new(b"ciphertext".to_vec(), kind, None).expect("valid credentials")
}

pub fn expiring(at: DateTime<Utc>) -> ProviderCredentials {
    ProviderCredentials::new(b"ciphertext".to_vec(), CredentialType::OAuth2, Some(at))
        .expect("valid credentials")
}

pub fn command(slug: &str) -> ConnectProvider {
    ConnectProvider {
        connection_id: None,
        user_id: uuid(USER_ID),
        provider_id: uuid(PROVIDER_ID),
        provider_slug: slug.to_owned(),
        credentials: Some(credentials(CredentialType::OAuth2)),
        alias: None,
    }
}

/// A stored connection of `user` in `status`, created at `created`.
pub fn stored(
    id: &str,
    user: &str,
    status: ConnectionStatus,
    created: DateTime<Utc>,
) -> ProviderConnection {
    stored_with(
        id,
        user,
        status,
        created,
        (status == ConnectionStatus::Active).then(|| credentials(CredentialType::OAuth2)),
    )
}

pub fn stored_with(
    id: &str,
    user: &str,
    status: ConnectionStatus,
    created: DateTime<Utc>,
    credentials: Option<ProviderCredentials>,
) -> ProviderConnection {
    let pending = ProviderConnection::new(NewProviderConnection {
        id: uuid(id),
        user_id: uuid(user),
        provider_id: uuid(PROVIDER_ID),
        provider_slug: "schwab".into(),
        alias: None,
        now: created,
    })
    .expect("valid connection");
    ProviderConnection::restore(ProviderConnectionRecord {
        status,
        credentials,
        connected_at: (status != ConnectionStatus::Pending).then_some(created),
        ..record_of(&pending)
    })
    .expect("consistent connection")
}

pub fn record_of(connection: &ProviderConnection) -> ProviderConnectionRecord {
    ProviderConnectionRecord {
        id: connection.id(),
        user_id: connection.user_id(),
        provider_id: connection.provider_id(),
        provider_slug: connection.provider_slug().to_owned(),
        status: connection.status(),
        alias: connection.alias().map(str::to_owned),
        credentials: connection.credentials().cloned(),
        connected_at: connection.connected_at(),
        last_sync_at: connection.last_sync_at(),
        created_at: connection.created_at(),
        updated_at: connection.updated_at(),
        version: connection.version(),
    }
}

/// Connections in memory. Each method can be made to fail, and the finds can be made to answer
/// with a fixed list (to show what a handler does with records it should not have been given).
#[derive(Default)]
pub struct InMemoryRepository {
    pub saved: RefCell<Vec<ProviderConnection>>,
    pub calls: RefCell<Vec<&'static str>>,
    pub fail_with: Option<String>,
    pub find_fails_with: Option<String>,
    pub answer: Option<Vec<ProviderConnection>>,
    pub asked_instant: Cell<Option<DateTime<Utc>>>,
    /// What other commands store between this command's read and each of its writes, one a
    /// write, in order: a race, played the same way every time.
    pub meanwhile: RefCell<Vec<ProviderConnection>>,
    /// `Some` makes `commit` write the connection and append its events here in one step, as a
    /// store whose log shares the database does.
    pub committed: Option<RefCell<Vec<ProviderEvent>>>,
}

impl InMemoryRepository {
    pub fn failing(message: &str) -> Self {
        Self {
            fail_with: Some(message.to_owned()),
            ..Self::default()
        }
    }

    pub fn holding(connections: Vec<ProviderConnection>) -> Self {
        Self {
            saved: RefCell::new(connections),
            ..Self::default()
        }
    }

    pub fn answering(connections: Vec<ProviderConnection>) -> Self {
        Self {
            answer: Some(connections),
            ..Self::default()
        }
    }

    /// This repository, with every find failing with `message`.
    pub fn whose_find_fails(self, message: &str) -> Self {
        Self {
            find_fails_with: Some(message.to_owned()),
            ..self
        }
    }

    /// This repository, with `save` failing with `message`.
    pub fn whose_save_fails(self, message: &str) -> Self {
        Self {
            fail_with: Some(message.to_owned()),
            ..self
        }
    }

    /// This repository, with `others` stored by other commands before each write, one a write.
    pub fn raced_by(self, others: Vec<ProviderConnection>) -> Self {
        Self {
            meanwhile: RefCell::new(others),
            ..self
        }
    }

    /// This repository, committing connections and their events together.
    pub fn committing(self) -> Self {
        Self {
            committed: Some(RefCell::default()),
            ..self
        }
    }

    /// The events `commit` appended.
    pub fn committed_events(&self) -> Vec<ProviderEvent> {
        self.committed
            .as_ref()
            .map(|log| log.borrow().clone())
            .unwrap_or_default()
    }

    /// The stored connection with that id.
    pub fn stored(&self, id: Uuid) -> Option<ProviderConnection> {
        self.saved.borrow().iter().find(|c| c.id() == id).cloned()
    }

    /// Stores `connection` if the stored version is still the one before it, as a store checks
    /// inside its database.
    fn write(&self, connection: &ProviderConnection) -> Written {
        if !self.meanwhile.borrow().is_empty() {
            let other = self.meanwhile.borrow_mut().remove(0);
            self.replace(other);
        }
        let stored = self.stored(connection.id()).map_or(0, |c| c.version());
        if stored + 1 != connection.version() {
            return Written::Stale;
        }
        self.replace(connection.clone());
        Written::Stored
    }

    /// Keeps what a store would read back: the connection as stored, at its version.
    fn replace(&self, connection: ProviderConnection) {
        let connection =
            ProviderConnection::restore(record_of(&connection)).expect("a valid connection");
        let mut saved = self.saved.borrow_mut();
        saved.retain(|existing| existing.id() != connection.id());
        saved.push(connection);
    }

    pub fn save_calls(&self) -> usize {
        self.calls
            .borrow()
            .iter()
            .filter(|call| **call == "save")
            .count()
    }

    fn find(
        &self,
        call: &'static str,
        keep: impl Fn(&ProviderConnection) -> bool,
    ) -> Result<Vec<ProviderConnection>, RepositoryError> {
        self.calls.borrow_mut().push(call);
        if let Some(message) = &self.find_fails_with {
            return Err(RepositoryError(message.clone()));
        }
        if let Some(answer) = &self.answer {
            return Ok(answer.clone());
        }
        Ok(self
            .saved
            .borrow()
            .iter()
            .filter(|c| keep(c))
            .cloned()
            .collect())
    }
}

impl ProviderConnectionRepository for InMemoryRepository {
    async fn save(&self, connection: &ProviderConnection) -> Result<Written, RepositoryError> {
        self.calls.borrow_mut().push("save");
        if let Some(message) = &self.fail_with {
            return Err(RepositoryError(message.clone()));
        }
        Ok(self.write(connection))
    }

    async fn commit(
        &self,
        connection: &ProviderConnection,
        events: &[ProviderEvent],
    ) -> Option<Result<Written, RepositoryError>> {
        let log = self.committed.as_ref()?;
        self.calls.borrow_mut().push("commit");
        if let Some(message) = &self.fail_with {
            return Some(Err(RepositoryError(message.clone())));
        }
        let written = self.write(connection);
        if written == Written::Stored {
            log.borrow_mut().extend_from_slice(events);
        }
        Some(Ok(written))
    }

    async fn find_by_id(&self, id: Uuid) -> Result<Option<ProviderConnection>, RepositoryError> {
        Ok(self
            .find("find_by_id", |c| c.id() == id)?
            .into_iter()
            .next())
    }

    async fn find_by_user_id(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<ProviderConnection>, RepositoryError> {
        self.find("find_by_user_id", |c| c.user_id() == user_id)
    }

    async fn find_active_by_user(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<ProviderConnection>, RepositoryError> {
        self.find("find_active_by_user", |c| {
            c.user_id() == user_id && c.status() == ConnectionStatus::Active
        })
    }

    async fn find_expiring_before(
        &self,
        instant: DateTime<Utc>,
    ) -> Result<Vec<ProviderConnection>, RepositoryError> {
        self.asked_instant.set(Some(instant));
        self.find("find_expiring_before", |c| {
            c.status() == ConnectionStatus::Active
                && c.credentials()
                    .and_then(|credentials| credentials.expires_at())
                    .is_some_and(|expiry| expiry <= instant)
        })
    }
}

#[derive(Default)]
pub struct RecordingBus {
    pub events: RefCell<Vec<ProviderEvent>>,
}

impl RecordingBus {
    pub fn types(&self) -> Vec<&'static str> {
        self.events
            .borrow()
            .iter()
            .map(|event| event.event_type())
            .collect()
    }
}

impl EventBus for RecordingBus {
    async fn publish(&self, event: &ProviderEvent) {
        self.events.borrow_mut().push(event.clone());
    }
}

pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// Ids 00000000-0000-7000-8000-000000000001, …2, … in the order asked for.
#[derive(Default)]
pub struct SequentialIds(Cell<u128>);

impl SequentialIds {
    pub fn nth(n: u128) -> Uuid {
        Uuid::from_u128((0x7 << 76) | (0b10 << 62) | n)
    }
}

impl IdSource for SequentialIds {
    fn next_id(&self, _now: DateTime<Utc>) -> Uuid {
        self.0.set(self.0.get() + 1);
        Self::nth(self.0.get())
    }
}

pub type TestContext = CommandContext<InMemoryRepository, RecordingBus, FixedClock, SequentialIds>;

/// A command handler's ports at t0, with counting ids.
pub fn context(repository: InMemoryRepository) -> TestContext {
    CommandContext::new(repository, RecordingBus::default())
        .with_clock(FixedClock(t0()))
        .with_ids(SequentialIds::default())
}

/// Another user's active connection with the id `CONNECTION_ID`, created two hours before t0.
pub fn theirs() -> ProviderConnection {
    stored(
        CONNECTION_ID,
        OTHER_USER_ID,
        ConnectionStatus::Active,
        minutes(-120),
    )
}

/// What a command handler published, in order.
pub fn events(context: &TestContext) -> Vec<ProviderEvent> {
    context.event_bus().events.borrow().clone()
}

/// What the repository holds after the command.
pub fn saved(context: &TestContext) -> Vec<ProviderConnection> {
    context.repository().saved.borrow().clone()
}

/// The repository methods the command called, in order.
pub fn calls(context: &TestContext) -> Vec<&'static str> {
    context.repository().calls.borrow().clone()
}

/// Whom a disconnection or refresh of `CONNECTION_ID` by `user` is about: with the stored
/// connection's provider when it was `found`.
pub fn subject(user: &str, found: bool) -> ConnectionSubject {
    ConnectionSubject {
        user_id: uuid(user),
        connection_id: uuid(CONNECTION_ID),
        provider_id: found.then(|| uuid(PROVIDER_ID)),
        provider_slug: found.then(|| "schwab".to_owned()),
    }
}

/// A query handler's ports at t0.
pub fn query_context(
    repository: InMemoryRepository,
) -> QueryContext<InMemoryRepository, FixedClock> {
    QueryContext::new(repository).with_clock(FixedClock(t0()))
}

/// A borrowed repository reads and writes the same connections: a query handler, which gives
/// no access to its ports, can be handed `&repository` so the test still sees `calls` and
/// `asked_instant`.
impl ProviderConnectionRepository for &InMemoryRepository {
    async fn save(&self, connection: &ProviderConnection) -> Result<Written, RepositoryError> {
        (**self).save(connection).await
    }

    async fn find_by_id(&self, id: Uuid) -> Result<Option<ProviderConnection>, RepositoryError> {
        (**self).find_by_id(id).await
    }

    async fn find_by_user_id(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<ProviderConnection>, RepositoryError> {
        (**self).find_by_user_id(user_id).await
    }

    async fn find_active_by_user(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<ProviderConnection>, RepositoryError> {
        (**self).find_active_by_user(user_id).await
    }

    async fn find_expiring_before(
        &self,
        instant: DateTime<Utc>,
    ) -> Result<Vec<ProviderConnection>, RepositoryError> {
        (**self).find_expiring_before(instant).await
    }
}
