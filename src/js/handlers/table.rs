//! The one table of handlers. Each row of `handlers!` declares a handler's exported class, how
//! it is built (a command over a repository and an event bus, or a query over a repository),
//! the repository it needs and its `handle()` in TypeScript, and its error strings; its
//! `Operation` below says what it needs, how its input is read and how its answer is written.
//! The classes, their TypeScript, the error objects and the entries' exports all come from
//! here (exported.rs, scripts/build.mjs): a seventh handler is a row and an `Operation`.

use std::future::Future;

use wasm_bindgen::prelude::*;

use super::answer::answer;
use super::operation::{CommandPorts, Decode, Exported, Operation};
use crate::application::{
    self as app, ConnectProviderError as Connect, DatabaseError as Database,
    DisconnectProviderError as Disconnect, GetProviderConnectionError as Get,
    RefreshProviderTokensError as Refresh,
};
use crate::js::bridge_error::INVALID_COMMAND;
use crate::js::decode::{self, ConnectInput};
use crate::js::ports::{JsClock, JsEventBus, JsRepository, WholeText};
use crate::js::runtime::panic_if_asked;
use crate::js::shapes;

handlers! {
    command JsConnectProviderHandler = "ConnectProviderHandler" (ConnectProvider),
        repository "Pick<ProviderConnectionRepository, \"save\">",
        handle "command: ConnectProviderCommand): Promise<ConnectProviderResult>",
        errors ConnectProviderError: Connect [INVALID_CREDENTIALS, INVALID_PROVIDER_SLUG, DATABASE_ERROR,
            INVALID_ALIAS, CONFLICT, INVALID_CONNECTION_ID, CONNECTION_ID_TAKEN];
    command JsDisconnectProviderHandler = "DisconnectProviderHandler" (DisconnectProvider),
        repository "Pick<ProviderConnectionRepository, \"findById\" | \"save\">",
        handle "command: DisconnectProviderCommand): Promise<HandlerResult<null>>",
        errors DisconnectProviderError: Disconnect [CONNECTION_NOT_FOUND, NOT_OWNED_BY_USER,
            DATABASE_ERROR, CONFLICT, VERSION_MISMATCH];
    command JsRefreshProviderTokensHandler = "RefreshProviderTokensHandler" (RefreshProviderTokens),
        repository "Pick<ProviderConnectionRepository, \"findById\" | \"save\">",
        handle "command: RefreshProviderTokensCommand): Promise<HandlerResult<null, RefreshFailure>>",
        errors RefreshProviderTokensError: Refresh [CONNECTION_NOT_FOUND, NOT_OWNED_BY_USER,
            INVALID_CREDENTIALS, NOT_ACTIVE, DATABASE_ERROR, CONFLICT, VERSION_MISMATCH];
    query JsGetProviderConnectionHandler = "GetProviderConnectionHandler" (GetProviderConnection),
        repository "Pick<ProviderConnectionRepository, \"findById\">",
        handle "query: GetProviderConnectionQuery): Promise<HandlerResult<ProviderConnectionView>>",
        errors GetProviderConnectionError: Get [CONNECTION_NOT_FOUND, NOT_OWNED_BY_USER, DATABASE_ERROR];
    query JsListProviderConnectionsHandler = "ListProviderConnectionsHandler" (ListProviderConnections),
        repository "Pick<ProviderConnectionRepository, \"findByUserId\" | \"findActiveByUser\">",
        handle "query: ListProviderConnectionsQuery): Promise<HandlerResult<ProviderConnectionList>>",
        errors ListProviderConnectionsError: Database [DATABASE_ERROR];
    query JsListExpiringConnectionsHandler = "ListExpiringConnectionsHandler" (ListExpiringConnections),
        repository "Pick<ProviderConnectionRepository, \"findExpiringBefore\">",
        handle "query: ListExpiringConnectionsQuery): Promise<HandlerResult<ExpiringConnections>>",
        errors ListExpiringConnectionsError: Database [DATABASE_ERROR];
}

pub struct ConnectProvider;

impl Operation for ConnectProvider {
    const METHODS: &'static [&'static str] = &["save"];
    type Handler = app::ConnectProviderHandler<JsRepository, JsEventBus, JsClock>;
    type Input = ConnectInput;

    const DECODE: Decode<Self::Input> = decode::connect_provider_command;

    /// A block, not an `async fn`, which would hold the command twice while it waits
    /// (rust-lang/rust#62958).
    #[allow(clippy::manual_async_fn)]
    fn run(handler: &Self::Handler, input: Self::Input) -> impl Future<Output = JsValue> {
        async move {
            panic_if_asked(&input.command.provider_slug);
            answer(handler.handle(input.command).await)
        }
    }

    /// A slug too long to copy: the events show the caller's whole string.
    fn own_handler(input: &Self::Input, ports: &CommandPorts) -> Option<Self::Handler> {
        let value = input.whole_slug.clone()?;
        let stand_in = input.command.provider_slug.clone();
        Some(ports.context(Some(WholeText { stand_in, value })).into())
    }
}

pub struct DisconnectProvider;

impl Operation for DisconnectProvider {
    const METHODS: &'static [&'static str] = &["findById", "save"];
    type Handler = app::DisconnectProviderHandler<JsRepository, JsEventBus, JsClock>;
    type Input = app::DisconnectProvider;

    const DECODE: Decode<Self::Input> = decode::disconnect_provider_command;

    async fn run(handler: &Self::Handler, command: Self::Input) -> JsValue {
        answer(handler.handle(command).await)
    }
}

pub struct RefreshProviderTokens;

impl Operation for RefreshProviderTokens {
    const METHODS: &'static [&'static str] = &["findById", "save"];
    const REPORTS_USER_ACTION: bool = true;
    type Handler = app::RefreshProviderTokensHandler<JsRepository, JsEventBus, JsClock>;
    type Input = app::RefreshProviderTokens;

    const DECODE: Decode<Self::Input> = decode::refresh_provider_tokens_command;

    async fn run(handler: &Self::Handler, command: Self::Input) -> JsValue {
        answer(handler.handle(command).await)
    }
}

pub struct GetProviderConnection;

impl Operation for GetProviderConnection {
    const METHODS: &'static [&'static str] = &["findById"];
    type Handler = app::GetProviderConnectionHandler<JsRepository, JsClock>;
    type Input = app::GetProviderConnection;

    const DECODE: Decode<Self::Input> = decode::get_provider_connection_query;

    async fn run(handler: &Self::Handler, query: Self::Input) -> JsValue {
        let outcome = handler.handle(query).await;
        answer(outcome.as_ref().map(shapes::ProviderConnectionView::from))
    }
}

pub struct ListProviderConnections;

impl Operation for ListProviderConnections {
    const METHODS: &'static [&'static str] = &["findByUserId", "findActiveByUser"];
    type Handler = app::ListProviderConnectionsHandler<JsRepository, JsClock>;
    type Input = app::ListProviderConnections;

    const DECODE: Decode<Self::Input> = decode::list_provider_connections_query;

    async fn run(handler: &Self::Handler, query: Self::Input) -> JsValue {
        let outcome = handler.handle(query).await;
        answer(outcome.as_ref().map(shapes::ProviderConnectionList::from))
    }
}

pub struct ListExpiringConnections;

impl Operation for ListExpiringConnections {
    const METHODS: &'static [&'static str] = &["findExpiringBefore"];
    type Handler = app::ListExpiringConnectionsHandler<JsRepository, JsClock>;
    type Input = app::ListExpiringConnections;

    const DECODE: Decode<Self::Input> = decode::list_expiring_connections_query;

    async fn run(handler: &Self::Handler, query: Self::Input) -> JsValue {
        let outcome = handler.handle(query).await;
        answer(outcome.as_ref().map(shapes::ExpiringConnections::from))
    }
}
