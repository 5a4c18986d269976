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
