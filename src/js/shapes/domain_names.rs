//! A record's enums by the domain's names for them, which it defines once (`as_str`, `FromStr`),
//! written as unit variants (each a string in the pack).

use serde::{Deserialize, Deserializer, Serializer};

use crate::domain::{ConnectionStatus, CredentialType};

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
}
