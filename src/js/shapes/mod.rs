//! The JS contract's plain objects as Rust types with serde derives, one definition each,
//! crossing as packs (`js::pack`); their TypeScript comes from the same definitions (tsify).

mod connection_record;
mod connection_view;
mod credential_bytes;
mod domain_names;
mod handler_result;
mod iso_instant;
mod provider_event;

pub use connection_record::ProviderConnectionRecord;
pub use connection_view::{ExpiringConnections, ProviderConnectionList, ProviderConnectionView};
pub use handler_result::{Failure, Success};
pub use provider_event::ProviderEvent;
