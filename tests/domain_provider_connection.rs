//! ProviderConnection: invariants, every transition from every status, and the queries.

mod support;

use chrono::{DateTime, TimeDelta, Utc};
use connect_provider::domain::{NewProviderConnection, ProviderConnectionRecord};
use connect_provider::{
    ConnectionStatus, CredentialType, DomainError, ProviderConnection, ProviderCredentials,
};
use support::{credentials, t0, uuid, PROVIDER_ID, USER_ID};

const CONNECTION_ID: &str = "0190f5b2-3c4d-7e8f-9a0b-000000000001";

fn later(minutes: i64) -> DateTime<Utc> {
    t0() + TimeDelta::minutes(minutes)
}

fn new(slug: &str, alias: Option<&str>) -> NewProviderConnection {
    NewProviderConnection {
        id: uuid(CONNECTION_ID),
        user_id: uuid(USER_ID),
        provider_id: uuid(PROVIDER_ID),
        provider_slug: slug.to_owned(),
        alias: alias.map(str::to_owned),
        now: t0(),
    }
}

fn pending() -> ProviderConnection {
    ProviderConnection::new(new("schwab", None)).unwrap()
}

fn creds() -> ProviderCredentials {
    credentials(CredentialType::OAuth2)
}

fn expiring_at(at: DateTime<Utc>) -> ProviderCredentials {
    ProviderCredentials::new(vec![7], CredentialType::OAuth2, Some(at)).unwrap()
}

/// A connection brought to `status` through the lifecycle itself, at time t0.
fn in_status(status: ConnectionStatus) -> ProviderConnection {
    let mut connection = pending();
    match status {
        ConnectionStatus::Pending => {}
        ConnectionStatus::Active => connection.mark_connected(Some(creds()), t0()).unwrap(),
        ConnectionStatus::Expired => {
            connection.mark_connected(Some(creds()), t0()).unwrap();
            connection.mark_expired(t0()).unwrap();
        }
        ConnectionStatus::Revoked => {
            connection.mark_connected(Some(creds()), t0()).unwrap();
            connection.mark_revoked(t0()).unwrap();
        }
        ConnectionStatus::Failed => connection.mark_failed(t0()).unwrap(),
        ConnectionStatus::Disconnected => connection.mark_disconnected(t0()),
    }
    assert_eq!(connection.status(), status);
    connection
}

/// Applies `transition` from every status: where `allowed` it must land on `to` and touch
/// `updated_at`; elsewhere it must give `refusal` and change nothing.
fn check_transition(
    allowed: &[ConnectionStatus],
    to: ConnectionStatus,
    refusal: DomainError,
    transition: impl Fn(&mut ProviderConnection) -> Result<(), DomainError>,
) {
    for from in ConnectionStatus::ALL {
        let mut connection = in_status(from);
        let before = connection.clone();
        let result = transition(&mut connection);
        if allowed.contains(&from) {
            assert_eq!(result, Ok(()), "from {from}");
            assert_eq!(connection.status(), to, "from {from}");
            assert_eq!(connection.updated_at(), later(1), "from {from}");
        } else {
            assert_eq!(result, Err(refusal.clone()), "from {from}");
            assert_eq!(
                connection, before,
                "a refused transition changes nothing (from {from})"
            );
        }
    }
}

#[test]
fn a_new_connection_is_pending_without_credentials() {
    let connection = ProviderConnection::new(new("schwab", Some("Retirement"))).unwrap();
    assert_eq!(connection.id(), uuid(CONNECTION_ID));
    assert_eq!(connection.status(), ConnectionStatus::Pending);
    assert_eq!(connection.alias(), Some("Retirement"));
    assert_eq!(connection.credentials(), None);
    assert_eq!(connection.connected_at(), None);
    assert_eq!(connection.last_sync_at(), None);
    assert_eq!(
        (connection.created_at(), connection.updated_at()),
        (t0(), t0())
    );
}

#[test]
fn slug_must_be_1_to_50_code_points() {
    for slug in ["", &"s".repeat(51), &"ß".repeat(51)] {
        assert_eq!(
            ProviderConnection::new(new(slug, None)),
            Err(DomainError::InvalidProviderSlug)
        );
    }
    for slug in ["s", &"s".repeat(50), &"ß".repeat(50)] {
        assert!(ProviderConnection::new(new(slug, None)).is_ok());
    }
    assert_eq!(
        DomainError::InvalidProviderSlug.to_string(),
        "Invalid provider slug"
    );
}

#[test]
fn alias_is_at_most_100_code_points() {
    let long = "a".repeat(101);
    assert_eq!(
        ProviderConnection::new(new("schwab", Some(&long))),
        Err(DomainError::AliasTooLong)
    );
    assert!(ProviderConnection::new(new("schwab", Some(&"ü".repeat(100)))).is_ok());
    assert_eq!(
        DomainError::AliasTooLong.to_string(),
        "Alias exceeds maximum length"
    );
}

#[test]
fn connect_builds_an_active_connection_through_the_lifecycle() {
    let connection = ProviderConnection::connect(new("schwab", None), creds()).unwrap();
    assert_eq!(connection.status(), ConnectionStatus::Active);
    assert_eq!(connection.credentials(), Some(&creds()));
    assert_eq!(connection.connected_at(), Some(t0()));
    assert_eq!(
        (connection.created_at(), connection.updated_at()),
        (t0(), t0())
    );
    assert_eq!(
        ProviderConnection::connect(new("", None), creds()),
        Err(DomainError::InvalidProviderSlug)
    );
}

#[test]
fn restore_refuses_an_active_connection_without_credentials() {
    let record = ProviderConnectionRecord {
        id: uuid(CONNECTION_ID),
        user_id: uuid(USER_ID),
        provider_id: uuid(PROVIDER_ID),
        provider_slug: "schwab".into(),
        status: ConnectionStatus::Active,
        alias: None,
        credentials: None,
        connected_at: Some(t0()),
        last_sync_at: None,
        created_at: t0(),
        updated_at: t0(),
        version: 1,
    };
    assert_eq!(
        ProviderConnection::restore(record.clone()),
        Err(DomainError::ActiveWithoutCredentials)
    );
    assert_eq!(
        DomainError::ActiveWithoutCredentials.to_string(),
        "ACTIVE connection must have credentials"
    );

    let restored = ProviderConnection::restore(ProviderConnectionRecord {
        credentials: Some(creds()),
        ..record.clone()
    });
    assert_eq!(restored.map(|c| c.status()), Ok(ConnectionStatus::Active));
    let bad_slug = ProviderConnectionRecord {
        provider_slug: String::new(),
        status: ConnectionStatus::Pending,
        ..record
    };
    assert_eq!(
        ProviderConnection::restore(bad_slug),
        Err(DomainError::InvalidProviderSlug)
    );
}

#[test]
fn mark_connected_from_pending_expired_revoked_and_failed_only() {
    use ConnectionStatus::*;
    check_transition(
        &[Pending, Expired, Revoked, Failed],
        Active,
        DomainError::CannotActivate,
        |c| c.mark_connected(Some(creds()), later(1)),
    );
    assert_eq!(
        DomainError::CannotActivate.to_string(),
        "Cannot transition to ACTIVE from current state"
    );
}

#[test]
fn mark_connected_requires_credentials() {
    for from in ConnectionStatus::ALL {
        let mut connection = in_status(from);
        assert_eq!(
            connection.mark_connected(None, later(1)),
            Err(DomainError::CredentialsRequired)
        );
    }
    assert_eq!(
        DomainError::CredentialsRequired.to_string(),
        "Credentials are required"
    );
}

#[test]
fn mark_connected_sets_connected_at_only_the_first_time() {
    let mut connection = in_status(ConnectionStatus::Expired);
    let fresh = expiring_at(later(60));
    connection
        .mark_connected(Some(fresh.clone()), later(5))
        .unwrap();
    assert_eq!(connection.connected_at(), Some(t0()));
    assert_eq!(connection.credentials(), Some(&fresh));
    assert_eq!(connection.updated_at(), later(5));
}

#[test]
fn mark_disconnected_always_succeeds_and_clears_credentials() {
    for from in ConnectionStatus::ALL {
        let mut connection = in_status(from);
        connection.mark_disconnected(later(1));
        assert_eq!(connection.status(), ConnectionStatus::Disconnected);
        assert_eq!(connection.credentials(), None);
        assert_eq!(connection.updated_at(), later(1));
    }
}

#[test]
fn mark_expired_from_active_only_and_keeps_credentials() {
    check_transition(
        &[ConnectionStatus::Active],
        ConnectionStatus::Expired,
        DomainError::CannotExpire,
        |c| c.mark_expired(later(1)),
    );
    assert_eq!(
        in_status(ConnectionStatus::Expired).credentials(),
        Some(&creds())
    );
    assert_eq!(
        DomainError::CannotExpire.to_string(),
        "Cannot transition to EXPIRED, must be ACTIVE"
    );
}

#[test]
fn mark_revoked_from_active_only_and_keeps_credentials() {
    check_transition(
        &[ConnectionStatus::Active],
        ConnectionStatus::Revoked,
        DomainError::CannotRevoke,
        |c| c.mark_revoked(later(1)),
    );
    assert_eq!(
        in_status(ConnectionStatus::Revoked).credentials(),
        Some(&creds())
    );
    assert_eq!(
        DomainError::CannotRevoke.to_string(),
        "Cannot transition to REVOKED, must be ACTIVE"
    );
}

#[test]
fn mark_failed_from_pending_only() {
    check_transition(
        &[ConnectionStatus::Pending],
        ConnectionStatus::Failed,
        DomainError::CannotFail,
        |c| c.mark_failed(later(1)),
    );
    assert_eq!(
        DomainError::CannotFail.to_string(),
        "Cannot transition to FAILED, must be PENDING"
    );
}

#[test]
fn update_credentials_on_an_active_connection_only() {
    let fresh = expiring_at(later(60));
    check_transition(
        &[ConnectionStatus::Active],
        ConnectionStatus::Active,
        DomainError::NotActive,
        |c| c.update_credentials(Some(fresh.clone()), later(1)),
    );
    let mut connection = in_status(ConnectionStatus::Active);
    connection
        .update_credentials(Some(fresh.clone()), later(1))
        .unwrap();
    assert_eq!(connection.credentials(), Some(&fresh));
    assert_eq!(
        connection.update_credentials(None, later(2)),
        Err(DomainError::CredentialsRequired)
    );
    assert_eq!(
        DomainError::NotActive.to_string(),
        "Connection is not active"
    );
}

#[test]
fn record_sync_on_an_active_connection_only() {
    check_transition(
        &[ConnectionStatus::Active],
        ConnectionStatus::Active,
        DomainError::NotActive,
        |c| c.record_sync(later(1)),
    );
    let mut connection = in_status(ConnectionStatus::Active);
    connection.record_sync(later(3)).unwrap();
    assert_eq!(connection.last_sync_at(), Some(later(3)));
}

#[test]
fn is_connected_only_when_active() {
    for status in ConnectionStatus::ALL {
        assert_eq!(
            in_status(status).is_connected(),
            status == ConnectionStatus::Active,
            "{status}"
        );
    }
}

#[test]
fn needs_reauthentication_when_expired_revoked_or_failed() {
    use ConnectionStatus::*;
    for status in ConnectionStatus::ALL {
        let expected = matches!(status, Expired | Revoked | Failed);
        assert_eq!(
            in_status(status).needs_reauthentication(),
            expected,
            "{status}"
        );
    }
}

#[test]
fn credential_expiry_queries_follow_the_credentials() {
    let connection =
        ProviderConnection::connect(new("schwab", None), expiring_at(later(4))).unwrap();
    assert!(!connection.is_credentials_expired(t0()));
    assert!(
        connection.is_credentials_expiring_soon(t0()),
        "4 minutes is within the 5-minute threshold"
    );
    assert!(!connection.is_credentials_expiring_soon(later(-2)));
    assert!(connection.is_credentials_expired(later(4)));

    let disconnected = in_status(ConnectionStatus::Disconnected);
    assert!(!disconnected.is_credentials_expired(later(100)));
    assert!(!disconnected.is_credentials_expiring_soon(later(100)));
}

#[test]
fn can_sync_when_connected_and_not_expired() {
    let connection =
        ProviderConnection::connect(new("schwab", None), expiring_at(later(10))).unwrap();
    assert!(connection.can_sync(t0()));
    assert!(!connection.can_sync(later(10)));
    assert!(
        in_status(ConnectionStatus::Active).can_sync(later(100_000)),
        "no expiry, always syncable"
    );
    for status in ConnectionStatus::ALL
        .into_iter()
        .filter(|s| *s != ConnectionStatus::Active)
    {
        assert!(!in_status(status).can_sync(t0()), "{status}");
    }
}

#[test]
fn debug_of_a_connection_never_shows_the_secret() {
    let secret =
        ProviderCredentials::new(b"TOP-SECRET-BYTES".to_vec(), CredentialType::ApiKey, None)
            .unwrap();
    let connection = ProviderConnection::connect(new("schwab", None), secret).unwrap();
    let text = format!("{connection:?}");
    assert!(text.contains("encrypted_data=<16 bytes>"), "{text}");
    assert!(
        !text.contains("TOP-SECRET") && !text.contains("84, 79, 80"),
        "{text}"
    );
}

#[test]
fn status_names_are_the_originals() {
    let names: Vec<_> = ConnectionStatus::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        names,
        [
            "pending",
            "active",
            "expired",
            "revoked",
            "failed",
            "disconnected"
        ]
    );
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn slug_and_alias_rules_hold_for_any_text(slug in "\\PC{0,60}", alias in proptest::option::of("\\PC{0,110}")) {
            let result = ProviderConnection::new(NewProviderConnection { alias: alias.clone(), ..new(&slug, None) });
            let slug_ok = !slug.is_empty() && slug.chars().count() <= 50;
            let alias_ok = alias.as_ref().is_none_or(|a| a.chars().count() <= 100);
            match result {
                Ok(connection) => {
                    prop_assert!(slug_ok && alias_ok);
                    prop_assert_eq!(connection.provider_slug(), slug.as_str());
                }
                Err(DomainError::InvalidProviderSlug) => prop_assert!(!slug_ok),
                Err(DomainError::AliasTooLong) => prop_assert!(slug_ok && !alias_ok),
                Err(other) => prop_assert!(false, "unexpected {other:?}"),
            }
        }

        #[test]
        fn debug_never_shows_the_secret(secret in proptest::collection::vec(any::<u8>(), 8..128)) {
            let credentials = ProviderCredentials::new(secret.clone(), CredentialType::OAuth2, None).unwrap();
            let connection = ProviderConnection::connect(new("schwab", None), credentials).unwrap();
            let text = format!("{connection:?} {connection:#?}");
            let decimal = secret.iter().map(u8::to_string).collect::<Vec<_>>().join(", ");
            let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
            prop_assert!(!text.contains(&decimal) && !text.contains(&hex));
            let expected = format!("encrypted_data=<{} bytes>", secret.len());
            prop_assert!(text.contains(&expected));
        }

        #[test]
        fn a_refused_transition_never_changes_the_connection(steps in proptest::collection::vec(0u8..7, 0..20)) {
            let mut connection = pending();
            for (minute, step) in steps.into_iter().enumerate() {
                let before = connection.clone();
                let at = later(minute as i64 + 1);
                let result = match step {
                    0 => connection.mark_connected(Some(creds()), at),
                    1 => { connection.mark_disconnected(at); Ok(()) }
                    2 => connection.mark_expired(at),
                    3 => connection.mark_revoked(at),
                    4 => connection.mark_failed(at),
                    5 => connection.update_credentials(Some(creds()), at),
                    _ => connection.record_sync(at),
                };
                if result.is_err() {
                    prop_assert_eq!(&connection, &before);
                }
                prop_assert!(connection.status() != ConnectionStatus::Active || connection.credentials().is_some());
            }
        }
    }
}
