//! The stored record: the one shape a repository saves and finds, as plain JS data, and how it
//! becomes a domain connection again, every invariant checked.

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use tsify_next::Tsify;

use super::domain_names::{credential_type_name, status_name};
use super::iso_instant::IsoInstant;
use crate::application::CredentialBytes;
use crate::domain::id_text::parse_any;
use crate::domain::{
    self, ConnectionStatus, CredentialType, ProviderConnection, ProviderCredentials,
};

/// A connection as `save` receives it and as a repository's finds return it.
#[derive(Debug, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct ProviderConnectionRecord {
    #[serde(deserialize_with = "uuid_text")]
    #[tsify(type = "string")]
    pub id: Uuid,
    #[serde(deserialize_with = "uuid_text")]
    #[tsify(type = "string")]
    pub user_id: Uuid,
    #[serde(deserialize_with = "uuid_text")]
    #[tsify(type = "string")]
    pub provider_id: Uuid,
    pub provider_slug: String,
    #[serde(with = "status_name")]
    #[tsify(type = "ConnectionStatus")]
    pub status: ConnectionStatus,
    pub alias: Option<String>,
    pub credentials: Option<ProviderCredentialsRecord>,
    #[tsify(type = "string | null")]
    pub connected_at: Option<IsoInstant>,
    #[tsify(type = "string | null")]
    pub last_sync_at: Option<IsoInstant>,
    #[tsify(type = "string")]
    pub created_at: IsoInstant,
    #[tsify(type = "string")]
    pub updated_at: IsoInstant,
    /// Absent (or `undefined`, `null`) in a record stored before versions were: that is version 1.
    #[serde(default = "first_version", deserialize_with = "version_or_first")]
    pub version: u64,
}

/// An id in any of uuid's text forms, refused in words of this crate's own: uuid's would bring its
/// `Display` and a character formatter into the module for this one message.
fn uuid_text<'de, D: serde::Deserializer<'de>>(from: D) -> Result<Uuid, D::Error> {
    let text = <&str>::deserialize(from)?;
    parse_any(text).ok_or_else(|| serde::de::Error::custom(format!("\"{text}\" is not a UUID")))
}

fn first_version() -> u64 {
    1
}

fn version_or_first<'de, D: serde::Deserializer<'de>>(from: D) -> Result<u64, D::Error> {
    Ok(Option::<u64>::deserialize(from)?.unwrap_or(1))
}

/// Credentials as a record carries them: the encrypted bytes as a `Uint8Array`.
#[derive(Debug, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct ProviderCredentialsRecord {
    #[tsify(type = "Uint8Array")]
    pub encrypted_data: CredentialBytes,
    #[serde(with = "credential_type_name")]
    #[tsify(type = "CredentialType")]
    pub credential_type: CredentialType,
    #[tsify(type = "string | null")]
    pub expires_at: Option<IsoInstant>,
}

impl From<&ProviderConnection> for ProviderConnectionRecord {
    fn from(connection: &ProviderConnection) -> Self {
        Self {
            id: connection.id(),
            user_id: connection.user_id(),
            provider_id: connection.provider_id(),
            provider_slug: connection.provider_slug().to_owned(),
            status: connection.status(),
            alias: connection.alias().map(str::to_owned),
            credentials: connection
                .credentials()
                .map(|credentials| ProviderCredentialsRecord {
                    encrypted_data: CredentialBytes(credentials.encrypted_data().to_vec()),
                    credential_type: credentials.credential_type(),
                    expires_at: credentials.expires_at().map(IsoInstant),
                }),
            connected_at: connection.connected_at().map(IsoInstant),
            last_sync_at: connection.last_sync_at().map(IsoInstant),
            created_at: IsoInstant(connection.created_at()),
            updated_at: IsoInstant(connection.updated_at()),
            version: connection.version(),
        }
    }
}

/// A stored record back into the entity, every invariant checked; `Err` says which broke.
impl TryFrom<ProviderConnectionRecord> for ProviderConnection {
    type Error = String;

    fn try_from(record: ProviderConnectionRecord) -> Result<Self, String> {
        let credentials = record
            .credentials
            .map(|mut credentials| {
                ProviderCredentials::new(
                    std::mem::take(&mut credentials.encrypted_data.0),
                    credentials.credential_type,
                    credentials.expires_at.map(|at| at.0),
                )
            })
            .transpose()
            .map_err(|error| format!("credentials: {error}"))?;
        ProviderConnection::restore(domain::ProviderConnectionRecord {
            id: record.id,
            user_id: record.user_id,
            provider_id: record.provider_id,
            provider_slug: record.provider_slug,
            status: record.status,
            alias: record.alias,
            credentials,
            connected_at: record.connected_at.map(|at| at.0),
            last_sync_at: record.last_sync_at.map(|at| at.0),
            created_at: record.created_at.0,
            updated_at: record.updated_at.0,
            version: record.version,
        })
        .map_err(|error| error.to_string())
    }
}
