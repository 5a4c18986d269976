use uuid::Uuid;

use crate::application::RepositoryError;
use crate::domain::ProviderConnection;

/// Who a disconnection or refresh event is about: the requester, the connection asked for and,
/// when it was found, its provider (the original put the connection id and "unknown" there
/// instead, which a consumer could not tell from real data).
pub struct ConnectionSubject {
    pub user_id: Uuid,
    pub connection_id: Uuid,
    pub provider_id: Option<Uuid>,
    pub provider_slug: Option<String>,
}

impl ConnectionSubject {
    pub fn of(
        user_id: Uuid,
        connection_id: Uuid,
        found: &Result<Option<ProviderConnection>, RepositoryError>,
    ) -> Self {
        let provider = found.as_ref().ok().and_then(Option::as_ref);
        Self {
            user_id,
            connection_id,
            provider_id: provider.map(ProviderConnection::provider_id),
            provider_slug: provider.map(|connection| connection.provider_slug().to_owned()),
        }
    }
}
