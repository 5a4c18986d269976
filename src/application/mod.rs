//! Commands, queries and their handlers, written against port traits so any storage or bus
//! fits.

mod command_fields;
pub mod commands;
mod error_code;
mod ports;
pub mod queries;
mod system_clock;
mod system_random;
mod uuid_v7_ids;

pub use command_fields::{
    parse_timestamp, uuid_field, CommandFields, CredentialBytes, CredentialFields, ExpiresAtField,
    InvalidField, MAX_ENCRYPTED_DATA_BYTES, MAX_TEXT_UNITS,
};
pub use commands::{
    CommandContext, ConnectProvider, ConnectProviderError, ConnectProviderHandler,
    DisconnectProvider, DisconnectProviderError, DisconnectProviderHandler, RefreshProviderTokens,
    RefreshProviderTokensError, RefreshProviderTokensHandler, MAX_TRIES,
};
pub use error_code::{ErrorCode, HandlerError};
pub use ports::{
    Clock, EventBus, IdSource, ProviderConnectionRepository, RandomSource, RepositoryError, Written,
};
pub use queries::{
    DatabaseError, ExpiringConnections, GetProviderConnection, GetProviderConnectionError,
    GetProviderConnectionHandler, ListExpiringConnections, ListExpiringConnectionsHandler,
    ListProviderConnections, ListProviderConnectionsHandler, ProviderConnectionList,
    ProviderConnectionView, QueryContext,
};
pub use system_clock::SystemClock;
pub use system_random::SystemRandom;
pub use uuid_v7_ids::UuidV7Ids;
