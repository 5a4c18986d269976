//! The domain's names for its enums, which it defines once (`as_str`, `FromStr`), written as
//! unit variants (each a string in the pack).

use serde::{Deserialize, Deserializer, Serializer};

use crate::domain::{ConnectionStatus, CredentialExpiry, CredentialType};

pub mod status_name {
    use super::*;

    pub fn serialize<S: Serializer>(status: &ConnectionStatus, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit_variant("ConnectionStatus", *status as u32, status.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ConnectionStatus, D::Error> {
        let name = String::deserialize(d)?;
        name.parse()
            .map_err(|()| serde::de::Error::custom(format!("unknown status \"{name}\"")))
    }
}

pub mod credential_type_name {
    use super::*;

    pub fn serialize<S: Serializer>(kind: &CredentialType, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit_variant("CredentialType", *kind as u32, kind.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<CredentialType, D::Error> {
        let name = String::deserialize(d)?;
        name.parse()
            .map_err(|_| serde::de::Error::custom(format!("unknown credential type \"{name}\"")))
    }

    pub fn serialize_optional<S: Serializer>(
        kind: &Option<CredentialType>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match kind {
            Some(kind) => serialize(kind, s),
            None => s.serialize_none(),
        }
    }
}

pub mod expiry_name {
    use super::*;

    pub fn serialize_optional<S: Serializer>(
        expiry: &Option<CredentialExpiry>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match expiry {
            Some(expiry) => {
                s.serialize_unit_variant("CredentialExpiry", *expiry as u32, expiry.as_str())
            }
            None => s.serialize_none(),
        }
    }
}
