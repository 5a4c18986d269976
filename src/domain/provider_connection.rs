use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::provider_credentials::DEFAULT_EXPIRY_THRESHOLD;
use super::{
    ConnectionStatus, DomainError, ProviderCredentials, MAX_ALIAS_CHARS, MAX_PROVIDER_SLUG_CHARS,
};

/// What it takes to open a connection; every other field starts from the lifecycle's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProviderConnection {
    pub id: Uuid,
    pub user_id: Uuid,
    pub provider_id: Uuid,
    pub provider_slug: String,
    pub alias: Option<String>,
    pub now: DateTime<Utc>,
}

/// Every stored field of a connection, as a repository reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConnectionRecord {
    pub id: Uuid,
    pub user_id: Uuid,
    pub provider_id: Uuid,
    pub provider_slug: String,
    pub status: ConnectionStatus,
    pub alias: Option<String>,
    pub credentials: Option<ProviderCredentials>,
    pub connected_at: Option<DateTime<Utc>>,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// How many times it was saved: 1 when first stored.
    pub version: u64,
}

/// A user's link to one provider. Fields are private so that every change goes through a
/// transition that keeps the invariants (slug, alias, "ACTIVE has credentials").
///
/// It knows the version it was stored at, so that a store can refuse to write over a newer one:
/// any change makes it the next version, however many transitions the command makes.
#[derive(Debug, Clone)]
pub struct ProviderConnection {
    id: Uuid,
    user_id: Uuid,
    provider_id: Uuid,
    provider_slug: String,
    status: ConnectionStatus,
    alias: Option<String>,
    credentials: Option<ProviderCredentials>,
    connected_at: Option<DateTime<Utc>>,
    last_sync_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// The version read from the store; 0 for a connection never stored.
    stored_version: u64,
    /// Whether a transition changed it since it was made or read.
    changed: bool,
}

/// Equal when every field and the version are: a changed connection equals the stored one of its
/// next version.
impl PartialEq for ProviderConnection {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.user_id == other.user_id
            && self.provider_id == other.provider_id
            && self.provider_slug == other.provider_slug
            && self.status == other.status
            && self.alias == other.alias
            && self.credentials == other.credentials
            && self.connected_at == other.connected_at
            && self.last_sync_at == other.last_sync_at
            && self.created_at == other.created_at
            && self.updated_at == other.updated_at
            && self.version() == other.version()
    }
}

impl Eq for ProviderConnection {}

impl ProviderConnection {
    /// A PENDING connection, not yet authenticated.
    pub fn new(new: NewProviderConnection) -> Result<Self, DomainError> {
        validate_slug(&new.provider_slug)?;
        validate_alias(new.alias.as_deref())?;
        Ok(Self {
            id: new.id,
            user_id: new.user_id,
            provider_id: new.provider_id,
            provider_slug: new.provider_slug,
            status: ConnectionStatus::Pending,
            alias: new.alias,
            credentials: None,
            connected_at: None,
            last_sync_at: None,
            created_at: new.now,
            updated_at: new.now,
            stored_version: 0,
            changed: true,
        })
    }

    /// Rebuilds a stored connection, refusing one that breaks an invariant.
    pub fn restore(record: ProviderConnectionRecord) -> Result<Self, DomainError> {
        validate_slug(&record.provider_slug)?;
        validate_alias(record.alias.as_deref())?;
        if record.status == ConnectionStatus::Active && record.credentials.is_none() {
            return Err(DomainError::ActiveWithoutCredentials);
        }
        if record.version == 0 {
            return Err(DomainError::VersionZero);
        }
        Ok(Self {
            id: record.id,
            user_id: record.user_id,
            provider_id: record.provider_id,
            provider_slug: record.provider_slug,
            status: record.status,
            alias: record.alias,
            credentials: record.credentials,
            connected_at: record.connected_at,
            last_sync_at: record.last_sync_at,
            created_at: record.created_at,
            updated_at: record.updated_at,
            stored_version: record.version,
            changed: false,
        })
    }

    /// An ACTIVE connection, made the way the lifecycle allows: created PENDING, then connected.
    pub fn connect(
        new: NewProviderConnection,
        credentials: ProviderCredentials,
    ) -> Result<Self, DomainError> {
        let now = new.now;
        let mut connection = Self::new(new)?;
        connection.mark_connected(Some(credentials), now)?;
        Ok(connection)
    }

    pub fn id(&self) -> Uuid {
        self.id
    }
    pub fn user_id(&self) -> Uuid {
        self.user_id
    }
    pub fn provider_id(&self) -> Uuid {
        self.provider_id
    }
    pub fn provider_slug(&self) -> &str {
        &self.provider_slug
    }
    pub fn status(&self) -> ConnectionStatus {
        self.status
    }
    pub fn alias(&self) -> Option<&str> {
        self.alias.as_deref()
    }
    pub fn credentials(&self) -> Option<&ProviderCredentials> {
        self.credentials.as_ref()
    }
    pub fn connected_at(&self) -> Option<DateTime<Utc>> {
        self.connected_at
    }
    pub fn last_sync_at(&self) -> Option<DateTime<Utc>> {
        self.last_sync_at
    }
    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    pub fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }

    /// The version to store it as: the stored one, or the next after any change (1 for a new
    /// connection). A store writes it only over `version() - 1` (nothing, for version 1).
    pub fn version(&self) -> u64 {
        self.stored_version.saturating_add(u64::from(self.changed))
    }

    /// Activates with fresh credentials; `connected_at` keeps the first time it ever connected.
    pub fn mark_connected(
        &mut self,
        credentials: Option<ProviderCredentials>,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let credentials = credentials.ok_or(DomainError::CredentialsRequired)?;
        if !self.status.can_activate() {
            return Err(DomainError::CannotActivate);
        }
        self.status = ConnectionStatus::Active;
        self.credentials = Some(credentials);
        self.connected_at.get_or_insert(now);
        self.touch(now);
        Ok(())
    }

    /// Always allowed; forgets the credentials so nothing secret outlives the link.
    pub fn mark_disconnected(&mut self, now: DateTime<Utc>) {
        self.status = ConnectionStatus::Disconnected;
        self.credentials = None;
        self.touch(now);
    }

    /// Keeps the credentials: a refresh may still revive them.
    pub fn mark_expired(&mut self, now: DateTime<Utc>) -> Result<(), DomainError> {
        self.leave_active(ConnectionStatus::Expired, DomainError::CannotExpire, now)
    }

    pub fn mark_revoked(&mut self, now: DateTime<Utc>) -> Result<(), DomainError> {
        self.leave_active(ConnectionStatus::Revoked, DomainError::CannotRevoke, now)
    }

    pub fn mark_failed(&mut self, now: DateTime<Utc>) -> Result<(), DomainError> {
        if self.status != ConnectionStatus::Pending {
            return Err(DomainError::CannotFail);
        }
        self.status = ConnectionStatus::Failed;
        self.touch(now);
        Ok(())
    }

    pub fn update_credentials(
        &mut self,
        credentials: Option<ProviderCredentials>,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let credentials = credentials.ok_or(DomainError::CredentialsRequired)?;
        self.ensure_active()?;
        self.credentials = Some(credentials);
        self.touch(now);
        Ok(())
    }

    pub fn record_sync(&mut self, now: DateTime<Utc>) -> Result<(), DomainError> {
        self.ensure_active()?;
        self.last_sync_at = Some(now);
        self.touch(now);
        Ok(())
    }

    pub fn is_connected(&self) -> bool {
        self.status == ConnectionStatus::Active && self.credentials.is_some()
    }

    pub fn needs_reauthentication(&self) -> bool {
        self.status.needs_reauthentication()
    }

    /// False when there are no credentials: nothing can have expired.
    pub fn is_credentials_expired(&self, now: DateTime<Utc>) -> bool {
        self.credentials
            .as_ref()
            .is_some_and(|credentials| credentials.is_expired(now))
    }

    /// Uses the credentials' default threshold of five minutes.
    pub fn is_credentials_expiring_soon(&self, now: DateTime<Utc>) -> bool {
        self.credentials
            .as_ref()
            .is_some_and(|credentials| credentials.is_expiring_soon(now, DEFAULT_EXPIRY_THRESHOLD))
    }

    pub fn can_sync(&self, now: DateTime<Utc>) -> bool {
        self.is_connected() && !self.is_credentials_expired(now)
    }

    fn touch(&mut self, now: DateTime<Utc>) {
        self.updated_at = now;
        self.changed = true;
    }

    fn ensure_active(&self) -> Result<(), DomainError> {
        if self.status == ConnectionStatus::Active {
            Ok(())
        } else {
            Err(DomainError::NotActive)
        }
    }

    fn leave_active(
        &mut self,
        to: ConnectionStatus,
        refusal: DomainError,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        self.ensure_active().map_err(|_| refusal)?;
        self.status = to;
        self.touch(now);
        Ok(())
    }
}

fn validate_slug(slug: &str) -> Result<(), DomainError> {
    if slug.is_empty() || slug.chars().count() > MAX_PROVIDER_SLUG_CHARS {
        return Err(DomainError::InvalidProviderSlug);
    }
    Ok(())
}

fn validate_alias(alias: Option<&str>) -> Result<(), DomainError> {
    match alias {
        Some(alias) if alias.chars().count() > MAX_ALIAS_CHARS => Err(DomainError::AliasTooLong),
        _ => Ok(()),
    }
}
