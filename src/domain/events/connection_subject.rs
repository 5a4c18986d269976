use uuid::Uuid;

use crate::domain::ProviderConnection;

/// Who a disconnection or refresh event is about: the requester (who may not own the
/// connection), the connection asked for and, when it was found, its provider. The original
/// put the connection id and "unknown" where no provider was found, which a consumer cannot
/// tell from real data; here they are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionSubject {
    pub user_id: Uuid,
    pub connection_id: Uuid,
    pub provider_id: Option<Uuid>,
    pub provider_slug: Option<String>,
}

impl ConnectionSubject {
    pub fn new(user_id: Uuid, connection_id: Uuid, found: Option<&ProviderConnection>) -> Self {
        Self {
            user_id,
            connection_id,
            provider_id: found.map(ProviderConnection::provider_id),
            provider_slug: found.map(|connection| connection.provider_slug().to_owned()),
        }
    }
}
