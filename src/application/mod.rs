//! Commands and their handlers, written against port traits so any storage or bus fits.

mod command_fields;
mod connect_provider;
mod ports;
mod system_clock;
mod system_random;
mod uuid_v7_ids;

pub use command_fields::{
    parse_timestamp, too_long, CommandFields, CredentialBytes, CredentialFields, ExpiresAtField,
    InvalidField, MAX_ENCRYPTED_DATA_BYTES, MAX_TEXT_UNITS,
};
pub use connect_provider::{ConnectProvider, ConnectProviderError, ConnectProviderHandler};
pub use ports::{
    Clock, EventBus, IdSource, ProviderConnectionRepository, RandomSource, RepositoryError,
};
pub use system_clock::SystemClock;
pub use system_random::SystemRandom;
pub use uuid_v7_ids::UuidV7Ids;
