use std::fmt;
use std::str::FromStr;

use super::DomainError;

/// How a provider authenticates; decides whether credentials can be refreshed or expire at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialType {
    OAuth2,
    ApiKey,
    LinkToken,
    Certificate,
    FileImport,
    Custom,
}

impl CredentialType {
    pub const ALL: [CredentialType; 6] = [
        Self::OAuth2,
        Self::ApiKey,
        Self::LinkToken,
        Self::Certificate,
        Self::FileImport,
        Self::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OAuth2 => "oauth2",
            Self::ApiKey => "api_key",
            Self::LinkToken => "link_token",
            Self::Certificate => "certificate",
            Self::FileImport => "file_import",
            Self::Custom => "custom",
        }
    }

    pub fn supports_refresh(self) -> bool {
        matches!(self, Self::OAuth2 | Self::LinkToken)
    }

    pub fn never_expires(self) -> bool {
        matches!(self, Self::ApiKey | Self::Certificate | Self::FileImport)
    }
}

impl FromStr for CredentialType {
    type Err = DomainError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or(DomainError::UnknownCredentialType)
    }
}

impl fmt::Display for CredentialType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
