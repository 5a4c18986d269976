use crate::application::{Clock, IdSource, SystemClock, UuidV7Ids};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// What every command handler works with: the caller's repository and event bus, a clock and
/// an id source (the system's unless a test or host supplies its own).
pub struct CommandContext<R, B, C = SystemClock, I = UuidV7Ids> {
    repository: R,
    event_bus: B,
    clock: C,
    ids: I,
}

impl<R, B> CommandContext<R, B> {
    pub fn new(repository: R, event_bus: B) -> Self {
        Self {
            repository,
            event_bus,
            clock: SystemClock,
            ids: UuidV7Ids::new(),
        }
    }
}

impl<R, B, C, I> CommandContext<R, B, C, I> {
    pub fn with_clock<C2: Clock>(self, clock: C2) -> CommandContext<R, B, C2, I> {
        let Self {
            repository,
            event_bus,
            ids,
            ..
        } = self;
        CommandContext {
            repository,
            event_bus,
            clock,
            ids,
        }
    }

    pub fn with_ids<I2: IdSource>(self, ids: I2) -> CommandContext<R, B, C, I2> {
        let Self {
            repository,
            event_bus,
            clock,
            ..
        } = self;
        CommandContext {
            repository,
            event_bus,
            clock,
            ids,
        }
    }

    pub fn repository(&self) -> &R {
        &self.repository
    }

    pub fn event_bus(&self) -> &B {
        &self.event_bus
    }
}

impl<R, B, C: Clock, I: IdSource> CommandContext<R, B, C, I> {
    /// One clock reading, and an id made for exactly that moment.
    pub fn moment(&self) -> (DateTime<Utc>, Uuid) {
        let now = self.clock.now();
        (now, self.ids.next_id(now))
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// Declares a command's handler: a struct over a `CommandContext`, made from the caller's two
/// ports with the system's clock and ids (`new`), or from a context with others (`From`, as tests
/// and hosts do). The workflow itself is the handler's own `impl`.
macro_rules! command_handler {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name<
            R,
            B,
            C = crate::application::SystemClock,
            I = crate::application::UuidV7Ids,
        > {
            context: CommandContext<R, B, C, I>,
        }

        impl<R, B> $name<R, B> {
            pub fn new(repository: R, event_bus: B) -> Self {
                CommandContext::new(repository, event_bus).into()
            }
        }

        impl<R, B, C, I> From<CommandContext<R, B, C, I>> for $name<R, B, C, I> {
            fn from(context: CommandContext<R, B, C, I>) -> Self {
                Self { context }
            }
        }

        impl<R, B, C, I> $name<R, B, C, I> {
            pub fn context(&self) -> &CommandContext<R, B, C, I> {
                &self.context
            }
        }
    };
}

pub(super) use command_handler;
