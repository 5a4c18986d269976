//! The commands and queries about an existing connection, and the lists.

use wasm_bindgen::JsValue;

use super::connect_provider::credential_fields;
use super::field::{wrong, Field, Fields};
use crate::application::{
    CredentialFields, DisconnectProvider, GetProviderConnection, InvalidField,
    ListExpiringConnections, ListProviderConnections, RefreshProviderTokens,
};
use crate::js::pack::Loose;

/// `expectedVersion` is a whole number from 1 to `Number.MAX_SAFE_INTEGER`, or absent.
fn expected_version(fields: &Fields) -> Result<Option<u64>, InvalidField> {
    fields.whole_number(Field::ExpectedVersion, 1, (1 << 53) - 1)
}

pub fn disconnect_provider_command(command: &JsValue) -> Result<DisconnectProvider, InvalidField> {
    let fields = Fields::of(command)?;
    Ok(DisconnectProvider {
        user_id: fields.uuid(Field::UserId)?,
        connection_id: fields.uuid(Field::ConnectionId)?,
        expected_version: expected_version(&fields)?,
    })
}

pub fn get_provider_connection_query(
    command: &JsValue,
) -> Result<GetProviderConnection, InvalidField> {
    let fields = Fields::of(command)?;
    Ok(GetProviderConnection {
        user_id: fields.uuid(Field::UserId)?,
        connection_id: fields.uuid(Field::ConnectionId)?,
    })
}

/// Malformed credentials are no credentials, refused by the handler after the lookup.
pub fn refresh_provider_tokens_command(
    command: &JsValue,
) -> Result<RefreshProviderTokens, InvalidField> {
    let fields = Fields::of(command)?;
    Ok(RefreshProviderTokens {
        user_id: fields.uuid(Field::UserId)?,
        connection_id: fields.uuid(Field::ConnectionId)?,
        credentials: credential_fields(&fields)
            .and_then(CredentialFields::into_credentials),
        expected_version: expected_version(&fields)?,
    })
}

/// `activeOnly` is a boolean or absent (false).
pub fn list_provider_connections_query(
    command: &JsValue,
) -> Result<ListProviderConnections, InvalidField> {
    let fields = Fields::of(command)?;
    let user_id = fields.uuid(Field::UserId)?;
    let active_only = match fields.get(Field::ActiveOnly) {
        Loose::Bool(flag) => *flag,
        Loose::Absent => false,
        other => return Err(wrong(other, Field::ActiveOnly, "must be a boolean")),
    };
    Ok(ListProviderConnections {
        user_id,
        active_only,
    })
}

/// `withinMinutes` is a whole number from 0 to a week, or absent (30).
pub fn list_expiring_connections_query(
    command: &JsValue,
) -> Result<ListExpiringConnections, InvalidField> {
    let fields = Fields::of(command)?;
    let max = ListExpiringConnections::MAX_WITHIN_MINUTES;
    let within = fields.whole_number(Field::WithinMinutes, 0, u64::from(max))?;
    Ok(ListExpiringConnections {
        within_minutes: within.map_or(ListExpiringConnections::DEFAULT_WITHIN_MINUTES, |minutes| {
            minutes as u32
        }),
    })
}
