//! Entities, value objects and events of the provider-connection domain: no I/O, no JS.

mod connection_status;
mod credential_expiry;
mod credential_type;
mod errors;
mod events;
pub mod id_text;
pub mod instant;
mod provider_connection;
mod provider_credentials;

pub use connection_status::ConnectionStatus;
pub use credential_expiry::CredentialExpiry;
pub use credential_type::CredentialType;
pub use errors::DomainError;
pub use events::*;
pub use provider_connection::{
    NewProviderConnection, ProviderConnection, ProviderConnectionRecord,
};
pub use provider_credentials::{ProviderCredentials, DEFAULT_EXPIRY_THRESHOLD};

/// Longest provider slug, counted in Unicode code points as the original counts `len(str)`.
pub const MAX_PROVIDER_SLUG_CHARS: usize = 50;
/// Longest alias, in Unicode code points.
pub const MAX_ALIAS_CHARS: usize = 100;
