//! The DisconnectProvider handler over in-memory ports: results, events in order, what was saved.

mod support;

use connect_provider::application::{
    DisconnectProvider, DisconnectProviderError, DisconnectProviderHandler,
};
use connect_provider::domain::{
    ProviderConnectionRecord, ProviderDisconnectionAttempted, ProviderDisconnectionFailed,
    ProviderDisconnectionSucceeded,
};
use connect_provider::{ConnectionStatus, CredentialType, ProviderConnection, ProviderEvent};
use pollster::block_on;
use support::*;

const SECOND_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000002";

type TestHandler =
    DisconnectProviderHandler<InMemoryRepository, RecordingBus, FixedClock, SequentialIds>;

fn handler(repository: InMemoryRepository) -> TestHandler {
    context(repository).into()
}

fn disconnect(user: &str) -> DisconnectProvider {
    DisconnectProvider {
        user_id: uuid(user),
        connection_id: uuid(CONNECTION_ID),
        expected_version: None,
    }
}

/// The user's active connection, created two hours before t0.
fn active() -> ProviderConnection {
    stored(
        CONNECTION_ID,
        USER_ID,
        ConnectionStatus::Active,
        minutes(-120),
    )
}

/// `connection` as the handler must save it: disconnected at t0, without credentials.
fn disconnected(connection: &ProviderConnection) -> ProviderConnection {
    ProviderConnection::restore(ProviderConnectionRecord {
        status: ConnectionStatus::Disconnected,
        credentials: None,
        updated_at: t0(),
        version: connection.version() + 1,
        ..record_of(connection)
    })
    .unwrap()
}

fn attempted(user: &str, found: bool) -> ProviderEvent {
    ProviderEvent::ProviderDisconnectionAttempted(ProviderDisconnectionAttempted {
        event_id: SequentialIds::nth(1),
        occurred_at: t0(),
        subject: subject(user, found),
    })
}

fn succeeded(user: &str) -> ProviderEvent {
    ProviderEvent::ProviderDisconnectionSucceeded(ProviderDisconnectionSucceeded {
        event_id: SequentialIds::nth(2),
        occurred_at: t0(),
        subject: subject(user, true),
    })
}

fn failed(user: &str, found: bool, reason: &str) -> ProviderEvent {
    failed_as(2, user, found, reason)
}

/// Failed after a write was tried: id 2 went to the Succeeded event the write would have stored.
fn failed_after_write(user: &str, reason: &str) -> ProviderEvent {
    failed_as(3, user, true, reason)
}

fn failed_as(nth: u128, user: &str, found: bool, reason: &str) -> ProviderEvent {
    ProviderEvent::ProviderDisconnectionFailed(ProviderDisconnectionFailed {
        event_id: SequentialIds::nth(nth),
        occurred_at: t0(),
        subject: subject(user, found),
        reason: reason.to_owned(),
    })
}

/// The user's active connection, in a repository whose finds fail.
fn repository_whose_find_fails(message: &str) -> InMemoryRepository {
    InMemoryRepository::holding(vec![active()]).whose_find_fails(message)
}

fn repository_whose_save_fails(message: &str) -> InMemoryRepository {
    InMemoryRepository::holding(vec![active()]).whose_save_fails(message)
}

/// Runs `command` and checks the refusal: the error and its text, Attempted then Failed with
/// that text, only the find asked for, and the stored connections untouched.
fn assert_refused(
    repository: InMemoryRepository,
    command: DisconnectProvider,
    error: DisconnectProviderError,
    message: &str,
    found: bool,
) {
    let user = command.user_id.to_string();
    let before = repository.saved.borrow().clone();
    let handler = handler(repository);

    let result = block_on(handler.handle(command));

    assert_eq!(result, Err(error));
    assert_eq!(result.unwrap_err().to_string(), message);
    assert_eq!(
        events(handler.context()),
        vec![attempted(&user, found), failed(&user, found, message)]
    );
    assert_eq!(
        calls(handler.context()),
        ["find_by_id"],
        "nothing may be saved"
    );
    assert_eq!(saved(handler.context()), before);
}

#[test]
fn disconnects_the_connection_asked_for_and_keeps_it_stored_without_credentials() {
    let other = stored(SECOND_ID, USER_ID, ConnectionStatus::Active, minutes(-60));
    let handler = handler(InMemoryRepository::holding(vec![other.clone(), active()]));

    let result = block_on(handler.handle(disconnect(USER_ID)));

    assert_eq!(result, Ok(()));
    assert_eq!(calls(handler.context()), ["find_by_id", "save"]);
    assert_eq!(
        saved(handler.context()),
        vec![other, disconnected(&active())]
    );
}

#[test]
fn the_saved_connection_is_disconnected_at_now_and_keeps_its_creation_and_connection_times() {
    let handler = handler(InMemoryRepository::holding(vec![active()]));
    block_on(handler.handle(disconnect(USER_ID))).unwrap();

    let saved = saved(handler.context());
    assert_eq!(saved.len(), 1);
    let connection = &saved[0];
    assert_eq!(connection.id(), uuid(CONNECTION_ID));
    assert_eq!(connection.user_id(), uuid(USER_ID));
    assert_eq!(connection.provider_id(), uuid(PROVIDER_ID));
    assert_eq!(connection.provider_slug(), "schwab");
    assert_eq!(connection.status(), ConnectionStatus::Disconnected);
    assert_eq!(connection.credentials(), None);
    assert_eq!(connection.alias(), None);
    assert_eq!(connection.created_at(), minutes(-120));
    assert_eq!(connection.connected_at(), Some(minutes(-120)));
    assert_eq!(connection.last_sync_at(), None);
    assert_eq!(connection.updated_at(), t0());
}

#[test]
fn publishes_attempted_then_succeeded_naming_the_connections_provider() {
    let handler = handler(InMemoryRepository::holding(vec![active()]));
    block_on(handler.handle(disconnect(USER_ID))).unwrap();

    assert_eq!(
        events(handler.context()),
        vec![attempted(USER_ID, true), succeeded(USER_ID)]
    );
}

#[test]
fn disconnecting_a_disconnected_connection_succeeds_again() {
    let already = stored(
        CONNECTION_ID,
        USER_ID,
        ConnectionStatus::Disconnected,
        minutes(-120),
    );
    let handler = handler(InMemoryRepository::holding(vec![already.clone()]));

    let result = block_on(handler.handle(disconnect(USER_ID)));

    assert_eq!(result, Ok(()));
    assert_eq!(calls(handler.context()), ["find_by_id", "save"]);
    assert_eq!(saved(handler.context()), vec![disconnected(&already)]);
    assert_eq!(saved(handler.context())[0].updated_at(), t0());
    assert_eq!(
        events(handler.context()),
        vec![attempted(USER_ID, true), succeeded(USER_ID)]
    );
}

#[test]
fn disconnecting_twice_in_a_row_succeeds_both_times() {
    let handler = handler(InMemoryRepository::holding(vec![active()]));

    assert_eq!(block_on(handler.handle(disconnect(USER_ID))), Ok(()));
    assert_eq!(block_on(handler.handle(disconnect(USER_ID))), Ok(()));

    assert_eq!(handler.context().repository().save_calls(), 2);
    let twice = disconnected(&disconnected(&active()));
    assert_eq!(twice.version(), 3, "each save is one more version");
    assert_eq!(saved(handler.context()), vec![twice]);
    assert_eq!(
        handler.context().event_bus().types(),
        [
            "ProviderDisconnectionAttempted",
            "ProviderDisconnectionSucceeded",
            "ProviderDisconnectionAttempted",
            "ProviderDisconnectionSucceeded",
        ]
    );
}

#[test]
fn forgets_the_credentials_of_an_expired_connection() {
    let expired = stored_with(
        CONNECTION_ID,
        USER_ID,
        ConnectionStatus::Expired,
        minutes(-120),
        Some(expiring(minutes(-10))),
    );
    let handler = handler(InMemoryRepository::holding(vec![expired.clone()]));

    assert_eq!(block_on(handler.handle(disconnect(USER_ID))), Ok(()));

    assert_eq!(saved(handler.context()), vec![disconnected(&expired)]);
    assert_eq!(saved(handler.context())[0].credentials(), None);
}

#[test]
fn refuses_an_unknown_connection_and_saves_nothing() {
    let elsewhere = stored(SECOND_ID, USER_ID, ConnectionStatus::Active, minutes(-60));
    assert_refused(
        InMemoryRepository::holding(vec![elsewhere]),
        disconnect(USER_ID),
        DisconnectProviderError::ConnectionNotFound,
        "Connection not found",
        false,
    );
}

#[test]
fn refuses_another_users_connection_and_saves_nothing() {
    let theirs = theirs();
    assert_refused(
        InMemoryRepository::holding(vec![theirs]),
        disconnect(USER_ID),
        DisconnectProviderError::NotOwnedByUser,
        "Connection not owned by user",
        true,
    );
}

#[test]
fn a_failing_find_is_a_database_error_naming_no_provider_and_saving_nothing() {
    assert_refused(
        repository_whose_find_fails("connection refused"),
        disconnect(USER_ID),
        DisconnectProviderError::Database("connection refused".to_owned()),
        "Database error occurred: connection refused",
        false,
    );
}

#[test]
fn a_failing_save_is_a_database_error_with_a_failed_event() {
    let handler = handler(repository_whose_save_fails("disk full"));

    let result = block_on(handler.handle(disconnect(USER_ID)));

    let reason = "Database error occurred: disk full";
    assert_eq!(
        result,
        Err(DisconnectProviderError::Database("disk full".to_owned()))
    );
    assert_eq!(result.unwrap_err().to_string(), reason);
    assert_eq!(
        events(handler.context()),
        vec![
            attempted(USER_ID, true),
            failed_after_write(USER_ID, reason)
        ]
    );
    assert_eq!(calls(handler.context()), ["find_by_id", "save"]);
    assert_eq!(
        saved(handler.context()),
        vec![active()],
        "the stored one is unchanged"
    );
}

#[test]
fn the_events_name_the_requester_not_the_owner() {
    let theirs = theirs();
    let handler = handler(InMemoryRepository::holding(vec![theirs]));
    let _ = block_on(handler.handle(disconnect(USER_ID)));

    let users: Vec<_> = events(handler.context())
        .iter()
        .map(ProviderEvent::user_id)
        .collect();
    assert_eq!(users, [uuid(USER_ID), uuid(USER_ID)]);
}

#[test]
fn error_strings_are_the_originals() {
    assert_eq!(
        DisconnectProviderError::CONNECTION_NOT_FOUND,
        "Connection not found"
    );
    assert_eq!(
        DisconnectProviderError::NOT_OWNED_BY_USER,
        "Connection not owned by user"
    );
    assert_eq!(
        DisconnectProviderError::DATABASE_ERROR,
        "Database error occurred"
    );
    assert_eq!(
        DisconnectProviderError::ConnectionNotFound.to_string(),
        "Connection not found"
    );
    assert_eq!(
        DisconnectProviderError::NotOwnedByUser.to_string(),
        "Connection not owned by user"
    );
    assert_eq!(
        DisconnectProviderError::Database("timeout".to_owned()).to_string(),
        "Database error occurred: timeout"
    );
}

// The original service's tests, ported.

#[test]
fn original_disconnect_provider_success() {
    let handler = handler(InMemoryRepository::holding(vec![active()]));

    assert!(block_on(handler.handle(disconnect(USER_ID))).is_ok());

    let calls = calls(handler.context());
    assert_eq!(calls.iter().filter(|c| **c == "find_by_id").count(), 1);
    assert_eq!(handler.context().repository().save_calls(), 1);
    assert_eq!(saved(handler.context())[0].id(), uuid(CONNECTION_ID));
    assert_eq!(
        saved(handler.context())[0].status(),
        ConnectionStatus::Disconnected
    );
    assert_eq!(events(handler.context()).len(), 2);
}

#[test]
fn original_disconnect_provider_emits_attempted_event() {
    let handler = handler(InMemoryRepository::holding(vec![active()]));
    block_on(handler.handle(disconnect(USER_ID))).unwrap();

    assert_eq!(events(handler.context())[0], attempted(USER_ID, true));
}

#[test]
fn original_disconnect_provider_emits_succeeded_event() {
    let handler = handler(InMemoryRepository::holding(vec![active()]));
    block_on(handler.handle(disconnect(USER_ID))).unwrap();

    match &events(handler.context())[1] {
        ProviderEvent::ProviderDisconnectionSucceeded(event) => {
            assert_eq!(event.subject, subject(USER_ID, true));
        }
        other => panic!("expected ProviderDisconnectionSucceeded, got {other:?}"),
    }
}

#[test]
fn original_disconnect_provider_fails_when_connection_not_found() {
    let handler = handler(InMemoryRepository::default());

    let result = block_on(handler.handle(disconnect(USER_ID)));

    assert_eq!(result, Err(DisconnectProviderError::ConnectionNotFound));
    assert_eq!(result.unwrap_err().to_string(), "Connection not found");
    assert_eq!(handler.context().repository().save_calls(), 0);
}

#[test]
fn original_disconnect_provider_fails_when_user_unauthorized() {
    let theirs = theirs();
    let handler = handler(InMemoryRepository::holding(vec![theirs]));

    let result = block_on(handler.handle(disconnect(USER_ID)));

    assert_eq!(result, Err(DisconnectProviderError::NotOwnedByUser));
    assert_eq!(
        result.unwrap_err().to_string(),
        "Connection not owned by user"
    );
    assert_eq!(handler.context().repository().save_calls(), 0);
}

#[test]
fn original_disconnect_provider_emits_failed_event_on_not_found() {
    let handler = handler(InMemoryRepository::default());
    let _ = block_on(handler.handle(disconnect(USER_ID)));

    assert_eq!(
        events(handler.context())[1],
        failed(USER_ID, false, "Connection not found")
    );
}

#[test]
fn original_disconnect_provider_database_error() {
    let handler = handler(repository_whose_save_fails("Database connection lost"));

    let error = block_on(handler.handle(disconnect(USER_ID))).unwrap_err();

    assert!(error.to_string().contains("Database error occurred"));
    assert_eq!(
        error,
        DisconnectProviderError::Database("Database connection lost".to_owned())
    );
}

#[test]
fn original_disconnect_provider_emits_failed_event_on_database_error() {
    let handler = handler(repository_whose_save_fails("Database connection lost"));
    let _ = block_on(handler.handle(disconnect(USER_ID)));

    assert_eq!(
        events(handler.context()),
        vec![
            attempted(USER_ID, true),
            failed_after_write(USER_ID, "Database error occurred: Database connection lost"),
        ]
    );
}

#[test]
fn an_api_key_connection_disconnects_the_same_way() {
    let api_key = stored_with(
        CONNECTION_ID,
        USER_ID,
        ConnectionStatus::Active,
        minutes(-120),
        Some(credentials(CredentialType::ApiKey)),
    );
    let handler = handler(InMemoryRepository::holding(vec![api_key.clone()]));

    assert_eq!(block_on(handler.handle(disconnect(USER_ID))), Ok(()));
    assert_eq!(saved(handler.context()), vec![disconnected(&api_key)]);
}
