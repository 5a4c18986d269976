use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::{
    ConnectionStatus, CredentialExpiry, CredentialType, ProviderConnection,
    DEFAULT_EXPIRY_THRESHOLD,
};

/// A connection as the queries return it: what a screen or a job needs, the entity's own
/// answers to its queries, and never the credential bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConnectionView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub provider_id: Uuid,
    pub provider_slug: String,
    pub alias: Option<String>,
    pub status: ConnectionStatus,
    pub is_connected: bool,
    pub needs_reauthentication: bool,
    pub can_sync: bool,
    /// `None` without credentials, as are the two below.
    pub credential_type: Option<CredentialType>,
    pub credentials_expire_at: Option<DateTime<Utc>>,
    /// The domain's five-minute rule, judged at the query's `now`.
    pub credential_expiry: Option<CredentialExpiry>,
    pub connected_at: Option<DateTime<Utc>>,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The stored version: what a client sends back to say which state it saw (`If-Match`).
    pub version: u64,
}

impl ProviderConnectionView {
    pub fn of(connection: &ProviderConnection, now: DateTime<Utc>) -> Self {
        let credentials = connection.credentials();
        Self {
            id: connection.id(),
            user_id: connection.user_id(),
            provider_id: connection.provider_id(),
            provider_slug: connection.provider_slug().to_owned(),
            alias: connection.alias().map(str::to_owned),
            status: connection.status(),
            is_connected: connection.is_connected(),
            needs_reauthentication: connection.needs_reauthentication(),
            can_sync: connection.can_sync(now),
            credential_type: credentials.map(|c| c.credential_type()),
            credentials_expire_at: credentials.and_then(|c| c.expires_at()),
            credential_expiry: credentials.map(|c| c.expiry(now, DEFAULT_EXPIRY_THRESHOLD)),
            connected_at: connection.connected_at(),
            last_sync_at: connection.last_sync_at(),
            created_at: connection.created_at(),
            updated_at: connection.updated_at(),
            version: connection.version(),
        }
    }
}
