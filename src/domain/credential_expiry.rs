use std::time::Duration;

use super::Timestamp;

/// Where credentials stand against their expiry, for whoever must decide to refresh or ask the
/// user again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialExpiry {
    /// No expiry: api keys, certificates, file imports.
    Never,
    Valid,
    /// Within the threshold of expiring (five minutes by default).
    ExpiringSoon,
    Expired,
}

impl CredentialExpiry {
    pub fn of(expires_at: Option<Timestamp>, now: Timestamp, threshold: Duration) -> Self {
        match expires_at {
            None => Self::Never,
            Some(expiry) if now >= expiry => Self::Expired,
            Some(expiry) if now + threshold >= expiry => Self::ExpiringSoon,
            Some(_) => Self::Valid,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Never => "never",
            Self::Valid => "valid",
            Self::ExpiringSoon => "expiring_soon",
            Self::Expired => "expired",
        }
    }
}
