//! The commands and queries about an existing connection, and the lists.

use wasm_bindgen::JsValue;

use super::connect_provider::credential_fields;
use super::field::{unreadable, uuid_field, Field};
use crate::application::{
    CredentialFields, DisconnectProvider, GetProviderConnection, InvalidField,
    ListExpiringConnections, ListProviderConnections, RefreshProviderTokens,
};
use crate::js::raw::is_plain_object;

fn object(command: &JsValue) -> Result<&JsValue, InvalidField> {
    if is_plain_object(command) {
        Ok(command)
    } else {
        Err(InvalidField("command must be an object".to_owned()))
    }
}

/// `expectedVersion` is a whole number from 1 to `Number.MAX_SAFE_INTEGER`, or absent.
fn expected_version(command: &JsValue) -> Result<Option<u64>, InvalidField> {
    const MAX: f64 = 9_007_199_254_740_991.0;
    let field = Field::ExpectedVersion;
    let value = field.read(command).ok_or_else(|| unreadable(field))?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(version) if version.fract() == 0.0 && (1.0..=MAX).contains(&version) => {
            Ok(Some(version as u64))
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
    let active_only = Field::ActiveOnly
        .read(command)
        .ok_or_else(|| unreadable(Field::ActiveOnly))?;
    let active_only = match active_only.as_bool() {
        Some(flag) => flag,
        None if active_only.is_undefined() || active_only.is_null() => false,
        None => return Err(InvalidField("activeOnly must be a boolean".to_owned())),
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
    let within = Field::WithinMinutes
        .read(command)
        .ok_or_else(|| unreadable(Field::WithinMinutes))?;
    if within.is_undefined() || within.is_null() {
        return Ok(ListExpiringConnections {
            within_minutes: ListExpiringConnections::DEFAULT_WITHIN_MINUTES,
        });
    }
    let max = ListExpiringConnections::MAX_WITHIN_MINUTES;
    match within.as_f64() {
        Some(minutes) if minutes.fract() == 0.0 && (0.0..=f64::from(max)).contains(&minutes) => {
            Ok(ListExpiringConnections {
                within_minutes: minutes as u32,
            })
        }
        _ => Err(InvalidField(format!(
            "withinMinutes must be a whole number from 0 to {max}"
        ))),
    }
}
