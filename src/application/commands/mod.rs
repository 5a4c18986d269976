//! The three workflows that change a connection, each a handler over the same ports.

mod command_context;
mod connect_provider;
mod disconnect_provider;
mod refresh_provider_tokens;
mod workflow;

/// What every command answers when other commands kept changing its connection.
const CONFLICT_MESSAGE: &str = "Connection was changed by another command; try again";

/// What a command answers when the connection is no longer at the version its caller expected.
const VERSION_MISMATCH_MESSAGE: &str = "Connection has changed since the version expected";

pub use command_context::CommandContext;
pub use connect_provider::{ConnectProvider, ConnectProviderError, ConnectProviderHandler};
pub use disconnect_provider::{
    DisconnectProvider, DisconnectProviderError, DisconnectProviderHandler,
};
pub use refresh_provider_tokens::{
    RefreshProviderTokens, RefreshProviderTokensError, RefreshProviderTokensHandler,
};
pub use workflow::MAX_TRIES;
