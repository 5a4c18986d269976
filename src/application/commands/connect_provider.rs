use std::fmt;
use std::future::Future;

use uuid::Uuid;

use super::command_context::command_handler;
use super::workflow::{Change, Moment, Workflow};
use super::CommandContext;
use crate::application::{
    Clock, ErrorCode, EventBus, HandlerError, IdSource, ProviderConnectionRepository,
    RepositoryError,
};
use crate::domain::{
    DomainError, NewProviderConnection, ProviderConnection, ProviderConnectionAttempted,
    ProviderConnectionFailed, ProviderConnectionSucceeded, ProviderCredentials, ProviderEvent,
};

/// Link a provider to a user's account with credentials that infrastructure already obtained
/// and encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectProvider {
    pub user_id: Uuid,
    pub provider_id: Uuid,
    pub provider_slug: String,
    /// `None` is refused with `InvalidCredentials`, as the original checks.
    pub credentials: Option<ProviderCredentials>,
    pub alias: Option<String>,
    /// The new connection's id, when the caller made it (a browser connecting offline): a UUID
    /// v7, refused as `InvalidConnectionId` otherwise, and `ConnectionIdTaken` when another
    /// connection has it. `None`: the handler makes one.
    pub connection_id: Option<Uuid>,
}

/// Why a ConnectProvider command failed; `Display` gives the original's exact strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectProviderError {
    InvalidCredentials,
    InvalidProviderSlug,
    /// The original's entity raised it inside the handler's `try`, answered as a database error.
    InvalidAlias,
    /// The repository's own message, shown after "Database error occurred: ".
    Database(String),
    /// The store already holds a connection with the new id.
    Conflict,
    /// The caller's connection id is not a UUID v7.
    InvalidConnectionId,
    /// The caller's connection id is another connection's.
    ConnectionIdTaken,
}

impl ConnectProviderError {
    pub const INVALID_CREDENTIALS: &'static str = "Invalid or missing credentials";
    pub const INVALID_PROVIDER_SLUG: &'static str = "Invalid provider slug";
    pub const INVALID_ALIAS: &'static str = "Alias exceeds maximum length";
    pub const DATABASE_ERROR: &'static str = "Database error occurred";
    pub const CONFLICT: &'static str = super::CONFLICT_MESSAGE;
    pub const INVALID_CONNECTION_ID: &'static str = "Connection id must be a UUID v7";
    pub const CONNECTION_ID_TAKEN: &'static str = "Connection id already in use";
}

impl HandlerError for ConnectProviderError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::InvalidProviderSlug => ErrorCode::InvalidProviderSlug,
            Self::InvalidAlias => ErrorCode::InvalidAlias,
            Self::Database(_) => ErrorCode::DatabaseError,
            Self::Conflict => ErrorCode::Conflict,
            Self::InvalidConnectionId => ErrorCode::InvalidConnectionId,
            Self::ConnectionIdTaken => ErrorCode::ConnectionIdTaken,
        }
    }
}

impl fmt::Display for ConnectProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidCredentials => f.write_str(Self::INVALID_CREDENTIALS),
            Self::InvalidProviderSlug => f.write_str(Self::INVALID_PROVIDER_SLUG),
            Self::InvalidAlias => f.write_str(Self::INVALID_ALIAS),
            Self::Database(message) => write!(f, "{}: {message}", Self::DATABASE_ERROR),
            Self::Conflict => f.write_str(Self::CONFLICT),
            Self::InvalidConnectionId => f.write_str(Self::INVALID_CONNECTION_ID),
            Self::ConnectionIdTaken => f.write_str(Self::CONNECTION_ID_TAKEN),
        }
    }
}

impl std::error::Error for ConnectProviderError {}

impl From<RepositoryError> for ConnectProviderError {
    fn from(error: RepositoryError) -> Self {
        Self::Database(error.0)
    }
}

impl From<DomainError> for ConnectProviderError {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::InvalidProviderSlug => Self::InvalidProviderSlug,
            DomainError::AliasTooLong => Self::InvalidAlias,
            // What remains of the entity's refusals concerns the credentials.
            _ => Self::InvalidCredentials,
        }
    }
}

command_handler! {
    /// Creates an ACTIVE connection, saves it and publishes Attempted, then Succeeded or Failed.
    ConnectProviderHandler
}

/// Who and what the events talk about, kept before the command is consumed.
pub(super) struct Subject {
    user_id: Uuid,
    provider_id: Uuid,
    provider_slug: String,
}

impl<R, B, C, I> ConnectProviderHandler<R, B, C, I>
where
    R: ProviderConnectionRepository,
    B: EventBus,
    C: Clock,
    I: IdSource,
{
    /// Never fails to publish a closing event: Succeeded with the stored connection, Failed
    /// otherwise. A new connection's id is new, so a stale write (the id is taken) is not tried
    /// again but answered as a conflict. Not an `async fn`, which would hold its command twice
    /// while it waits (rust-lang/rust#62958).
    pub fn handle(
        &self,
        command: ConnectProvider,
    ) -> impl Future<Output = Result<Uuid, ConnectProviderError>> + '_ {
        let subject = Subject {
            user_id: command.user_id,
            provider_id: command.provider_id,
            provider_slug: command.provider_slug.clone(),
        };
        // A refused insert means the id is taken: the caller's (answered as such), or a made
        // one (a conflict, which a new command with a new id would not meet).
        let chosen = command.connection_id.is_some();
        let decide = move |command: Option<ConnectProvider>| match command {
            Some(command) => self.connect(command),
            None if chosen => Err(ConnectProviderError::ConnectionIdTaken),
            None => Err(ConnectProviderError::Conflict),
        };
        let read_again = || std::future::ready(None);
        ConnectProvider::run(&self.context, subject, Some(command), decide, read_again)
    }

    fn connect(&self, command: ConnectProvider) -> Result<Change<Uuid>, ConnectProviderError> {
        let credentials = command
            .credentials
            .ok_or(ConnectProviderError::InvalidCredentials)?;
        let (now, made) = self.context.moment();
        let id = match command.connection_id {
            Some(id) if !is_uuid_v7(id) => return Err(ConnectProviderError::InvalidConnectionId),
            Some(id) => id,
            None => made,
        };
        let connection = ProviderConnection::connect(
            NewProviderConnection {
                id,
                user_id: command.user_id,
                provider_id: command.provider_id,
                provider_slug: command.provider_slug,
                alias: command.alias,
                now,
            },
            credentials,
        )?;
        Ok(Change {
            output: connection.id(),
            connection,
        })
    }
}

/// Version 7 (time-ordered, as the handler's own ids) in RFC 9562's variant.
fn is_uuid_v7(id: Uuid) -> bool {
    id.get_version_num() == 7 && id.get_variant() == uuid::Variant::RFC4122
}

impl Workflow for ConnectProvider {
    type Subject = Subject;
    /// The new connection's id.
    type Output = Uuid;
    type Error = ConnectProviderError;
    const CONFLICT: ConnectProviderError = ConnectProviderError::Conflict;

    fn attempted(subject: &Subject, (occurred_at, event_id): Moment) -> ProviderEvent {
        ProviderEvent::from(ProviderConnectionAttempted {
            event_id,
            occurred_at,
            user_id: subject.user_id,
            provider_id: subject.provider_id,
            provider_slug: subject.provider_slug.clone(),
        })
    }

    fn succeeded(
        subject: &Subject,
        (occurred_at, event_id): Moment,
        connection_id: &Uuid,
    ) -> ProviderEvent {
        ProviderEvent::from(ProviderConnectionSucceeded {
            event_id,
            occurred_at,
            user_id: subject.user_id,
            connection_id: *connection_id,
            provider_id: subject.provider_id,
            provider_slug: subject.provider_slug.clone(),
        })
    }

    fn failed(
        subject: Subject,
        (occurred_at, event_id): Moment,
        reason: String,
        _error: &ConnectProviderError,
    ) -> ProviderEvent {
        ProviderEvent::from(ProviderConnectionFailed {
            event_id,
            occurred_at,
            user_id: subject.user_id,
            provider_id: subject.provider_id,
            provider_slug: subject.provider_slug,
            reason,
        })
    }
}
