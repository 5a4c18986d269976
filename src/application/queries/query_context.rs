use chrono::{DateTime, Utc};

use crate::application::{Clock, SystemClock};

/// What every query handler works with: the caller's repository and a clock (for the
/// credentials' expiry, judged at the moment of the query).
pub struct QueryContext<R, C = SystemClock> {
    repository: R,
    clock: C,
}

impl<R> QueryContext<R> {
    pub fn new(repository: R) -> Self {
        Self {
            repository,
            clock: SystemClock,
        }
    }
}

impl<R, C> QueryContext<R, C> {
    pub fn with_clock<C2: Clock>(self, clock: C2) -> QueryContext<R, C2> {
        QueryContext {
            repository: self.repository,
            clock,
        }
    }

    pub fn repository(&self) -> &R {
        &self.repository
    }
}

impl<R, C: Clock> QueryContext<R, C> {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
