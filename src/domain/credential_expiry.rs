use chrono::{DateTime, TimeDelta, Utc};

/// Where credentials stand against their expiry, for whoever must decide to refresh or ask the
/// user again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialExpiry {
    /// No `expires_at`, whatever the credential type (typically api keys, certificates, file imports).
    Never,
    Valid,
    /// Within the threshold of expiring (five minutes by default).
    ExpiringSoon,
    Expired,
}

impl CredentialExpiry {
    pub fn of(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>, threshold: TimeDelta) -> Self {
        match expires_at {
            None => Self::Never,
            Some(expiry) if now >= expiry => Self::Expired,
            // Past the end of chrono's range counts as within any threshold.
            Some(expiry)
                if now
                    .checked_add_signed(threshold)
                    .is_none_or(|soon| soon >= expiry) =>
            {
                Self::ExpiringSoon
            }
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
