//! What every exported handler class is, written once: its adapters checked at construction,
//! then each command or query read, handled and answered as a task. Each class is a row and an
//! `Operation` in table.rs, made into a wasm-bindgen class by exported.rs.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use wasm_bindgen::JsValue;

use super::answer::failure;
use super::options::{options_from_js, require_method, Options};
use crate::application::{CommandContext, ErrorCode, InvalidField, QueryContext};
use crate::js::bridge_error::BridgeError;
use crate::js::ports::{commits_to, JsClock, JsEventBus, JsRepository, WholeText};
use crate::js::runtime;

/// Reads a command or query from the caller's object.
pub type Decode<T> = fn(&JsValue) -> Result<T, InvalidField>;

/// The exported class's name, which its `TypeError`s start with (from the table's row).
pub trait Named {
    const CLASS: &'static str;
}

/// One handler of the application, as the bridge exports it.
pub trait Operation: Named + 'static {
    /// The repository methods it calls.
    const METHODS: &'static [&'static str];
    /// Whether its failures say `needsUserAction` (a refresh's do).
    const REPORTS_USER_ACTION: bool = false;
    /// Built from a `CommandContext` (a command) or a `QueryContext` (a query), on the JS clock.
    type Handler: 'static;
    type Input;

    const DECODE: Decode<Self::Input>;

    /// Handles `input` and answers `{ ok, value }` or `{ ok, error }`.
    fn run(handler: &Self::Handler, input: Self::Input) -> impl Future<Output = JsValue>;

    /// A handler made for this one input, when it needs adapters of its own (`WholeText`).
    fn own_handler(_input: &Self::Input, _ports: &CommandPorts) -> Option<Self::Handler> {
        None
    }
}

/// The handler, shared with every call in flight, so `free()` during one cannot pull the
/// adapters out from under it; a command's adapters as the caller gave them, too.
pub struct Exported<O: Operation> {
    handler: Rc<O::Handler>,
    ports: Option<Rc<CommandPorts>>,
}

/// A command handler's adapters and options, from which its context is made.
pub struct CommandPorts {
    repository: JsValue,
    event_bus: JsValue,
    options: Options,
    commits: bool,
}

impl CommandPorts {
    /// The context over these adapters; with `whole_slug`, for one command (see `WholeText`).
    pub fn context(
        &self,
        whole_slug: Option<WholeText>,
    ) -> CommandContext<JsRepository, JsEventBus, JsClock> {
        let timeout_ms = self.options.timeout_ms;
        let repository = JsRepository::new(self.repository.clone(), timeout_ms, self.commits);
        let hook = self.options.on_event_bus_error.clone();
        let mut event_bus = JsEventBus::new(self.event_bus.clone(), timeout_ms, hook);
        if let Some(slug) = whole_slug {
            event_bus = event_bus.with_whole_slug(slug);
        }
        CommandContext::new(repository, event_bus).with_clock(JsClock)
    }
}

impl<O: Operation> Exported<O>
where
    O::Handler: From<CommandContext<JsRepository, JsEventBus, JsClock>>,
{
    /// A `TypeError` naming the problem when a method it needs (or `eventBus.publish`) is not a
    /// function, or an option is of the wrong kind.
    pub fn command(
        repository: JsValue,
        event_bus: JsValue,
        options: JsValue,
    ) -> Result<Self, JsValue> {
        require_methods::<O>(&repository)?;
        require_method(O::CLASS, &event_bus, "eventBus", "publish")?;
        let options = options_from_js(O::CLASS, &options)?;
        let commits = commits_to(&repository, &event_bus);
        let ports = CommandPorts {
            repository,
            event_bus,
            options,
            commits,
        };
        Ok(Self {
            handler: Rc::new(ports.context(None).into()),
            ports: Some(Rc::new(ports)),
        })
    }
}

impl<O: Operation> Exported<O>
where
    O::Handler: From<QueryContext<JsRepository, JsClock>>,
{
    pub fn query(repository: JsValue, options: JsValue) -> Result<Self, JsValue> {
        require_methods::<O>(&repository)?;
        let options = options_from_js(O::CLASS, &options)?;
        let repository = JsRepository::new(repository, options.timeout_ms, false);
        let context = QueryContext::new(repository).with_clock(JsClock);
        Ok(Self {
            handler: Rc::new(context.into()),
            ports: None,
        })
    }
}

impl<O: Operation> Exported<O> {
    /// Starts a command: its result is delivered at once (and 0 returned) when it needs no
    /// waiting, else later under the number returned (see `runtime::Runtime::start`).
    pub fn start(&self, input: JsValue) -> u32 {
        let handler = Rc::clone(&self.handler);
        let ports = self.ports.clone();
        start_boxed(Box::pin(async move {
            match (O::DECODE)(&input) {
                Ok(input) => {
                    // Boxed: a handler holds its ids' random pool, which every waiting command
                    // would otherwise carry in its future.
                    let own = ports.and_then(|ports| O::own_handler(&input, &ports).map(Box::new));
                    O::run(own.as_deref().unwrap_or(&handler), input).await
                }
                Err(why) => {
                    let error = BridgeError::InvalidCommand(why).to_string();
                    let needs_user_action = O::REPORTS_USER_ACTION.then_some(false);
                    failure(&error, ErrorCode::InvalidCommand, needs_user_action)
                }
            }
        }))
    }
}

fn require_methods<O: Operation>(repository: &JsValue) -> Result<(), JsValue> {
    O::METHODS
        .iter()
        .try_for_each(|method| require_method(O::CLASS, repository, "repository", method))
}

/// One copy for every handler (the work is boxed anyway, as a task).
#[inline(never)]
fn start_boxed(work: Pin<Box<dyn Future<Output = JsValue>>>) -> u32 {
    runtime::start(work)
}
