//! The commands and queries about an existing connection, and the lists.

use wasm_bindgen::JsValue;

use super::connect_provider::credential_fields;
use super::field::{object, uuid_field, Field};
use crate::application::{
    CredentialFields, DisconnectProvider, GetProviderConnection, InvalidField,
    ListExpiringConnections, ListProviderConnections, RefreshProviderTokens,
};
use crate::js::seam::MAX_SAFE_INTEGER;

/// `expectedVersion` is a whole number from 1 to `Number.MAX_SAFE_INTEGER`, or absent.
fn expected_version(command: &JsValue) -> Result<Option<u64>, InvalidField> {
    let Some(value) = Field::ExpectedVersion.present(command)? else {
        return Ok(None);
    };
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && (1.0..=MAX_SAFE_INTEGER as f64).contains(&n) => {
            Ok(Some(n as u64))
        }
        _ => Err(InvalidField(
            "expectedVersion must be a whole number from 1 to 9007199254740991".to_owned(),
        )),
    }
}

pub fn disconnect_provider_command(command: &JsValue) -> Result<DisconnectProvider, InvalidField> {
    let command = object(command)?;
    Ok(DisconnectProvider {
        user_id: uuid_field(command, Field::UserId)?,
        connection_id: uuid_field(command, Field::ConnectionId)?,
        expected_version: expected_version(command)?,
    })
}

pub fn get_provider_connection_query(
    command: &JsValue,
) -> Result<GetProviderConnection, InvalidField> {
    let command = object(command)?;
    Ok(GetProviderConnection {
        user_id: uuid_field(command, Field::UserId)?,
        connection_id: uuid_field(command, Field::ConnectionId)?,
    })
}

/// Malformed credentials are no credentials, refused by the handler after the lookup.
pub fn refresh_provider_tokens_command(
    command: &JsValue,
) -> Result<RefreshProviderTokens, InvalidField> {
    let command = object(command)?;
    Ok(RefreshProviderTokens {
        user_id: uuid_field(command, Field::UserId)?,
        connection_id: uuid_field(command, Field::ConnectionId)?,
        credentials: Field::Credentials
            .read(command)
            .and_then(|credentials| credential_fields(&credentials))
            .and_then(CredentialFields::into_credentials),
        expected_version: expected_version(command)?,
    })
}

/// `activeOnly` is a boolean or absent (false).
pub fn list_provider_connections_query(
    command: &JsValue,
) -> Result<ListProviderConnections, InvalidField> {
    let command = object(command)?;
    let user_id = uuid_field(command, Field::UserId)?;
    let active_only = match Field::ActiveOnly.present(command)? {
        None => false,
        Some(flag) => flag
            .as_bool()
            .ok_or_else(|| InvalidField("activeOnly must be a boolean".to_owned()))?,
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
    let command = object(command)?;
    let max = ListExpiringConnections::MAX_WITHIN_MINUTES;
    let within_minutes = match Field::WithinMinutes.present(command)?.map(|n| n.as_f64()) {
        None => ListExpiringConnections::DEFAULT_WITHIN_MINUTES,
        Some(Some(n)) if n.fract() == 0.0 && (0.0..=f64::from(max)).contains(&n) => n as u32,
        Some(_) => {
            return Err(InvalidField(format!(
                "withinMinutes must be a whole number from 0 to {max}"
            )))
        }
    };
    Ok(ListExpiringConnections { within_minutes })
}
