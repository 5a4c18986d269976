//! ProviderCredentials: construction, expiry queries, refresh support and a redacted Debug.

mod support;

use chrono::TimeDelta;
use connect_provider::{CredentialType, DomainError, ProviderCredentials};
use support::t0;

fn expiring_in(minutes: i64) -> ProviderCredentials {
    ProviderCredentials::new(
        vec![1, 2, 3],
        CredentialType::OAuth2,
        Some(t0() + TimeDelta::minutes(minutes)),
    )
    .unwrap()
}

#[test]
fn refuses_empty_encrypted_data() {
    let result = ProviderCredentials::new(Vec::new(), CredentialType::ApiKey, None);
    assert_eq!(result, Err(DomainError::EmptyEncryptedData));
    assert_eq!(
        DomainError::EmptyEncryptedData.to_string(),
        "encrypted_data cannot be empty"
    );
}

#[test]
fn keeps_bytes_type_and_expiry() {
    let expiry = t0() + TimeDelta::seconds(3600);
    let credentials =
        ProviderCredentials::new(vec![9, 8, 7], CredentialType::Certificate, Some(expiry)).unwrap();
    assert_eq!(credentials.encrypted_data(), &[9, 8, 7]);
    assert_eq!(credentials.credential_type(), CredentialType::Certificate);
    assert_eq!(credentials.expires_at(), Some(expiry));
}

#[test]
fn is_expired_from_the_expiry_instant_on() {
    let credentials = expiring_in(0);
    assert!(!credentials.is_expired(t0() - TimeDelta::milliseconds(1)));
    assert!(credentials.is_expired(t0()));
    assert!(credentials.is_expired(t0() + TimeDelta::seconds(86_400)));
}

#[test]
fn credentials_without_expiry_never_expire() {
    let credentials = ProviderCredentials::new(vec![1], CredentialType::ApiKey, None).unwrap();
    assert!(!credentials.is_expired(t0() + TimeDelta::seconds(36_500 * 86_400)));
    assert!(!credentials.is_expiring_soon(t0(), TimeDelta::seconds(5 * 60)));
    assert_eq!(credentials.time_until_expiry(t0()), None);
}

#[test]
fn is_expiring_soon_within_the_threshold() {
    let five = TimeDelta::seconds(5 * 60);
    assert!(expiring_in(5).is_expiring_soon(t0(), five));
    assert!(!expiring_in(6).is_expiring_soon(t0(), five));
    assert!(
        expiring_in(-1).is_expiring_soon(t0(), five),
        "already expired counts as soon"
    );
    assert!(expiring_in(20).is_expiring_soon(t0(), TimeDelta::seconds(30 * 60)));
}

#[test]
fn time_until_expiry_is_clamped_at_zero() {
    assert_eq!(
        expiring_in(10).time_until_expiry(t0()),
        Some(TimeDelta::seconds(10 * 60))
    );
    assert_eq!(
        expiring_in(-10).time_until_expiry(t0()),
        Some(TimeDelta::zero())
    );
}

#[test]
fn only_oauth2_and_link_token_support_refresh() {
    for kind in CredentialType::ALL {
        let credentials = ProviderCredentials::new(vec![1], kind, None).unwrap();
        let expected = matches!(kind, CredentialType::OAuth2 | CredentialType::LinkToken);
        assert_eq!(credentials.supports_refresh(), expected, "{kind}");
    }
}

#[test]
fn api_key_certificate_and_file_import_never_expire() {
    let never: Vec<_> = CredentialType::ALL
        .into_iter()
        .filter(|kind| kind.never_expires())
        .collect();
    assert_eq!(
        never,
        [
            CredentialType::ApiKey,
            CredentialType::Certificate,
            CredentialType::FileImport
        ]
    );
}

#[test]
fn credential_types_parse_from_their_names_only() {
    let names: Vec<_> = CredentialType::ALL
        .iter()
        .map(|kind| kind.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "oauth2",
            "api_key",
            "link_token",
            "certificate",
            "file_import",
            "custom"
        ]
    );
    for kind in CredentialType::ALL {
        assert_eq!(kind.as_str().parse::<CredentialType>(), Ok(kind));
    }
    for bad in ["", "OAUTH2", "password", "oauth2 "] {
        assert_eq!(
            bad.parse::<CredentialType>(),
            Err(DomainError::UnknownCredentialType)
        );
    }
    assert_eq!(
        DomainError::UnknownCredentialType.to_string(),
        "credential_type must be a CredentialType enum"
    );
}

#[test]
fn debug_text_shows_the_size_never_the_bytes() {
    let secret = b"hunter2-secret".to_vec();
    let credentials = ProviderCredentials::new(secret, CredentialType::OAuth2, Some(t0())).unwrap();
    assert_eq!(
        format!("{credentials:?}"),
        "ProviderCredentials(credential_type=oauth2, expires_at=2026-11-26T15:21:29.000Z, encrypted_data=<14 bytes>)"
    );
    let without_expiry =
        ProviderCredentials::new(vec![0xAB; 3], CredentialType::ApiKey, None).unwrap();
    assert_eq!(
        format!("{without_expiry:#?}"),
        "ProviderCredentials(credential_type=api_key, expires_at=None, encrypted_data=<3 bytes>)"
    );
}

#[test]
fn expiry_names_where_the_credentials_stand() {
    use connect_provider::domain::CredentialExpiry;
    let five = TimeDelta::seconds(5 * 60);
    assert_eq!(expiring_in(10).expiry(t0(), five), CredentialExpiry::Valid);
    assert_eq!(
        expiring_in(5).expiry(t0(), five),
        CredentialExpiry::ExpiringSoon
    );
    assert_eq!(expiring_in(0).expiry(t0(), five), CredentialExpiry::Expired);
    assert_eq!(
        CredentialExpiry::of(None, t0(), five),
        CredentialExpiry::Never
    );
    let names: Vec<_> = [
        CredentialExpiry::Never,
        CredentialExpiry::Valid,
        CredentialExpiry::ExpiringSoon,
        CredentialExpiry::Expired,
    ]
    .iter()
    .map(|state| state.as_str())
    .collect();
    assert_eq!(names, ["never", "valid", "expiring_soon", "expired"]);
}
