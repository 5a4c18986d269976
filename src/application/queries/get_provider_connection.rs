use std::fmt;

use uuid::Uuid;

use super::{ProviderConnectionView, QueryContext};
use crate::application::{
    Clock, ErrorCode, HandlerError, ProviderConnectionRepository, RepositoryError,
};

/// One of the user's connections, by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetProviderConnection {
    pub user_id: Uuid,
    pub connection_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GetProviderConnectionError {
    ConnectionNotFound,
    NotOwnedByUser,
    Database(String),
}

impl GetProviderConnectionError {
    pub const CONNECTION_NOT_FOUND: &'static str = "Connection not found";
    pub const NOT_OWNED_BY_USER: &'static str = "Connection not owned by user";
    pub const DATABASE_ERROR: &'static str = "Database error occurred";
}

impl HandlerError for GetProviderConnectionError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::ConnectionNotFound => ErrorCode::ConnectionNotFound,
            Self::NotOwnedByUser => ErrorCode::NotOwnedByUser,
            Self::Database(_) => ErrorCode::DatabaseError,
        }
    }
}

impl fmt::Display for GetProviderConnectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ConnectionNotFound => f.write_str(Self::CONNECTION_NOT_FOUND),
            Self::NotOwnedByUser => f.write_str(Self::NOT_OWNED_BY_USER),
            Self::Database(message) => write!(f, "{}: {message}", Self::DATABASE_ERROR),
        }
    }
}

impl std::error::Error for GetProviderConnectionError {}

impl From<RepositoryError> for GetProviderConnectionError {
    fn from(error: RepositoryError) -> Self {
        Self::Database(error.0)
    }
}

pub struct GetProviderConnectionHandler<R, C = crate::application::SystemClock> {
    context: QueryContext<R, C>,
}

impl<R> GetProviderConnectionHandler<R> {
    pub fn new(repository: R) -> Self {
        QueryContext::new(repository).into()
    }
}

impl<R, C> From<QueryContext<R, C>> for GetProviderConnectionHandler<R, C> {
    fn from(context: QueryContext<R, C>) -> Self {
        Self { context }
    }
}

impl<R: ProviderConnectionRepository, C: Clock> GetProviderConnectionHandler<R, C> {
    pub async fn handle(
        &self,
        query: GetProviderConnection,
    ) -> Result<ProviderConnectionView, GetProviderConnectionError> {
        let connection = self
            .context
            .repository()
            .find_by_id(query.connection_id)
            .await?
            .ok_or(GetProviderConnectionError::ConnectionNotFound)?;
        if connection.user_id() != query.user_id {
            return Err(GetProviderConnectionError::NotOwnedByUser);
        }
        Ok(ProviderConnectionView::of(&connection, self.context.now()))
    }
}
