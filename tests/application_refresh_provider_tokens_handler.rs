//! The RefreshProviderTokens handler over in-memory ports: checks in order, events, what was saved.

mod support;

use connect_provider::application::{
    RefreshProviderTokens, RefreshProviderTokensError, RefreshProviderTokensHandler,
};
use connect_provider::domain::{
    ProviderConnectionRecord, ProviderTokenRefreshAttempted, ProviderTokenRefreshFailed,
    ProviderTokenRefreshSucceeded,
};
use connect_provider::{
    ConnectionStatus, CredentialType, ProviderConnection, ProviderCredentials, ProviderEvent,
};
use pollster::block_on;
use support::*;

const SECOND_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000002";

const NOT_ACTIVE: [ConnectionStatus; 5] = [
    ConnectionStatus::Pending,
    ConnectionStatus::Expired,
    ConnectionStatus::Revoked,
    ConnectionStatus::Failed,
    ConnectionStatus::Disconnected,
];

type TestHandler =
    RefreshProviderTokensHandler<InMemoryRepository, RecordingBus, FixedClock, SequentialIds>;

fn handler(repository: InMemoryRepository) -> TestHandler {
    context(repository).into()
}

/// Credentials unlike the stored ones in bytes, type and expiry.
fn new_credentials() -> ProviderCredentials {
    ProviderCredentials::new(
        b"fresh ciphertext".to_vec(),
        CredentialType::LinkToken,
        Some(minutes(60)),
    )
    .unwrap()
}

fn refresh(user: &str) -> RefreshProviderTokens {
    RefreshProviderTokens {
        user_id: uuid(user),
        connection_id: uuid(CONNECTION_ID),
        credentials: Some(new_credentials()),
        expected_version: None,
    }
}

fn refresh_without_credentials(user: &str) -> RefreshProviderTokens {
    RefreshProviderTokens {
        credentials: None,
        ..refresh(user)
    }
}

/// The user's active connection, created two hours before t0, with an alias and a past sync.
fn active() -> ProviderConnection {
    ProviderConnection::restore(ProviderConnectionRecord {
        alias: Some("My Schwab".to_owned()),
        last_sync_at: Some(minutes(-30)),
        updated_at: minutes(-30),
        ..record_of(&stored(
            CONNECTION_ID,
            USER_ID,
            ConnectionStatus::Active,
            minutes(-120),
        ))
    })
    .unwrap()
}

fn in_status(status: ConnectionStatus) -> ProviderConnection {
    stored(CONNECTION_ID, USER_ID, status, minutes(-120))
}

/// `connection` as the handler must save it: the new credentials, updated at t0, nothing else.
fn refreshed(connection: &ProviderConnection) -> ProviderConnection {
    ProviderConnection::restore(ProviderConnectionRecord {
        credentials: Some(new_credentials()),
        updated_at: t0(),
        version: connection.version() + 1,
        ..record_of(connection)
    })
    .unwrap()
}

fn attempted(user: &str, found: bool) -> ProviderEvent {
    ProviderEvent::ProviderTokenRefreshAttempted(ProviderTokenRefreshAttempted {
        event_id: SequentialIds::nth(1),
        occurred_at: t0(),
        subject: subject(user, found),
    })
}

fn succeeded(user: &str) -> ProviderEvent {
    ProviderEvent::ProviderTokenRefreshSucceeded(ProviderTokenRefreshSucceeded {
        event_id: SequentialIds::nth(2),
        occurred_at: t0(),
        subject: subject(user, true),
    })
}

fn failed(user: &str, found: bool, reason: &str, needs_user_action: bool) -> ProviderEvent {
    failed_as(2, user, found, reason, needs_user_action)
}

/// Failed after a write was tried: id 2 went to the Succeeded event the write would have stored.
fn failed_after_write(user: &str, reason: &str) -> ProviderEvent {
    failed_as(3, user, true, reason, false)
}

fn failed_as(
    nth: u128,
    user: &str,
    found: bool,
    reason: &str,
    needs_user_action: bool,
) -> ProviderEvent {
    ProviderEvent::ProviderTokenRefreshFailed(ProviderTokenRefreshFailed {
        event_id: SequentialIds::nth(nth),
        occurred_at: t0(),
        subject: subject(user, found),
        reason: reason.to_owned(),
        needs_user_action,
    })
}

/// The user's active connection, in a repository whose finds fail.
fn repository_whose_find_fails(message: &str) -> InMemoryRepository {
    InMemoryRepository::holding(vec![active()]).whose_find_fails(message)
}

fn repository_whose_save_fails(message: &str) -> InMemoryRepository {
    InMemoryRepository::holding(vec![active()]).whose_save_fails(message)
}

/// The outcome of a refusal: what `assert_refused` checks.
struct Refusal {
    error: RefreshProviderTokensError,
    message: &'static str,
    found: bool,
    needs_user_action: bool,
}

const NOT_FOUND: Refusal = Refusal {
    error: RefreshProviderTokensError::ConnectionNotFound,
    message: "Connection not found",
    found: false,
    needs_user_action: false,
};

const NOT_OWNED: Refusal = Refusal {
    error: RefreshProviderTokensError::NotOwnedByUser,
    message: "Connection not owned by user",
    found: true,
    needs_user_action: false,
};

const INVALID_CREDENTIALS: Refusal = Refusal {
    error: RefreshProviderTokensError::InvalidCredentials,
    message: "Invalid or missing credentials",
    found: true,
    needs_user_action: false,
};

const NOT_ACTIVE_REFUSAL: Refusal = Refusal {
    error: RefreshProviderTokensError::NotActive,
    message: "Connection is not active",
    found: true,
    needs_user_action: true,
};

/// Runs `command` and checks the refusal: the error and its text, Attempted then Failed with
/// that text and flag, only the find asked for, and the stored connections untouched.
fn assert_refused(
    repository: InMemoryRepository,
    command: RefreshProviderTokens,
    refusal: Refusal,
) {
    let user = command.user_id.to_string();
    let before = repository.saved.borrow().clone();
    let handler = handler(repository);

    let result = block_on(handler.handle(command));

    assert_eq!(result, Err(refusal.error));
    assert_eq!(result.unwrap_err().to_string(), refusal.message);
    assert_eq!(
        events(handler.context()),
        vec![
            attempted(&user, refusal.found),
            failed(
                &user,
                refusal.found,
                refusal.message,
                refusal.needs_user_action
            ),
        ]
    );
    assert_eq!(
        calls(handler.context()),
        ["find_by_id"],
        "nothing may be saved"
    );
    assert_eq!(saved(handler.context()), before);
}

#[test]
fn stores_the_new_credentials_of_an_active_connection_and_changes_nothing_else() {
    let other = stored(SECOND_ID, USER_ID, ConnectionStatus::Active, minutes(-60));
    let handler = handler(InMemoryRepository::holding(vec![other.clone(), active()]));

    let result = block_on(handler.handle(refresh(USER_ID)));

    assert_eq!(result, Ok(()));
    assert_eq!(calls(handler.context()), ["find_by_id", "save"]);
    assert_eq!(saved(handler.context()), vec![other, refreshed(&active())]);
}

#[test]
fn the_saved_connection_stays_active_with_every_other_field_as_it_was() {
    let handler = handler(InMemoryRepository::holding(vec![active()]));
    block_on(handler.handle(refresh(USER_ID))).unwrap();

    let saved = saved(handler.context());
    assert_eq!(saved.len(), 1);
    let connection = &saved[0];
    assert_eq!(connection.id(), uuid(CONNECTION_ID));
    assert_eq!(connection.user_id(), uuid(USER_ID));
    assert_eq!(connection.provider_id(), uuid(PROVIDER_ID));
    assert_eq!(connection.provider_slug(), "schwab");
    assert_eq!(connection.status(), ConnectionStatus::Active);
    assert_eq!(connection.alias(), Some("My Schwab"));
    assert_eq!(connection.credentials(), Some(&new_credentials()));
    assert_eq!(connection.connected_at(), Some(minutes(-120)));
    assert_eq!(connection.last_sync_at(), Some(minutes(-30)));
    assert_eq!(connection.created_at(), minutes(-120));
    assert_eq!(connection.updated_at(), t0());
}

#[test]
fn publishes_attempted_then_succeeded_naming_the_connections_provider() {
    let handler = handler(InMemoryRepository::holding(vec![active()]));
    block_on(handler.handle(refresh(USER_ID))).unwrap();

    assert_eq!(
        events(handler.context()),
        vec![attempted(USER_ID, true), succeeded(USER_ID)]
    );
}

#[test]
fn replaces_credentials_that_have_already_expired() {
    let stale = stored_with(
        CONNECTION_ID,
        USER_ID,
        ConnectionStatus::Active,
        minutes(-120),
        Some(expiring(minutes(-1))),
    );
    let handler = handler(InMemoryRepository::holding(vec![stale.clone()]));

    assert_eq!(block_on(handler.handle(refresh(USER_ID))), Ok(()));
    assert_eq!(saved(handler.context()), vec![refreshed(&stale)]);
}

#[test]
fn refuses_an_unknown_connection_and_saves_nothing() {
    let elsewhere = stored(SECOND_ID, USER_ID, ConnectionStatus::Active, minutes(-60));
    assert_refused(
        InMemoryRepository::holding(vec![elsewhere]),
        refresh(USER_ID),
        NOT_FOUND,
    );
}

#[test]
fn refuses_another_users_connection_and_saves_nothing() {
    let theirs = theirs();
    assert_refused(
        InMemoryRepository::holding(vec![theirs]),
        refresh(USER_ID),
        NOT_OWNED,
    );
}

#[test]
fn refuses_missing_credentials_and_saves_nothing() {
    assert_refused(
        InMemoryRepository::holding(vec![active()]),
        refresh_without_credentials(USER_ID),
        INVALID_CREDENTIALS,
    );
}

#[test]
fn refuses_every_status_but_active_as_not_active_needing_the_user() {
    for status in NOT_ACTIVE {
        assert_refused(
            InMemoryRepository::holding(vec![in_status(status)]),
            refresh(USER_ID),
            NOT_ACTIVE_REFUSAL,
        );
    }
}

#[test]
fn refuses_an_expired_connection_that_still_holds_credentials() {
    let expired = stored_with(
        CONNECTION_ID,
        USER_ID,
        ConnectionStatus::Expired,
        minutes(-120),
        Some(expiring(minutes(-10))),
    );
    assert_refused(
        InMemoryRepository::holding(vec![expired]),
        refresh(USER_ID),
        NOT_ACTIVE_REFUSAL,
    );
}

#[test]
fn checks_ownership_before_the_credentials() {
    let theirs = theirs();
    assert_refused(
        InMemoryRepository::holding(vec![theirs]),
        refresh_without_credentials(USER_ID),
        NOT_OWNED,
    );
}

#[test]
fn checks_ownership_before_the_status() {
    let theirs = stored(
        CONNECTION_ID,
        OTHER_USER_ID,
        ConnectionStatus::Revoked,
        minutes(-120),
    );
    assert_refused(
        InMemoryRepository::holding(vec![theirs]),
        refresh(USER_ID),
        NOT_OWNED,
    );
}

#[test]
fn checks_existence_before_the_credentials() {
    assert_refused(
        InMemoryRepository::default(),
        refresh_without_credentials(USER_ID),
        NOT_FOUND,
    );
}

#[test]
fn checks_the_credentials_before_the_status() {
    for status in NOT_ACTIVE {
        assert_refused(
            InMemoryRepository::holding(vec![in_status(status)]),
            refresh_without_credentials(USER_ID),
            INVALID_CREDENTIALS,
        );
    }
}

#[test]
fn a_failing_find_is_a_database_error_naming_no_provider_and_saving_nothing() {
    assert_refused(
        repository_whose_find_fails("connection refused"),
        refresh(USER_ID),
        Refusal {
            error: RefreshProviderTokensError::Database("connection refused".to_owned()),
            message: "Database error occurred: connection refused",
            found: false,
            needs_user_action: false,
        },
    );
}

#[test]
fn a_failing_save_is_a_database_error_not_needing_the_user() {
    let handler = handler(repository_whose_save_fails("disk full"));

    let result = block_on(handler.handle(refresh(USER_ID)));

    let reason = "Database error occurred: disk full";
    assert_eq!(
        result,
        Err(RefreshProviderTokensError::Database("disk full".to_owned()))
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
fn only_not_active_needs_user_action() {
    assert!(RefreshProviderTokensError::NotActive.needs_user_action());
    for error in [
        RefreshProviderTokensError::ConnectionNotFound,
        RefreshProviderTokensError::NotOwnedByUser,
        RefreshProviderTokensError::InvalidCredentials,
        RefreshProviderTokensError::Database("timeout".to_owned()),
    ] {
        assert!(!error.needs_user_action(), "{error}");
    }
}

#[test]
fn error_strings_are_the_originals() {
    assert_eq!(
        RefreshProviderTokensError::CONNECTION_NOT_FOUND,
        "Connection not found"
    );
    assert_eq!(
        RefreshProviderTokensError::NOT_OWNED_BY_USER,
        "Connection not owned by user"
    );
    assert_eq!(
        RefreshProviderTokensError::INVALID_CREDENTIALS,
        "Invalid or missing credentials"
    );
    assert_eq!(
        RefreshProviderTokensError::NOT_ACTIVE,
        "Connection is not active"
    );
    assert_eq!(
        RefreshProviderTokensError::DATABASE_ERROR,
        "Database error occurred"
    );
    assert_eq!(
        RefreshProviderTokensError::Database("timeout".to_owned()).to_string(),
        "Database error occurred: timeout"
    );
}

// The original service's tests, ported.

#[test]
fn original_refresh_tokens_success() {
    let handler = handler(InMemoryRepository::holding(vec![active()]));

    assert!(block_on(handler.handle(refresh(USER_ID))).is_ok());

    assert_eq!(handler.context().repository().save_calls(), 1);
    let saved = saved(handler.context());
    assert_eq!(saved[0].credentials(), Some(&new_credentials()));
    assert_eq!(events(handler.context()).len(), 2);
}

#[test]
fn original_refresh_tokens_emits_attempted_event() {
    let handler = handler(InMemoryRepository::holding(vec![active()]));
    block_on(handler.handle(refresh(USER_ID))).unwrap();

    match &events(handler.context())[0] {
        ProviderEvent::ProviderTokenRefreshAttempted(event) => {
            assert_eq!(event.subject, subject(USER_ID, true));
        }
        other => panic!("expected ProviderTokenRefreshAttempted, got {other:?}"),
    }
}

#[test]
fn original_refresh_tokens_emits_succeeded_event() {
    let handler = handler(InMemoryRepository::holding(vec![active()]));
    block_on(handler.handle(refresh(USER_ID))).unwrap();

    assert_eq!(events(handler.context())[1], succeeded(USER_ID));
}

#[test]
fn original_refresh_tokens_fails_when_connection_not_found() {
    let handler = handler(InMemoryRepository::default());

    let result = block_on(handler.handle(refresh(USER_ID)));

    assert_eq!(result, Err(RefreshProviderTokensError::ConnectionNotFound));
    assert_eq!(result.unwrap_err().to_string(), "Connection not found");
    assert_eq!(handler.context().repository().save_calls(), 0);
}

#[test]
fn original_refresh_tokens_emits_failed_event_on_not_found() {
    let handler = handler(InMemoryRepository::default());
    let _ = block_on(handler.handle(refresh(USER_ID)));

    assert_eq!(
        events(handler.context())[1],
        failed(USER_ID, false, "Connection not found", false)
    );
}

#[test]
fn original_refresh_tokens_fails_when_connection_disconnected() {
    let handler = handler(InMemoryRepository::holding(vec![in_status(
        ConnectionStatus::Disconnected,
    )]));

    let result = block_on(handler.handle(refresh(USER_ID)));

    assert_eq!(result, Err(RefreshProviderTokensError::NotActive));
    assert_eq!(result.unwrap_err().to_string(), "Connection is not active");
    assert_eq!(handler.context().repository().save_calls(), 0);
}

#[test]
fn original_refresh_tokens_emits_failed_event_on_inactive_connection() {
    let expired = stored_with(
        CONNECTION_ID,
        USER_ID,
        ConnectionStatus::Expired,
        minutes(-120),
        Some(expiring(minutes(-10))),
    );
    let handler = handler(InMemoryRepository::holding(vec![expired]));
    let _ = block_on(handler.handle(refresh(USER_ID)));

    match &events(handler.context())[1] {
        ProviderEvent::ProviderTokenRefreshFailed(event) => {
            assert_eq!(event.reason, "Connection is not active");
            assert!(event.needs_user_action);
        }
        other => panic!("expected ProviderTokenRefreshFailed, got {other:?}"),
    }
}

#[test]
fn original_refresh_tokens_database_error() {
    let handler = handler(repository_whose_save_fails("Database connection lost"));

    let error = block_on(handler.handle(refresh(USER_ID))).unwrap_err();

    assert!(error.to_string().contains("Database error occurred"));
    assert_eq!(
        error,
        RefreshProviderTokensError::Database("Database connection lost".to_owned())
    );
}

#[test]
fn original_refresh_tokens_emits_failed_event_on_database_error() {
    let handler = handler(repository_whose_save_fails("Database connection lost"));
    let _ = block_on(handler.handle(refresh(USER_ID)));

    assert_eq!(
        events(handler.context())[1],
        failed_after_write(USER_ID, "Database error occurred: Database connection lost")
    );
}
