//! Arbitrary caller input through the decoding rules and the handler: nothing panics, and the
//! outcome always matches the events published and what was saved.
#![no_main]

use std::cell::RefCell;

use arbitrary::Arbitrary;
use chrono::{DateTime, Utc};
use uuid::Uuid;
use connect_provider::application::{
    CommandFields, CredentialBytes, CredentialFields, EventBus, ExpiresAtField,
    ProviderConnectionRepository, RepositoryError, Written,
};
use connect_provider::{ConnectProviderHandler, ProviderConnection, ProviderEvent};
use libfuzzer_sys::fuzz_target;

/// Ids are mostly well-formed, so inputs get past the id checks and reach the rest.
#[derive(Arbitrary, Debug)]
enum Id {
    Valid(u128),
    Text(String),
}

impl Id {
    fn text(self) -> String {
        match self {
            Id::Valid(bits) => uuid_text(bits),
            Id::Text(text) => text,
        }
    }
}

fn uuid_text(bits: u128) -> String {
    let hex = format!("{bits:032x}");
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

#[derive(Arbitrary, Debug)]
struct Input {
    user_id: Id,
    provider_id: Id,
    provider_slug: String,
    alias: Option<String>,
    credentials: Option<(Option<Vec<u8>>, Option<String>, Option<Option<String>>)>,
    connection_id: Option<String>,
    save_fails: bool,
}

#[derive(Default)]
struct Store {
    saved: RefCell<Vec<ProviderConnection>>,
    fail: bool,
}

impl ProviderConnectionRepository for Store {
    async fn save(&self, connection: &ProviderConnection) -> Result<Written, RepositoryError> {
        if self.fail {
            return Err(RepositoryError("refused".into()));
        }
        self.saved.borrow_mut().push(connection.clone());
        Ok(Written::Stored)
    }

    // ConnectProvider never reads back.
    async fn find_by_id(&self, _: Uuid) -> Result<Option<ProviderConnection>, RepositoryError> {
        Ok(None)
    }

    async fn find_by_user_id(&self, _: Uuid) -> Result<Vec<ProviderConnection>, RepositoryError> {
        Ok(Vec::new())
    }

    async fn find_active_by_user(&self, _: Uuid) -> Result<Vec<ProviderConnection>, RepositoryError> {
        Ok(Vec::new())
    }

    async fn find_expiring_before(&self, _: DateTime<Utc>) -> Result<Vec<ProviderConnection>, RepositoryError> {
        Ok(Vec::new())
    }
}

#[derive(Default)]
struct Bus(RefCell<Vec<ProviderEvent>>);

impl EventBus for Bus {
    async fn publish(&self, event: &ProviderEvent) {
        self.0.borrow_mut().push(event.clone());
    }
}

fuzz_target!(|input: Input| {
    let fields = CommandFields {
        user_id: input.user_id.text(),
        provider_id: input.provider_id.text(),
        provider_slug: input.provider_slug,
        alias: input.alias,
        credentials: input.credentials.map(|(data, kind, expiry)| CredentialFields {
            encrypted_data: data.map(CredentialBytes),
            credential_type: kind,
            expires_at: expiry.map(|text| text.map_or(ExpiresAtField::NotText, ExpiresAtField::Text)),
        }),
        connection_id: input.connection_id,
    };
    let Ok(command) = fields.into_command() else {
        return;
    };
    let store = Store { fail: input.save_fails, ..Store::default() };
    let handler = ConnectProviderHandler::new(store, Bus::default());
    let result = pollster::block_on(handler.handle(command));
    let events = handler.context().event_bus().0.borrow();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].event_type(), "ProviderConnectionAttempted");
    match result {
        Ok(id) => {
            assert_eq!(events[1].event_type(), "ProviderConnectionSucceeded");
            assert_eq!(handler.context().repository().saved.borrow()[0].id(), id);
        }
        Err(_) => {
            assert_eq!(events[1].event_type(), "ProviderConnectionFailed");
            assert!(handler.context().repository().saved.borrow().is_empty());
        }
    }
});
