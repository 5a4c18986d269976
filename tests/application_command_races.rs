//! What the commands do when another writer gets in between their read and their write, and
//! when the repository commits a connection and its event together: played over in-memory
//! ports that refuse a stale version as a store does.

mod support;

use connect_provider::application::{
    ConnectProviderError, DisconnectProvider, DisconnectProviderError, DisconnectProviderHandler,
    ErrorCode, HandlerError, RefreshProviderTokens, RefreshProviderTokensError,
    RefreshProviderTokensHandler, MAX_TRIES,
};
use connect_provider::domain::ProviderConnectionRecord;
use connect_provider::{
    ConnectProviderHandler, ConnectionStatus, CredentialType, ProviderConnection,
    ProviderCredentials,
};
use pollster::block_on;
use support::*;

fn active() -> ProviderConnection {
    stored(
        CONNECTION_ID,
        USER_ID,
        ConnectionStatus::Active,
        minutes(-120),
    )
}

/// `connection` as another command stored it at its next version.
fn next(
    connection: &ProviderConnection,
    change: impl FnOnce(&mut ProviderConnectionRecord),
) -> ProviderConnection {
    let mut record = record_of(connection);
    record.version += 1;
    record.updated_at = minutes(-1);
    change(&mut record);
    ProviderConnection::restore(record).expect("a valid connection")
}

fn disconnected_by_another(connection: &ProviderConnection) -> ProviderConnection {
    next(connection, |record| {
        record.status = ConnectionStatus::Disconnected;
        record.credentials = None;
    })
}

fn refreshed_by_another(connection: &ProviderConnection) -> ProviderConnection {
    next(connection, |record| {
        record.credentials = Some(fresh_credentials());
    })
}

fn fresh_credentials() -> ProviderCredentials {
    ProviderCredentials::new(b"new ciphertext".to_vec(), CredentialType::OAuth2, None)
        .expect("valid credentials")
}

fn refresh() -> RefreshProviderTokens {
    RefreshProviderTokens {
        user_id: uuid(USER_ID),
        connection_id: uuid(CONNECTION_ID),
        credentials: Some(fresh_credentials()),
        expected_version: None,
    }
}

fn disconnect() -> DisconnectProvider {
    DisconnectProvider {
        user_id: uuid(USER_ID),
        connection_id: uuid(CONNECTION_ID),
        expected_version: None,
    }
}

fn event_types(context: &TestContext) -> Vec<&'static str> {
    context.event_bus().types()
}

#[test]
fn a_refresh_overtaken_by_a_disconnect_decides_again_and_answers_not_active() {
    let closed = disconnected_by_another(&active());
    let repository = InMemoryRepository::holding(vec![active()]).raced_by(vec![closed.clone()]);
    let handler: RefreshProviderTokensHandler<_, _, _, _> = context(repository).into();

    let result = block_on(handler.handle(refresh()));

    assert_eq!(result, Err(RefreshProviderTokensError::NotActive));
    assert_eq!(
        calls(handler.context()),
        ["find_by_id", "save", "find_by_id"]
    );
    assert_eq!(
        saved(handler.context()),
        vec![closed],
        "the disconnect stands"
    );
    assert_eq!(
        event_types(handler.context()),
        [
            "ProviderTokenRefreshAttempted",
            "ProviderTokenRefreshFailed"
        ]
    );
    let failed = &events(handler.context())[1];
    assert!(
        matches!(failed, connect_provider::ProviderEvent::ProviderTokenRefreshFailed(event)
            if event.reason == "Connection is not active" && event.needs_user_action),
        "{failed:?}"
    );
}

#[test]
fn a_disconnect_overtaken_by_a_refresh_decides_again_on_the_refreshed_connection() {
    let refreshed = refreshed_by_another(&active());
    let repository = InMemoryRepository::holding(vec![active()]).raced_by(vec![refreshed.clone()]);
    let handler: DisconnectProviderHandler<_, _, _, _> = context(repository).into();

    let result = block_on(handler.handle(disconnect()));

    assert_eq!(result, Ok(()));
    assert_eq!(
        calls(handler.context()),
        ["find_by_id", "save", "find_by_id", "save"]
    );
    let stored = handler.context().repository().stored(uuid(CONNECTION_ID));
    let stored = stored.expect("still stored");
    assert_eq!(stored.status(), ConnectionStatus::Disconnected);
    assert_eq!(stored.credentials(), None);
    assert_eq!(stored.version(), 3, "after the refresh's version 2");
    assert_eq!(
        event_types(handler.context()),
        [
            "ProviderDisconnectionAttempted",
            "ProviderDisconnectionSucceeded"
        ]
    );
}

#[test]
fn a_command_overtaken_every_time_gives_up_with_a_conflict_and_stores_nothing_of_its_own() {
    let mut others = vec![refreshed_by_another(&active())];
    for _ in 1..MAX_TRIES {
        let last = others.last().cloned().expect("one at least");
        others.push(refreshed_by_another(&last));
    }
    let newest = others.last().cloned().expect("one at least");
    let repository = InMemoryRepository::holding(vec![active()]).raced_by(others);
    let handler: DisconnectProviderHandler<_, _, _, _> = context(repository).into();

    let result = block_on(handler.handle(disconnect()));

    assert_eq!(result, Err(DisconnectProviderError::Conflict));
    let error = result.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict);
    assert_eq!(
        error.to_string(),
        "Connection was changed by another command; try again"
    );
    assert_eq!(handler.context().repository().save_calls(), MAX_TRIES);
    assert_eq!(saved(handler.context()), vec![newest]);
    assert_eq!(
        event_types(handler.context()),
        [
            "ProviderDisconnectionAttempted",
            "ProviderDisconnectionFailed"
        ]
    );
}

#[test]
fn a_committing_repository_stores_the_change_and_succeeded_together_and_the_bus_sees_only_attempted(
) {
    let repository = InMemoryRepository::holding(vec![active()]).committing();
    let handler: DisconnectProviderHandler<_, _, _, _> = context(repository).into();

    assert_eq!(block_on(handler.handle(disconnect())), Ok(()));

    let repository = handler.context().repository();
    assert_eq!(calls(handler.context()), ["find_by_id", "commit"]);
    assert_eq!(
        event_types(handler.context()),
        ["ProviderDisconnectionAttempted"]
    );
    let committed: Vec<_> = repository
        .committed_events()
        .iter()
        .map(|event| event.event_type())
        .collect();
    assert_eq!(committed, ["ProviderDisconnectionSucceeded"]);
    let stored = repository.stored(uuid(CONNECTION_ID)).expect("stored");
    assert_eq!(stored.status(), ConnectionStatus::Disconnected);
    assert_eq!(stored.version(), 2);
}

#[test]
fn a_failed_commit_stores_nothing_and_publishes_failed() {
    let repository = InMemoryRepository::holding(vec![active()])
        .committing()
        .whose_save_fails("connection reset");
    let handler: RefreshProviderTokensHandler<_, _, _, _> = context(repository).into();

    let result = block_on(handler.handle(refresh()));

    let error = result.unwrap_err();
    assert_eq!(error.code(), ErrorCode::DatabaseError);
    assert_eq!(
        error.to_string(),
        "Database error occurred: connection reset"
    );
    assert!(handler.context().repository().committed_events().is_empty());
    assert_eq!(saved(handler.context()), vec![active()]);
    assert_eq!(
        event_types(handler.context()),
        [
            "ProviderTokenRefreshAttempted",
            "ProviderTokenRefreshFailed"
        ]
    );
}

#[test]
fn a_committing_repository_that_refuses_a_stale_version_is_read_again() {
    let closed = disconnected_by_another(&active());
    let repository = InMemoryRepository::holding(vec![active()])
        .committing()
        .raced_by(vec![closed.clone()]);
    let handler: RefreshProviderTokensHandler<_, _, _, _> = context(repository).into();

    assert_eq!(
        block_on(handler.handle(refresh())),
        Err(RefreshProviderTokensError::NotActive)
    );
    assert_eq!(
        calls(handler.context()),
        ["find_by_id", "commit", "find_by_id"]
    );
    assert!(handler.context().repository().committed_events().is_empty());
    assert_eq!(saved(handler.context()), vec![closed]);
}

#[test]
fn a_connect_whose_new_id_is_taken_is_a_conflict_not_tried_again() {
    // SequentialIds gives the new connection id 2; another connection already has it.
    let taken = stored(
        "00000000-0000-7000-8000-000000000002",
        OTHER_USER_ID,
        ConnectionStatus::Active,
        minutes(-5),
    );
    let repository = InMemoryRepository::holding(vec![taken.clone()]);
    let handler: ConnectProviderHandler<_, _, _, _> = context(repository).into();

    let result = block_on(handler.handle(command("schwab")));

    assert_eq!(result, Err(ConnectProviderError::Conflict));
    assert_eq!(handler.context().repository().save_calls(), 1);
    assert_eq!(
        saved(handler.context()),
        vec![taken],
        "the other user's connection stands"
    );
    assert_eq!(
        event_types(handler.context()),
        ["ProviderConnectionAttempted", "ProviderConnectionFailed"]
    );
}

#[test]
fn a_new_connection_is_version_1_and_each_save_one_more() {
    let handler: ConnectProviderHandler<_, _, _, _> = context(InMemoryRepository::default()).into();
    let id = block_on(handler.handle(command("schwab"))).expect("connected");
    let stored = handler.context().repository().stored(id).expect("stored");
    assert_eq!(stored.version(), 1);

    let repository = InMemoryRepository::holding(vec![active()]);
    let handler: RefreshProviderTokensHandler<_, _, _, _> = context(repository).into();
    assert_eq!(block_on(handler.handle(refresh())), Ok(()));
    assert_eq!(block_on(handler.handle(refresh())), Ok(()));
    let stored = handler.context().repository().stored(uuid(CONNECTION_ID));
    assert_eq!(stored.map(|c| c.version()), Some(3));
}

#[test]
fn every_error_has_its_code() {
    use ConnectProviderError as C;
    use DisconnectProviderError as D;
    use RefreshProviderTokensError as R;
    let codes = [
        (C::InvalidCredentials.code(), "INVALID_CREDENTIALS"),
        (C::InvalidProviderSlug.code(), "INVALID_PROVIDER_SLUG"),
        (C::InvalidAlias.code(), "INVALID_ALIAS"),
        (C::Database(String::new()).code(), "DATABASE_ERROR"),
        (C::Conflict.code(), "CONFLICT"),
        (D::ConnectionNotFound.code(), "CONNECTION_NOT_FOUND"),
        (D::NotOwnedByUser.code(), "NOT_OWNED_BY_USER"),
        (R::NotActive.code(), "NOT_ACTIVE"),
        (R::InvalidCredentials.code(), "INVALID_CREDENTIALS"),
        (R::Conflict.code(), "CONFLICT"),
    ];
    for (code, text) in codes {
        assert_eq!(code.as_str(), text);
    }
    assert!(R::NotActive.needs_user_action());
    assert!(!R::Conflict.needs_user_action());
}

#[test]
fn an_expected_version_that_still_holds_is_written_over_and_one_that_moved_on_is_refused() {
    let repository = InMemoryRepository::holding(vec![active()]);
    let handler: DisconnectProviderHandler<_, _, _, _> = context(repository).into();
    let at = |expected| DisconnectProvider {
        expected_version: Some(expected),
        ..disconnect()
    };

    assert_eq!(
        block_on(handler.handle(at(2))),
        Err(DisconnectProviderError::VersionMismatch)
    );
    assert_eq!(calls(handler.context()), ["find_by_id"], "nothing written");
    assert_eq!(block_on(handler.handle(at(1))), Ok(()));
    let stored = handler.context().repository().stored(uuid(CONNECTION_ID));
    assert_eq!(stored.map(|c| c.version()), Some(2));
    let error = DisconnectProviderError::VersionMismatch;
    assert_eq!(error.code(), ErrorCode::VersionMismatch);
    assert_eq!(
        error.to_string(),
        "Connection has changed since the version expected"
    );
}

#[test]
fn an_expected_version_overtaken_between_the_read_and_the_write_is_refused_on_the_read_again() {
    let refreshed = refreshed_by_another(&active());
    let repository = InMemoryRepository::holding(vec![active()]).raced_by(vec![refreshed.clone()]);
    let handler: RefreshProviderTokensHandler<_, _, _, _> = context(repository).into();
    let command = RefreshProviderTokens {
        expected_version: Some(1),
        ..refresh()
    };

    assert_eq!(
        block_on(handler.handle(command)),
        Err(RefreshProviderTokensError::VersionMismatch)
    );
    assert_eq!(
        calls(handler.context()),
        ["find_by_id", "save", "find_by_id"]
    );
    assert_eq!(
        saved(handler.context()),
        vec![refreshed],
        "the other refresh stands"
    );
    assert_eq!(
        event_types(handler.context()),
        [
            "ProviderTokenRefreshAttempted",
            "ProviderTokenRefreshFailed"
        ]
    );
}

#[test]
fn another_users_connection_is_not_owned_whatever_version_is_expected() {
    let theirs = stored(
        CONNECTION_ID,
        OTHER_USER_ID,
        ConnectionStatus::Active,
        minutes(-120),
    );
    let handler: DisconnectProviderHandler<_, _, _, _> =
        context(InMemoryRepository::holding(vec![theirs])).into();
    let command = DisconnectProvider {
        expected_version: Some(7),
        ..disconnect()
    };
    assert_eq!(
        block_on(handler.handle(command)),
        Err(DisconnectProviderError::NotOwnedByUser)
    );
}
