//! The three workflows that change a connection, each a handler over the same ports.

mod command_context;
mod connect_provider;
mod disconnect_provider;
mod refresh_provider_tokens;
mod workflow;

pub use command_context::CommandContext;
pub use connect_provider::{ConnectProvider, ConnectProviderError, ConnectProviderHandler};
pub use disconnect_provider::{
    DisconnectProvider, DisconnectProviderError, DisconnectProviderHandler,
};
pub use refresh_provider_tokens::{
    RefreshProviderTokens, RefreshProviderTokensError, RefreshProviderTokensHandler,
};
