//! The ConnectProvider handler over in-memory ports: results, events in order, what was saved.

mod support;

use connect_provider::domain::{
    ProviderConnectionAttempted, ProviderConnectionFailed, ProviderConnectionSucceeded,
};
use connect_provider::{
    ConnectProvider, ConnectProviderError, ConnectProviderHandler, ConnectionStatus,
    CredentialType, ProviderEvent,
};
use pollster::block_on;
use support::*;

type TestHandler =
    ConnectProviderHandler<InMemoryRepository, RecordingBus, FixedClock, SequentialIds>;

fn handler(repository: InMemoryRepository) -> TestHandler {
    context(repository).into()
}

fn attempted(slug: &str) -> ProviderEvent {
    ProviderEvent::ProviderConnectionAttempted(ProviderConnectionAttempted {
        event_id: SequentialIds::nth(1),
        occurred_at: t0(),
        user_id: uuid(USER_ID),
        provider_id: uuid(PROVIDER_ID),
        provider_slug: slug.to_owned(),
    })
}

/// A Failed event whose id is left for `assert_refused` to check by order, not value.
fn failed(slug: &str, reason: &str) -> ProviderEvent {
    ProviderEvent::ProviderConnectionFailed(ProviderConnectionFailed {
        event_id: uuid::Uuid::nil(),
        occurred_at: t0(),
        user_id: uuid(USER_ID),
        provider_id: uuid(PROVIDER_ID),
        provider_slug: slug.to_owned(),
        reason: reason.to_owned(),
    })
}

fn assert_refused(command: ConnectProvider, error: ConnectProviderError, message: &str) {
    let slug = command.provider_slug.clone();
    let handler = handler(InMemoryRepository::default());
    let result = block_on(handler.handle(command));
    assert_eq!(result, Err(error));
    assert_eq!(result.unwrap_err().to_string(), message);
    let mut events = handler.context().event_bus().events.borrow().clone();
    assert_eq!(events.len(), 2);
    assert!(events[0].event_id() < events[1].event_id());
    if let ProviderEvent::ProviderConnectionFailed(event) = &mut events[1] {
        event.event_id = uuid::Uuid::nil();
    }
    assert_eq!(events, vec![attempted(&slug), failed(&slug, message)]);
    assert_eq!(
        handler.context().repository().save_calls(),
        0,
        "nothing may be saved"
    );
}

#[test]
fn connects_and_saves_an_active_connection_without_alias() {
    let handler = handler(InMemoryRepository::default());
    let result = block_on(handler.handle(command("schwab")));

    let connection_id = SequentialIds::nth(2);
    assert_eq!(result, Ok(connection_id));
    let saved = handler.context().repository().saved.borrow();
    assert_eq!(saved.len(), 1);
    let connection = &saved[0];
    assert_eq!(connection.id(), connection_id);
    assert_eq!(connection.user_id(), uuid(USER_ID));
    assert_eq!(connection.provider_id(), uuid(PROVIDER_ID));
    assert_eq!(connection.provider_slug(), "schwab");
    assert_eq!(connection.status(), ConnectionStatus::Active);
    assert_eq!(connection.alias(), None);
    assert_eq!(
        connection.credentials(),
        Some(&credentials(CredentialType::OAuth2))
    );
    assert_eq!(connection.connected_at(), Some(t0()));
    assert_eq!(connection.created_at(), t0());
    assert_eq!(connection.updated_at(), t0());
    assert_eq!(connection.last_sync_at(), None);
}

#[test]
fn publishes_attempted_then_succeeded_with_the_returned_id() {
    let handler = handler(InMemoryRepository::default());
    let connection_id = block_on(handler.handle(command("schwab"))).unwrap();

    let succeeded = ProviderEvent::ProviderConnectionSucceeded(ProviderConnectionSucceeded {
        event_id: SequentialIds::nth(3),
        occurred_at: t0(),
        user_id: uuid(USER_ID),
        connection_id,
        provider_id: uuid(PROVIDER_ID),
        provider_slug: "schwab".to_owned(),
    });
    assert_eq!(
        *handler.context().event_bus().events.borrow(),
        vec![attempted("schwab"), succeeded]
    );
}

#[test]
fn keeps_the_alias() {
    let handler = handler(InMemoryRepository::default());
    let command = ConnectProvider {
        alias: Some("My Schwab".to_owned()),
        ..command("schwab")
    };
    block_on(handler.handle(command)).unwrap();
    assert_eq!(
        handler.context().repository().saved.borrow()[0].alias(),
        Some("My Schwab")
    );
}

#[test]
fn accepts_api_key_and_link_token_credentials() {
    for kind in [CredentialType::ApiKey, CredentialType::LinkToken] {
        let handler = handler(InMemoryRepository::default());
        let command = ConnectProvider {
            credentials: Some(credentials(kind)),
            ..command("plaid")
        };
        assert_eq!(block_on(handler.handle(command)), Ok(SequentialIds::nth(2)));
        let saved = handler.context().repository().saved.borrow();
        assert_eq!(
            saved[0].credentials().map(|c| c.credential_type()),
            Some(kind)
        );
        assert_eq!(
            handler.context().event_bus().types(),
            ["ProviderConnectionAttempted", "ProviderConnectionSucceeded"]
        );
    }
}

#[test]
fn refuses_missing_credentials() {
    let command = ConnectProvider {
        credentials: None,
        ..command("schwab")
    };
    assert_refused(
        command,
        ConnectProviderError::InvalidCredentials,
        "Invalid or missing credentials",
    );
}

#[test]
fn refuses_an_empty_slug() {
    assert_refused(
        command(""),
        ConnectProviderError::InvalidProviderSlug,
        "Invalid provider slug",
    );
}

#[test]
fn refuses_a_51_character_slug() {
    assert_refused(
        command(&"a".repeat(51)),
        ConnectProviderError::InvalidProviderSlug,
        "Invalid provider slug",
    );
}

#[test]
fn counts_slug_length_in_code_points() {
    let handler = handler(InMemoryRepository::default());
    assert!(block_on(handler.handle(command(&"é".repeat(50)))).is_ok());
    assert_refused(
        command(&"é".repeat(51)),
        ConnectProviderError::InvalidProviderSlug,
        "Invalid provider slug",
    );
}

#[test]
fn checks_credentials_before_the_slug() {
    let command = ConnectProvider {
        credentials: None,
        ..command("")
    };
    assert_refused(
        command,
        ConnectProviderError::InvalidCredentials,
        "Invalid or missing credentials",
    );
}

#[test]
fn refuses_an_alias_over_100_characters_as_invalid_alias_not_a_database_error() {
    let command = ConnectProvider {
        alias: Some("x".repeat(101)),
        ..command("schwab")
    };
    assert_refused(
        command,
        ConnectProviderError::InvalidAlias,
        "Alias exceeds maximum length",
    );
}

#[test]
fn accepts_an_alias_of_exactly_100_characters() {
    let handler = handler(InMemoryRepository::default());
    let command = ConnectProvider {
        alias: Some("x".repeat(100)),
        ..command("schwab")
    };
    assert_eq!(block_on(handler.handle(command)), Ok(SequentialIds::nth(2)));
}

#[test]
fn checks_the_slug_before_the_alias() {
    let command = ConnectProvider {
        alias: Some("x".repeat(101)),
        ..command("")
    };
    assert_refused(
        command,
        ConnectProviderError::InvalidProviderSlug,
        "Invalid provider slug",
    );
}

#[test]
fn a_failing_save_becomes_a_database_error_with_a_failed_event() {
    let handler = handler(InMemoryRepository::failing("disk full"));
    let result = block_on(handler.handle(command("schwab")));

    assert_eq!(
        result,
        Err(ConnectProviderError::Database("disk full".to_owned()))
    );
    let reason = "Database error occurred: disk full";
    assert_eq!(result.unwrap_err().to_string(), reason);
    // Id 2 is the connection's, 3 the Succeeded event's that the save would have stored.
    let failed = ProviderEvent::ProviderConnectionFailed(ProviderConnectionFailed {
        event_id: SequentialIds::nth(4),
        occurred_at: t0(),
        user_id: uuid(USER_ID),
        provider_id: uuid(PROVIDER_ID),
        provider_slug: "schwab".to_owned(),
        reason: reason.to_owned(),
    });
    assert_eq!(
        *handler.context().event_bus().events.borrow(),
        vec![attempted("schwab"), failed]
    );
    assert_eq!(handler.context().repository().save_calls(), 1);
    assert!(handler.context().repository().saved.borrow().is_empty());
}

/// wasm32-unknown-unknown has no system clock or randomness: there the defaults do not compile.
#[test]
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn the_default_clock_and_ids_give_increasing_v7_ids_and_the_current_time() {
    let handler =
        ConnectProviderHandler::new(InMemoryRepository::default(), RecordingBus::default());
    use connect_provider::application::{Clock, SystemClock};

    let before = SystemClock.now();
    let connection_id = block_on(handler.handle(command("schwab"))).unwrap();
    let after = SystemClock.now();

    let events = handler.context().event_bus().events.borrow();
    let ids = [events[0].event_id(), connection_id, events[1].event_id()];
    assert!(ids.iter().all(|id| id.get_version_num() == 7));
    assert!(ids[0] < ids[1] && ids[1] < ids[2]);
    let saved = handler.context().repository().saved.borrow();
    assert!(before <= saved[0].created_at() && saved[0].created_at() <= after);
    let id_millis = (connection_id.as_u128() >> 80) as i64;
    assert_eq!(
        id_millis,
        saved[0].created_at().timestamp_millis(),
        "the id carries created_at"
    );
    let attempted_millis = (events[0].event_id().as_u128() >> 80) as i64;
    assert_eq!(attempted_millis, events[0].occurred_at().timestamp_millis());
    assert!(
        before.timestamp_millis() > 1_790_000_000_000,
        "a 2026-or-later clock"
    );
    assert_eq!(saved[0].connected_at(), Some(saved[0].created_at()));
    assert_eq!(saved[0].updated_at(), saved[0].created_at());
}

#[test]
fn error_strings_are_the_originals() {
    assert_eq!(
        ConnectProviderError::INVALID_CREDENTIALS,
        "Invalid or missing credentials"
    );
    assert_eq!(
        ConnectProviderError::INVALID_PROVIDER_SLUG,
        "Invalid provider slug"
    );
    assert_eq!(
        ConnectProviderError::DATABASE_ERROR,
        "Database error occurred"
    );
    assert_eq!(
        ConnectProviderError::INVALID_ALIAS,
        "Alias exceeds maximum length"
    );
}

/// A UUID v7 of the caller's making.
const CLIENT_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6d";

#[test]
fn uses_the_callers_uuid_v7_as_the_connection_id() {
    let handler = handler(InMemoryRepository::default());
    let command = ConnectProvider {
        connection_id: Some(uuid(CLIENT_ID)),
        ..command("schwab")
    };
    assert_eq!(block_on(handler.handle(command)), Ok(uuid(CLIENT_ID)));
    assert_eq!(
        handler.context().repository().saved.borrow()[0].id(),
        uuid(CLIENT_ID)
    );
    let events = handler.context().event_bus().events.borrow();
    let ProviderEvent::ProviderConnectionSucceeded(succeeded) = &events[1] else {
        panic!("Succeeded second: {events:?}");
    };
    assert_eq!(succeeded.connection_id, uuid(CLIENT_ID));
}

#[test]
fn refuses_a_callers_id_that_is_not_a_uuid_v7() {
    for id in [
        "0190f5b2-3c4d-4e8f-9a0b-1c2d3e4f5a6d", // v4
        "0190f5b2-3c4d-7e8f-ca0b-1c2d3e4f5a6d", // v7's nibble, another variant
        "00000000-0000-0000-0000-000000000000",
    ] {
        let command = ConnectProvider {
            connection_id: Some(uuid(id)),
            ..command("schwab")
        };
        assert_refused(
            command,
            ConnectProviderError::InvalidConnectionId,
            "Connection id must be a UUID v7",
        );
    }
}

#[test]
fn refuses_a_callers_id_that_another_connection_has_and_leaves_that_one_alone() {
    let repository = InMemoryRepository::default();
    let handler = handler(repository);
    let first = ConnectProvider {
        connection_id: Some(uuid(CLIENT_ID)),
        ..command("schwab")
    };
    assert_eq!(block_on(handler.handle(first)), Ok(uuid(CLIENT_ID)));
    let again = ConnectProvider {
        connection_id: Some(uuid(CLIENT_ID)),
        alias: Some("Another".to_owned()),
        ..command("fidelity")
    };
    let result = block_on(handler.handle(again));
    assert_eq!(result, Err(ConnectProviderError::ConnectionIdTaken));
    assert_eq!(
        result.unwrap_err().to_string(),
        "Connection id already in use"
    );
    let saved = handler.context().repository().saved.borrow();
    assert_eq!(saved.len(), 1, "the first connection only");
    assert_eq!(
        (saved[0].provider_slug(), saved[0].alias()),
        ("schwab", None)
    );
    let events = handler.context().event_bus().events.borrow();
    let types: Vec<_> = events.iter().map(ProviderEvent::event_type).collect();
    assert_eq!(
        types,
        [
            "ProviderConnectionAttempted",
            "ProviderConnectionSucceeded",
            "ProviderConnectionAttempted",
            "ProviderConnectionFailed"
        ]
    );
    let ProviderEvent::ProviderConnectionFailed(failed) = &events[3] else {
        panic!("Failed last: {events:?}");
    };
    assert_eq!(failed.reason, "Connection id already in use");
}
