//! The GetProviderConnection query over an in-memory repository: refusals and every field of the view.

mod support;

use chrono::{DateTime, TimeDelta, Utc};
use connect_provider::application::{
    GetProviderConnection, GetProviderConnectionError, GetProviderConnectionHandler,
    ProviderConnectionView, QueryContext,
};
use connect_provider::domain::{CredentialExpiry, ProviderConnectionRecord};
use connect_provider::{ConnectionStatus, CredentialType, ProviderConnection, ProviderCredentials};
use pollster::block_on;
use support::*;

const SECOND_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000002";

fn get(user: &str) -> GetProviderConnection {
    GetProviderConnection {
        user_id: uuid(user),
        connection_id: uuid(CONNECTION_ID),
    }
}

/// Asks `repository` for the user's connection, with the clock at `now`.
fn get_at(
    repository: &InMemoryRepository,
    now: DateTime<Utc>,
) -> Result<ProviderConnectionView, GetProviderConnectionError> {
    let handler = GetProviderConnectionHandler::from(
        QueryContext::new(repository).with_clock(FixedClock(now)),
    );
    block_on(handler.handle(get(USER_ID)))
}

/// The view of `connection`, asked for by its owner at t0.
fn view_of(connection: ProviderConnection) -> ProviderConnectionView {
    get_at(&InMemoryRepository::holding(vec![connection]), t0()).unwrap()
}

/// The user's connection in `status`, created two hours before t0.
fn in_status(status: ConnectionStatus) -> ProviderConnection {
    stored(CONNECTION_ID, USER_ID, status, minutes(-120))
}

/// The user's active connection holding `credentials`.
fn active_with(credentials: ProviderCredentials) -> ProviderConnection {
    stored_with(
        CONNECTION_ID,
        USER_ID,
        ConnectionStatus::Active,
        minutes(-120),
        Some(credentials),
    )
}

fn assert_refused(
    repository: InMemoryRepository,
    error: GetProviderConnectionError,
    message: &str,
) {
    let before = repository.saved.borrow().clone();

    let result = get_at(&repository, t0());

    assert_eq!(result, Err(error));
    assert_eq!(result.unwrap_err().to_string(), message);
    assert_eq!(
        *repository.calls.borrow(),
        ["find_by_id"],
        "a query only reads"
    );
    assert_eq!(*repository.saved.borrow(), before);
}

#[test]
fn returns_every_field_of_the_users_active_connection() {
    let connection = ProviderConnection::restore(ProviderConnectionRecord {
        id: uuid(CONNECTION_ID),
        user_id: uuid(USER_ID),
        provider_id: uuid(PROVIDER_ID),
        provider_slug: "schwab".to_owned(),
        status: ConnectionStatus::Active,
        alias: Some("My Schwab".to_owned()),
        credentials: Some(expiring(minutes(60))),
        connected_at: Some(minutes(-119)),
        last_sync_at: Some(minutes(-10)),
        created_at: minutes(-120),
        updated_at: minutes(-9),
        version: 1,
    })
    .unwrap();
    let other = stored(SECOND_ID, USER_ID, ConnectionStatus::Pending, minutes(-1));
    let repository = InMemoryRepository::holding(vec![other, connection]);

    let view = get_at(&repository, t0());

    assert_eq!(
        view,
        Ok(ProviderConnectionView {
            id: uuid(CONNECTION_ID),
            user_id: uuid(USER_ID),
            provider_id: uuid(PROVIDER_ID),
            provider_slug: "schwab".to_owned(),
            alias: Some("My Schwab".to_owned()),
            status: ConnectionStatus::Active,
            is_connected: true,
            needs_reauthentication: false,
            can_sync: true,
            credential_type: Some(CredentialType::OAuth2),
            credentials_expire_at: Some(minutes(60)),
            credential_expiry: Some(CredentialExpiry::Valid),
            connected_at: Some(minutes(-119)),
            last_sync_at: Some(minutes(-10)),
            created_at: minutes(-120),
            updated_at: minutes(-9),
            version: 1,
        })
    );
    assert_eq!(*repository.calls.borrow(), ["find_by_id"]);
}

#[test]
fn a_connection_without_credentials_has_no_credential_fields() {
    assert_eq!(
        view_of(in_status(ConnectionStatus::Pending)),
        ProviderConnectionView {
            id: uuid(CONNECTION_ID),
            user_id: uuid(USER_ID),
            provider_id: uuid(PROVIDER_ID),
            provider_slug: "schwab".to_owned(),
            alias: None,
            status: ConnectionStatus::Pending,
            is_connected: false,
            needs_reauthentication: false,
            can_sync: false,
            credential_type: None,
            credentials_expire_at: None,
            credential_expiry: None,
            connected_at: None,
            last_sync_at: None,
            created_at: minutes(-120),
            updated_at: minutes(-120),
            version: 1,
        }
    );
}

#[test]
fn a_disconnected_connection_is_neither_connected_nor_needing_reauthentication() {
    assert_eq!(
        view_of(in_status(ConnectionStatus::Disconnected)),
        ProviderConnectionView {
            id: uuid(CONNECTION_ID),
            user_id: uuid(USER_ID),
            provider_id: uuid(PROVIDER_ID),
            provider_slug: "schwab".to_owned(),
            alias: None,
            status: ConnectionStatus::Disconnected,
            is_connected: false,
            needs_reauthentication: false,
            can_sync: false,
            credential_type: None,
            credentials_expire_at: None,
            credential_expiry: None,
            connected_at: Some(minutes(-120)),
            last_sync_at: None,
            created_at: minutes(-120),
            updated_at: minutes(-120),
            version: 1,
        }
    );
}

#[test]
fn only_expired_revoked_and_failed_connections_need_reauthentication() {
    for status in ConnectionStatus::ALL {
        let view = view_of(in_status(status));
        let expected = matches!(
            status,
            ConnectionStatus::Expired | ConnectionStatus::Revoked | ConnectionStatus::Failed
        );
        assert_eq!(view.status, status);
        assert_eq!(view.needs_reauthentication, expected, "{status}");
    }
}

#[test]
fn only_an_active_connection_is_connected_and_can_sync() {
    for status in ConnectionStatus::ALL {
        let view = view_of(in_status(status));
        let active = status == ConnectionStatus::Active;
        assert_eq!(view.is_connected, active, "{status}");
        assert_eq!(view.can_sync, active, "{status}");
    }
}

#[test]
fn an_expired_connection_that_kept_its_credentials_shows_them_but_cannot_sync() {
    let connection = stored_with(
        CONNECTION_ID,
        USER_ID,
        ConnectionStatus::Expired,
        minutes(-120),
        Some(expiring(minutes(-10))),
    );

    let view = view_of(connection);

    assert!(!view.is_connected);
    assert!(view.needs_reauthentication);
    assert!(!view.can_sync);
    assert_eq!(view.credential_type, Some(CredentialType::OAuth2));
    assert_eq!(view.credentials_expire_at, Some(minutes(-10)));
    assert_eq!(view.credential_expiry, Some(CredentialExpiry::Expired));
}

#[test]
fn credentials_without_an_expiry_never_expire() {
    let view = view_of(active_with(credentials(CredentialType::ApiKey)));

    assert_eq!(view.credential_type, Some(CredentialType::ApiKey));
    assert_eq!(view.credentials_expire_at, None);
    assert_eq!(view.credential_expiry, Some(CredentialExpiry::Never));
    assert_eq!(
        view.credential_expiry.map(CredentialExpiry::as_str),
        Some("never")
    );
    assert!(view.is_connected);
    assert!(view.can_sync);
}

#[test]
fn credentials_expiring_after_five_minutes_are_valid() {
    for expiry in [minutes(60), minutes(5) + TimeDelta::seconds(1)] {
        let view = view_of(active_with(expiring(expiry)));
        assert_eq!(view.credentials_expire_at, Some(expiry));
        assert_eq!(
            view.credential_expiry,
            Some(CredentialExpiry::Valid),
            "{expiry}"
        );
        assert_eq!(
            view.credential_expiry.map(CredentialExpiry::as_str),
            Some("valid")
        );
        assert!(view.can_sync);
    }
}

#[test]
fn credentials_expiring_within_five_minutes_are_expiring_soon_and_still_sync() {
    for expiry in [minutes(5), minutes(1), t0() + TimeDelta::milliseconds(1)] {
        let view = view_of(active_with(expiring(expiry)));
        assert_eq!(view.credentials_expire_at, Some(expiry));
        assert_eq!(
            view.credential_expiry,
            Some(CredentialExpiry::ExpiringSoon),
            "{expiry}"
        );
        assert_eq!(
            view.credential_expiry.map(CredentialExpiry::as_str),
            Some("expiring_soon")
        );
        assert!(view.is_connected);
        assert!(view.can_sync);
    }
}

#[test]
fn credentials_expiring_now_or_earlier_are_expired_and_cannot_sync() {
    for expiry in [t0(), minutes(-1), minutes(-600)] {
        let view = view_of(active_with(expiring(expiry)));
        assert_eq!(view.credentials_expire_at, Some(expiry));
        assert_eq!(
            view.credential_expiry,
            Some(CredentialExpiry::Expired),
            "{expiry}"
        );
        assert_eq!(
            view.credential_expiry.map(CredentialExpiry::as_str),
            Some("expired")
        );
        assert_eq!(view.status, ConnectionStatus::Active);
        assert!(view.is_connected);
        assert!(!view.can_sync);
    }
}

#[test]
fn judges_the_expiry_at_the_clocks_now() {
    let repository = InMemoryRepository::holding(vec![active_with(expiring(minutes(-30)))]);

    let cases = [
        (minutes(-60), CredentialExpiry::Valid, true),
        (minutes(-33), CredentialExpiry::ExpiringSoon, true),
        (minutes(-30), CredentialExpiry::Expired, false),
        (t0(), CredentialExpiry::Expired, false),
    ];
    for (now, expiry, can_sync) in cases {
        let view = get_at(&repository, now).unwrap();
        assert_eq!(view.credential_expiry, Some(expiry), "at {now}");
        assert_eq!(view.can_sync, can_sync, "at {now}");
    }
}

#[test]
fn refuses_an_unknown_connection() {
    let elsewhere = stored(SECOND_ID, USER_ID, ConnectionStatus::Active, minutes(-60));
    assert_refused(
        InMemoryRepository::holding(vec![elsewhere]),
        GetProviderConnectionError::ConnectionNotFound,
        "Connection not found",
    );
}

#[test]
fn refuses_another_users_connection() {
    let theirs = theirs();
    assert_refused(
        InMemoryRepository::holding(vec![theirs]),
        GetProviderConnectionError::NotOwnedByUser,
        "Connection not owned by user",
    );
}

#[test]
fn a_failing_find_is_a_database_error() {
    let repository = InMemoryRepository {
        find_fails_with: Some("connection refused".to_owned()),
        ..InMemoryRepository::holding(vec![in_status(ConnectionStatus::Active)])
    };
    assert_refused(
        repository,
        GetProviderConnectionError::Database("connection refused".to_owned()),
        "Database error occurred: connection refused",
    );
}

#[test]
fn the_default_handler_reads_the_same_repository() {
    let repository = InMemoryRepository::holding(vec![in_status(ConnectionStatus::Pending)]);
    let handler = GetProviderConnectionHandler::new(&repository);

    let view = block_on(handler.handle(get(USER_ID))).unwrap();

    assert_eq!(view.id, uuid(CONNECTION_ID));
    assert_eq!(view.status, ConnectionStatus::Pending);
    assert_eq!(*repository.calls.borrow(), ["find_by_id"]);
}

#[test]
fn error_strings_are_the_originals() {
    assert_eq!(
        GetProviderConnectionError::CONNECTION_NOT_FOUND,
        "Connection not found"
    );
    assert_eq!(
        GetProviderConnectionError::NOT_OWNED_BY_USER,
        "Connection not owned by user"
    );
    assert_eq!(
        GetProviderConnectionError::DATABASE_ERROR,
        "Database error occurred"
    );
}
