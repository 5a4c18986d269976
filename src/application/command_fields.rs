//! A ConnectProvider command as an untyped caller sends it (text and bytes, nothing checked yet),
//! and the checks that turn it into a `ConnectProvider`. Plain Rust, so the same rules are
//! fuzzed and property-tested natively and used by the JS bridge.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::ConnectProvider;
use crate::domain::id_text::parse_hyphenated;
use crate::domain::instant::parse_rfc3339;
use crate::domain::{CredentialType, ProviderCredentials};

/// Longest text field, in UTF-16 code units, that the JS bridge copies into wasm, so no input can
/// grow the module's memory without bound. A longer slug or alias is not copied: it reaches
/// these rules as its first code points, enough for the domain to refuse it by its own rule.
pub const MAX_TEXT_UNITS: usize = 1024;
/// Largest `encryptedData`, in bytes: far above any token or certificate, far below harm.
pub const MAX_ENCRYPTED_DATA_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandFields {
    pub user_id: String,
    pub provider_id: String,
    pub provider_slug: String,
    pub alias: Option<String>,
    /// `None` when absent or not even an object.
    pub credentials: Option<CredentialFields>,
    /// The caller's own id for the new connection; `None` when absent.
    pub connection_id: Option<String>,
}

/// `Debug` is derived but never shows the bytes: see `CredentialBytes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialFields {
    pub encrypted_data: Option<CredentialBytes>,
    pub credential_type: Option<String>,
    pub expires_at: Option<ExpiresAtField>,
}

/// The secret on its way to `ProviderCredentials`; its `Debug` shows only the length.
#[derive(Clone, PartialEq, Eq)]
pub struct CredentialBytes(pub Vec<u8>);

impl Drop for CredentialBytes {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl std::fmt::Debug for CredentialBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{} bytes>", self.0.len())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpiresAtField {
    Text(String),
    /// Present but neither a string nor null.
    NotText,
}

/// Why the fields are not a command, naming the field: "userId must be a UUID string".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidField(pub String);

impl CommandFields {
    pub fn into_command(self) -> Result<ConnectProvider, InvalidField> {
        let connection_id = match &self.connection_id {
            Some(text) => Some(uuid_field("connectionId", text)?),
            None => None,
        };
        Ok(ConnectProvider {
            user_id: uuid_field("userId", &self.user_id)?,
            provider_id: uuid_field("providerId", &self.provider_id)?,
            provider_slug: self.provider_slug,
            alias: self.alias,
            credentials: self
                .credentials
                .and_then(CredentialFields::into_credentials),
            connection_id,
        })
    }
}

impl CredentialFields {
    /// Malformed credentials are no credentials: the handler answers both with
    /// "Invalid or missing credentials", after the Attempted event.
    pub fn into_credentials(self) -> Option<ProviderCredentials> {
        // Held as `CredentialBytes` until the last moment, so every early return zeroes it.
        let mut secret = self.encrypted_data?;
        if secret.0.len() > MAX_ENCRYPTED_DATA_BYTES {
            return None;
        }
        let credential_type = self.credential_type?.parse::<CredentialType>().ok()?;
        let expires_at = match self.expires_at {
            None => None,
            Some(ExpiresAtField::Text(text)) => Some(parse_timestamp(&text)?),
            Some(ExpiresAtField::NotText) => return None,
        };
        ProviderCredentials::new(std::mem::take(&mut secret.0), credential_type, expires_at).ok()
    }
}

/// RFC 3339 with an offset, kept at the millisecond precision of a JS `Date`.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    parse_rfc3339(text)
}

/// Hyphenated form only, the form every id leaves this crate in.
pub fn uuid_field(field: &str, text: &str) -> Result<Uuid, InvalidField> {
    parse_hyphenated(text).ok_or_else(|| InvalidField(format!("{field} must be a UUID string")))
}
