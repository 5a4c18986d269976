use std::fmt;

use uuid::Uuid;

use super::command_context::command_handler;
use super::workflow::{Change, Moment, Workflow};
use super::CommandContext;
use crate::application::{
    Clock, ErrorCode, EventBus, HandlerError, IdSource, ProviderConnectionRepository,
    RepositoryError,
};
use crate::domain::{
    ConnectionSubject, ProviderConnection, ProviderDisconnectionAttempted,
    ProviderDisconnectionFailed, ProviderDisconnectionSucceeded, ProviderEvent,
};

/// End a user's link to a provider. The connection is kept, disconnected and without
/// credentials (a soft delete).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisconnectProvider {
    pub user_id: Uuid,
    pub connection_id: Uuid,
    /// The version the caller last saw (HTTP's `If-Match`): the command is refused unless the
    /// connection is still at it. `None` disconnects whatever the version.
    pub expected_version: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisconnectProviderError {
    ConnectionNotFound,
    NotOwnedByUser,
    /// The repository's own message (a failed find or save), after "Database error occurred: ".
    Database(String),
    /// Other commands kept changing the connection while this one tried again.
    Conflict,
    /// The connection is no longer at the version the caller expected.
    VersionMismatch,
}

impl DisconnectProviderError {
    pub const CONNECTION_NOT_FOUND: &'static str = "Connection not found";
    pub const NOT_OWNED_BY_USER: &'static str = "Connection not owned by user";
    pub const DATABASE_ERROR: &'static str = "Database error occurred";
    pub const CONFLICT: &'static str = super::CONFLICT_MESSAGE;
    pub const VERSION_MISMATCH: &'static str = super::VERSION_MISMATCH_MESSAGE;
}

impl HandlerError for DisconnectProviderError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::ConnectionNotFound => ErrorCode::ConnectionNotFound,
            Self::NotOwnedByUser => ErrorCode::NotOwnedByUser,
            Self::Database(_) => ErrorCode::DatabaseError,
            Self::Conflict => ErrorCode::Conflict,
            Self::VersionMismatch => ErrorCode::VersionMismatch,
        }
    }
}

impl fmt::Display for DisconnectProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ConnectionNotFound => f.write_str(Self::CONNECTION_NOT_FOUND),
            Self::NotOwnedByUser => f.write_str(Self::NOT_OWNED_BY_USER),
            Self::Database(message) => write!(f, "{}: {message}", Self::DATABASE_ERROR),
            Self::Conflict => f.write_str(Self::CONFLICT),
            Self::VersionMismatch => f.write_str(Self::VERSION_MISMATCH),
        }
    }
}

impl std::error::Error for DisconnectProviderError {}

impl From<RepositoryError> for DisconnectProviderError {
    fn from(error: RepositoryError) -> Self {
        Self::Database(error.0)
    }
}

command_handler! {
    /// Looks the connection up, publishes Attempted, disconnects and saves it, then publishes
    /// Succeeded or Failed. Disconnecting a disconnected connection succeeds again, as in the
    /// original (the operation is idempotent).
    DisconnectProviderHandler
}

impl<R, B, C, I> DisconnectProviderHandler<R, B, C, I>
where
    R: ProviderConnectionRepository,
    B: EventBus,
    C: Clock,
    I: IdSource,
{
    pub async fn handle(&self, command: DisconnectProvider) -> Result<(), DisconnectProviderError> {
        let repository = self.context.repository();
        let found = repository.find_by_id(command.connection_id).await;
        let connection = found.as_ref().ok().and_then(Option::as_ref);
        let subject = ConnectionSubject::new(command.user_id, command.connection_id, connection);
        let decide = |found| self.disconnect(found, &command);
        let read_again = || repository.find_by_id(command.connection_id);
        DisconnectProvider::run(&self.context, subject, found, decide, read_again).await
    }

    fn disconnect(
        &self,
        found: Result<Option<ProviderConnection>, RepositoryError>,
        command: &DisconnectProvider,
    ) -> Result<Change<()>, DisconnectProviderError> {
        let mut connection = found?.ok_or(DisconnectProviderError::ConnectionNotFound)?;
        if connection.user_id() != command.user_id {
            return Err(DisconnectProviderError::NotOwnedByUser);
        }
        if command
            .expected_version
            .is_some_and(|expected| expected != connection.version())
        {
            return Err(DisconnectProviderError::VersionMismatch);
        }
        connection.mark_disconnected(self.context.now());
        Ok(Change {
            connection,
            output: (),
        })
    }
}

impl Workflow for DisconnectProvider {
    type Subject = ConnectionSubject;
    type Output = ();
    type Error = DisconnectProviderError;
    const CONFLICT: DisconnectProviderError = DisconnectProviderError::Conflict;

    fn attempted(subject: &ConnectionSubject, (occurred_at, event_id): Moment) -> ProviderEvent {
        ProviderEvent::from(ProviderDisconnectionAttempted {
            event_id,
            occurred_at,
            subject: subject.clone(),
        })
    }

    fn succeeded(
        subject: &ConnectionSubject,
        (occurred_at, event_id): Moment,
        _output: &(),
    ) -> ProviderEvent {
        ProviderEvent::from(ProviderDisconnectionSucceeded {
            event_id,
            occurred_at,
            subject: subject.clone(),
        })
    }

    fn failed(
        subject: ConnectionSubject,
        (occurred_at, event_id): Moment,
        reason: String,
        _error: &DisconnectProviderError,
    ) -> ProviderEvent {
        ProviderEvent::from(ProviderDisconnectionFailed {
            event_id,
            occurred_at,
            subject,
            reason,
        })
    }
}
