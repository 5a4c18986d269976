use std::fmt;
use std::str::FromStr;

/// Lifecycle of a provider connection; the transitions themselves live on `ProviderConnection`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectionStatus {
    Pending,
    Active,
    Expired,
    Revoked,
    Failed,
    Disconnected,
}

impl ConnectionStatus {
    pub const ALL: [ConnectionStatus; 6] = [
        Self::Pending,
        Self::Active,
        Self::Expired,
        Self::Revoked,
        Self::Failed,
        Self::Disconnected,
    ];

    /// The lower-case name the original stores and the JS API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::Failed => "failed",
            Self::Disconnected => "disconnected",
        }
    }

    /// States from which `mark_connected` may re-activate a connection.
    pub fn can_activate(self) -> bool {
        matches!(
            self,
            Self::Pending | Self::Expired | Self::Revoked | Self::Failed
        )
    }

    /// States that only the user can leave, by authenticating again.
    pub fn needs_reauthentication(self) -> bool {
        matches!(self, Self::Expired | Self::Revoked | Self::Failed)
    }
}

impl fmt::Display for ConnectionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads the lower-case name back; `Err` carries nothing, since the caller knows the field.
impl FromStr for ConnectionStatus {
    type Err = ();

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == name)
            .ok_or(())
    }
}
