//! The views the queries answer with: a connection without its credential bytes, and lists of
//! them.

use serde::Serialize;
use uuid::Uuid;
use tsify_next::Tsify;

use super::iso_instant::IsoInstant;
use crate::application;
use crate::domain::{CredentialExpiry, CredentialType};

/// A connection as the queries return it; never the credential bytes.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct ProviderConnectionView<'a> {
    #[tsify(type = "string")]
    id: Uuid,
    #[tsify(type = "string")]
    user_id: Uuid,
    #[tsify(type = "string")]
    provider_id: Uuid,
    provider_slug: &'a str,
    alias: Option<&'a str>,
    #[tsify(type = "ConnectionStatus")]
    status: &'static str,
    is_connected: bool,
    needs_reauthentication: bool,
    can_sync: bool,
    #[tsify(type = "CredentialType | null")]
    credential_type: Option<&'static str>,
    #[tsify(type = "string | null")]
    credentials_expire_at: Option<IsoInstant>,
    #[tsify(type = "CredentialExpiry | null")]
    credential_expiry: Option<&'static str>,
    #[tsify(type = "string | null")]
    connected_at: Option<IsoInstant>,
    #[tsify(type = "string | null")]
    last_sync_at: Option<IsoInstant>,
    #[tsify(type = "string")]
    created_at: IsoInstant,
    #[tsify(type = "string")]
    updated_at: IsoInstant,
    version: u64,
}

impl<'a> From<&'a application::ProviderConnectionView> for ProviderConnectionView<'a> {
    fn from(view: &'a application::ProviderConnectionView) -> Self {
        Self {
            id: view.id,
            user_id: view.user_id,
            provider_id: view.provider_id,
            provider_slug: &view.provider_slug,
            alias: view.alias.as_deref(),
            status: view.status.as_str(),
            is_connected: view.is_connected,
            needs_reauthentication: view.needs_reauthentication,
            can_sync: view.can_sync,
            credential_type: view.credential_type.map(CredentialType::as_str),
            credentials_expire_at: view.credentials_expire_at.map(IsoInstant),
            credential_expiry: view.credential_expiry.map(CredentialExpiry::as_str),
            connected_at: view.connected_at.map(IsoInstant),
            last_sync_at: view.last_sync_at.map(IsoInstant),
            created_at: IsoInstant(view.created_at),
            updated_at: IsoInstant(view.updated_at),
            version: view.version,
        }
    }
}

/// What `ListProviderConnectionsHandler` resolves with.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ProviderConnectionList<'a> {
    connections: Vec<ProviderConnectionView<'a>>,
    total_count: usize,
    active_count: usize,
}

/// The views of `connections`, in their order.
fn views(connections: &[application::ProviderConnectionView]) -> Vec<ProviderConnectionView<'_>> {
    connections.iter().map(ProviderConnectionView::from).collect()
}

impl<'a> From<&'a application::ProviderConnectionList> for ProviderConnectionList<'a> {
    fn from(list: &'a application::ProviderConnectionList) -> Self {
        Self {
            connections: views(&list.connections),
            total_count: list.total_count,
            active_count: list.active_count,
        }
    }
}

/// What `ListExpiringConnectionsHandler` resolves with.
#[derive(Serialize, Tsify)]
pub struct ExpiringConnections<'a> {
    connections: Vec<ProviderConnectionView<'a>>,
}

impl<'a> From<&'a application::ExpiringConnections> for ExpiringConnections<'a> {
    fn from(list: &'a application::ExpiringConnections) -> Self {
        Self {
            connections: views(&list.connections),
        }
    }
}
