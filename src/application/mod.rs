//! Commands and their handlers, written against port traits so any storage or bus fits.

mod connect_provider;
mod ports;
mod system_clock;
mod uuid_v7_ids;

pub use connect_provider::{ConnectProvider, ConnectProviderError, ConnectProviderHandler};
pub use ports::{Clock, EventBus, IdSource, ProviderConnectionRepository, RepositoryError};
pub use system_clock::SystemClock;
pub use uuid_v7_ids::UuidV7Ids;
