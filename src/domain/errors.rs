use std::fmt;

/// Every refusal the domain can give, each displaying the original service's exact message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainError {
    EmptyEncryptedData,
    UnknownCredentialType,
    InvalidProviderSlug,
    AliasTooLong,
    ActiveWithoutCredentials,
    CredentialsRequired,
    CannotActivate,
    CannotExpire,
    CannotRevoke,
    CannotFail,
    NotActive,
    /// A stored connection is version 1 or more.
    VersionZero,
}

impl DomainError {
    pub fn message(&self) -> &'static str {
        match self {
            Self::EmptyEncryptedData => "encrypted_data cannot be empty",
            Self::UnknownCredentialType => "credential_type must be a CredentialType enum",
            Self::InvalidProviderSlug => "Invalid provider slug",
            Self::AliasTooLong => "Alias exceeds maximum length",
            Self::ActiveWithoutCredentials => "ACTIVE connection must have credentials",
            Self::CredentialsRequired => "Credentials are required",
            Self::CannotActivate => "Cannot transition to ACTIVE from current state",
            Self::CannotExpire => "Cannot transition to EXPIRED, must be ACTIVE",
            Self::CannotRevoke => "Cannot transition to REVOKED, must be ACTIVE",
            Self::CannotFail => "Cannot transition to FAILED, must be PENDING",
            Self::NotActive => "Connection is not active",
            Self::VersionZero => "version must be 1 or more",
        }
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for DomainError {}
