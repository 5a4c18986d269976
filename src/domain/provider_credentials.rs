use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use zeroize::Zeroize;

use super::instant::to_iso_string;
use super::{CredentialExpiry, CredentialType, DomainError};

/// How close to expiry counts as "expiring soon" when the caller names no threshold.
pub const DEFAULT_EXPIRY_THRESHOLD: TimeDelta = TimeDelta::minutes(5);

/// Encrypted provider credentials: opaque bytes that this crate stores and passes on, never reads.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderCredentials {
    encrypted_data: Vec<u8>,
    credential_type: CredentialType,
    expires_at: Option<DateTime<Utc>>,
}

impl ProviderCredentials {
    pub fn new(
        encrypted_data: Vec<u8>,
        credential_type: CredentialType,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<Self, DomainError> {
        if encrypted_data.is_empty() {
            return Err(DomainError::EmptyEncryptedData);
        }
        Ok(Self {
            encrypted_data,
            credential_type,
            expires_at,
        })
    }

    pub fn encrypted_data(&self) -> &[u8] {
        &self.encrypted_data
    }

    pub fn credential_type(&self) -> CredentialType {
        self.credential_type
    }

    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expires_at
    }

    /// True from the expiry instant on; credentials without an expiry never expire.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expiry(now, TimeDelta::zero()) == CredentialExpiry::Expired
    }

    /// True when expiry falls within `threshold` of `now` (or has passed).
    pub fn is_expiring_soon(&self, now: DateTime<Utc>, threshold: TimeDelta) -> bool {
        matches!(
            self.expiry(now, threshold),
            CredentialExpiry::ExpiringSoon | CredentialExpiry::Expired
        )
    }

    pub fn expiry(&self, now: DateTime<Utc>, threshold: TimeDelta) -> CredentialExpiry {
        CredentialExpiry::of(self.expires_at, now, threshold)
    }

    /// Time left before expiry, clamped at zero; `None` when the credentials never expire.
    pub fn time_until_expiry(&self, now: DateTime<Utc>) -> Option<TimeDelta> {
        self.expires_at
            .map(|expiry| expiry.signed_duration_since(now).max(TimeDelta::zero()))
    }

    pub fn supports_refresh(&self) -> bool {
        self.credential_type.supports_refresh()
    }
}

/// Best effort: overwrites the bytes (the whole allocation) when the value goes away, so a
/// secret does not linger in wasm memory that is reused for later commands.
impl Drop for ProviderCredentials {
    fn drop(&mut self) {
        self.encrypted_data.zeroize();
    }
}

/// Shows the size of the secret, never its bytes, so logging a connection cannot leak it.
impl fmt::Debug for ProviderCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ProviderCredentials(credential_type={}, ",
            self.credential_type
        )?;
        match self.expires_at {
            Some(expiry) => write!(f, "expires_at={}, ", to_iso_string(expiry))?,
            None => f.write_str("expires_at=None, ")?,
        }
        write!(f, "encrypted_data=<{} bytes>)", self.encrypted_data.len())
    }
}
