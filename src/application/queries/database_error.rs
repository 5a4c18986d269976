use std::fmt;

use crate::application::{ErrorCode, HandlerError, RepositoryError};

/// A query that lists can fail only in storage: "Database error occurred: " and the
/// repository's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseError(pub String);

impl DatabaseError {
    pub const DATABASE_ERROR: &'static str = "Database error occurred";
}

impl HandlerError for DatabaseError {
    fn code(&self) -> ErrorCode {
        ErrorCode::DatabaseError
    }
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", Self::DATABASE_ERROR, self.0)
    }
}

impl std::error::Error for DatabaseError {}

impl From<RepositoryError> for DatabaseError {
    fn from(error: RepositoryError) -> Self {
        Self(error.0)
    }
}
