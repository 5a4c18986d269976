//! The six handlers: for each, what it needs, how its input is read and how its result is
//! written.

use std::fmt::Display;
use std::future::Future;

use serde::Serialize;
use wasm_bindgen::JsValue;

use super::operation::{Decode, Operation};
use crate::application::{self as app, ErrorCode};
use crate::js::decode;
use super::operation::CommandPorts;
use crate::js::decode::ConnectInput;
use crate::js::pack::to_js;
use crate::js::ports::{JsClock, JsEventBus, JsRepository, WholeText};
use crate::js::runtime::panic_if_asked;
use crate::js::shapes::{self, Failure, Success};

/// What a failed result says: the error's string, its code and, for a refresh, whether the user
/// must act.
pub trait HandlerError: Display {
    fn code(&self) -> ErrorCode;

    fn needs_user_action(&self) -> Option<bool> {
        None
    }
}

impl<E: HandlerError> HandlerError for &E {
    fn code(&self) -> ErrorCode {
        (**self).code()
    }

    fn needs_user_action(&self) -> Option<bool> {
        (**self).needs_user_action()
    }
}

macro_rules! handler_errors {
    ($($error:ty),*) => {
        $(impl HandlerError for $error {
            fn code(&self) -> ErrorCode {
                <$error>::code(self)
            }
        })*
    };
}

handler_errors!(
    app::ConnectProviderError,
    app::DisconnectProviderError,
    app::GetProviderConnectionError,
    app::DatabaseError
);

impl HandlerError for app::RefreshProviderTokensError {
    fn code(&self) -> ErrorCode {
        app::RefreshProviderTokensError::code(self)
    }

    fn needs_user_action(&self) -> Option<bool> {
        Some(app::RefreshProviderTokensError::needs_user_action(self))
    }
}

/// `{ ok: true, value }` or `{ ok: false, error, code, … }` with the contract's string.
fn answer<T: Serialize, E: HandlerError>(outcome: Result<T, E>) -> JsValue {
    match outcome {
        Ok(value) => to_js(&Success::new(value)),
        Err(error) => to_js(&Failure::new(
            &error.to_string(),
            error.code(),
            error.needs_user_action(),
        )),
    }
}

pub struct ConnectProvider;

impl Operation for ConnectProvider {
    const CLASS: &'static str = "ConnectProviderHandler";
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
    const CLASS: &'static str = "DisconnectProviderHandler";
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
    const CLASS: &'static str = "RefreshProviderTokensHandler";
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
    const CLASS: &'static str = "GetProviderConnectionHandler";
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
    const CLASS: &'static str = "ListProviderConnectionsHandler";
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
    const CLASS: &'static str = "ListExpiringConnectionsHandler";
    const METHODS: &'static [&'static str] = &["findExpiringBefore"];
    type Handler = app::ListExpiringConnectionsHandler<JsRepository, JsClock>;
    type Input = app::ListExpiringConnections;

    const DECODE: Decode<Self::Input> = decode::list_expiring_connections_query;

    async fn run(handler: &Self::Handler, query: Self::Input) -> JsValue {
        let outcome = handler.handle(query).await;
        answer(outcome.as_ref().map(shapes::ExpiringConnections::from))
    }
}
