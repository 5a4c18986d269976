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
    ConnectionSubject, ProviderConnection, ProviderCredentials, ProviderEvent,
    ProviderTokenRefreshAttempted, ProviderTokenRefreshFailed, ProviderTokenRefreshSucceeded,
};

/// Replace an active connection's credentials with new ones that infrastructure obtained and
/// encrypted. Unlike the original, the command names the user, and only the owner may.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshProviderTokens {
    pub user_id: Uuid,
    pub connection_id: Uuid,
    /// `None` (absent or malformed) is refused with `InvalidCredentials`.
    pub credentials: Option<ProviderCredentials>,
    /// The version the caller last saw (HTTP's `If-Match`): the command is refused unless the
    /// connection is still at it. `None` refreshes whatever the version.
    pub expected_version: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshProviderTokensError {
    ConnectionNotFound,
    NotOwnedByUser,
    InvalidCredentials,
    /// The connection is no longer active: only the user, by connecting again, can mend it.
    NotActive,
    /// The repository's own message (a failed find or save), after "Database error occurred: ".
    Database(String),
    /// Other commands kept changing the connection while this one tried again.
    Conflict,
    /// The connection is no longer at the version the caller expected.
    VersionMismatch,
}

impl RefreshProviderTokensError {
    pub const CONNECTION_NOT_FOUND: &'static str = "Connection not found";
    pub const NOT_OWNED_BY_USER: &'static str = "Connection not owned by user";
    pub const INVALID_CREDENTIALS: &'static str = "Invalid or missing credentials";
    pub const NOT_ACTIVE: &'static str = "Connection is not active";
    pub const DATABASE_ERROR: &'static str = "Database error occurred";
    pub const CONFLICT: &'static str = super::CONFLICT_MESSAGE;
    pub const VERSION_MISMATCH: &'static str = super::VERSION_MISMATCH_MESSAGE;

    /// What the Failed event's `needs_user_action` says: true only when the user must act.
    pub fn needs_user_action(&self) -> bool {
        matches!(self, Self::NotActive)
    }
}

impl HandlerError for RefreshProviderTokensError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::ConnectionNotFound => ErrorCode::ConnectionNotFound,
            Self::NotOwnedByUser => ErrorCode::NotOwnedByUser,
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::NotActive => ErrorCode::NotActive,
            Self::Database(_) => ErrorCode::DatabaseError,
            Self::Conflict => ErrorCode::Conflict,
            Self::VersionMismatch => ErrorCode::VersionMismatch,
        }
    }

    fn user_action(&self) -> Option<bool> {
        Some(self.needs_user_action())
    }
}

impl fmt::Display for RefreshProviderTokensError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ConnectionNotFound => f.write_str(Self::CONNECTION_NOT_FOUND),
            Self::NotOwnedByUser => f.write_str(Self::NOT_OWNED_BY_USER),
            Self::InvalidCredentials => f.write_str(Self::INVALID_CREDENTIALS),
            Self::NotActive => f.write_str(Self::NOT_ACTIVE),
            Self::Database(message) => write!(f, "{}: {message}", Self::DATABASE_ERROR),
            Self::Conflict => f.write_str(Self::CONFLICT),
            Self::VersionMismatch => f.write_str(Self::VERSION_MISMATCH),
        }
    }
}

impl std::error::Error for RefreshProviderTokensError {}

impl From<RepositoryError> for RefreshProviderTokensError {
    fn from(error: RepositoryError) -> Self {
        Self::Database(error.0)
    }
}

command_handler! {
    /// Looks the connection up, publishes Attempted, checks (found, owned, credentials, active, in
    /// that order), saves the new credentials, then publishes Succeeded or Failed.
    RefreshProviderTokensHandler
}

impl<R, B, C, I> RefreshProviderTokensHandler<R, B, C, I>
where
    R: ProviderConnectionRepository,
    B: EventBus,
    C: Clock,
    I: IdSource,
{
    pub async fn handle(
        &self,
        command: RefreshProviderTokens,
    ) -> Result<(), RefreshProviderTokensError> {
        let repository = self.context.repository();
        let found = repository.find_by_id(command.connection_id).await;
        let connection = found.as_ref().ok().and_then(Option::as_ref);
        let subject = ConnectionSubject::new(command.user_id, command.connection_id, connection);
        let decide = |found| self.refresh(found, &command);
        let read_again = || repository.find_by_id(command.connection_id);
        RefreshProviderTokens::run(&self.context, subject, found, decide, read_again).await
    }

    /// Checks found, owned, the expected version, credentials and active, in that order, on what
    /// was read.
    fn refresh(
        &self,
        found: Result<Option<ProviderConnection>, RepositoryError>,
        command: &RefreshProviderTokens,
    ) -> Result<Change<()>, RefreshProviderTokensError> {
        let mut connection = found?.ok_or(RefreshProviderTokensError::ConnectionNotFound)?;
        if connection.user_id() != command.user_id {
            return Err(RefreshProviderTokensError::NotOwnedByUser);
        }
        if command
            .expected_version
            .is_some_and(|expected| expected != connection.version())
        {
            return Err(RefreshProviderTokensError::VersionMismatch);
        }
        let credentials = command
            .credentials
            .clone()
            .ok_or(RefreshProviderTokensError::InvalidCredentials)?;
        connection
            .update_credentials(Some(credentials), self.context.now())
            .map_err(|_| RefreshProviderTokensError::NotActive)?;
        Ok(Change {
            connection,
            output: (),
        })
    }
}

impl Workflow for RefreshProviderTokens {
    type Subject = ConnectionSubject;
    type Output = ();
    type Error = RefreshProviderTokensError;
    const CONFLICT: RefreshProviderTokensError = RefreshProviderTokensError::Conflict;

    fn attempted(subject: &ConnectionSubject, (occurred_at, event_id): Moment) -> ProviderEvent {
        ProviderEvent::from(ProviderTokenRefreshAttempted {
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
        ProviderEvent::from(ProviderTokenRefreshSucceeded {
            event_id,
            occurred_at,
            subject: subject.clone(),
        })
    }

    fn failed(
        subject: ConnectionSubject,
        (occurred_at, event_id): Moment,
        reason: String,
        error: &RefreshProviderTokensError,
    ) -> ProviderEvent {
        ProviderEvent::from(ProviderTokenRefreshFailed {
            event_id,
            occurred_at,
            subject,
            reason,
            needs_user_action: error.needs_user_action(),
        })
    }
}
