//! In-memory ports for native tests: a repository that can be told to fail, a bus that
//! records, a clock that stands still and ids that count.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};

use chrono::{DateTime, Utc};
use connect_provider::domain::instant::parse_rfc3339;

use connect_provider::application::{
    Clock, EventBus, IdSource, ProviderConnectionRepository, RepositoryError,
};
use connect_provider::{
    ConnectProvider, CredentialType, ProviderConnection, ProviderCredentials, ProviderEvent,
};
use uuid::Uuid;

pub const USER_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b";
pub const PROVIDER_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c";

pub fn t0() -> DateTime<Utc> {
    at("2026-11-26T15:21:29Z")
}

pub fn at(text: &str) -> DateTime<Utc> {
    parse_rfc3339(text).expect("valid time")
}

pub fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).expect("valid uuid")
}

pub fn credentials(kind: CredentialType) -> ProviderCredentials {
    ProviderCredentials::new(b"ciphertext".to_vec(), kind, None).expect("valid credentials")
}

pub fn command(slug: &str) -> ConnectProvider {
    ConnectProvider {
        user_id: uuid(USER_ID),
        provider_id: uuid(PROVIDER_ID),
        provider_slug: slug.to_owned(),
        credentials: Some(credentials(CredentialType::OAuth2)),
        alias: None,
    }
}

#[derive(Default)]
pub struct InMemoryRepository {
    pub saved: RefCell<Vec<ProviderConnection>>,
    pub calls: Cell<usize>,
    pub fail_with: Option<String>,
}

impl InMemoryRepository {
    pub fn failing(message: &str) -> Self {
        Self {
            fail_with: Some(message.to_owned()),
            ..Self::default()
        }
    }
}

impl ProviderConnectionRepository for InMemoryRepository {
    async fn save(&self, connection: &ProviderConnection) -> Result<(), RepositoryError> {
        self.calls.set(self.calls.get() + 1);
        if let Some(message) = &self.fail_with {
            return Err(RepositoryError(message.clone()));
        }
        let mut saved = self.saved.borrow_mut();
        saved.retain(|existing| existing.id() != connection.id());
        saved.push(connection.clone());
        Ok(())
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
