//! Awaiting what an adapter method returned. A plain value is taken at once; a thenable is
//! handed to the host's `watch` and put under the handler's deadline, and the call waits in a
//! slot until the host settles it or the deadline passes.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::calls::{Settled, Waiter};
use super::runtime::{Runtime, State};
use super::{CallId, Host};

pub struct AdapterCall<H: Host> {
    /// Set while the call waits in a slot (`call`).
    runtime: Option<Rc<Runtime<H>>>,
    outcome: Option<Settled<H::Value>>,
    call: Option<CallId>,
}

impl<H: Host> AdapterCall<H> {
    /// A call that has ended already: what it returned, or what it threw.
    pub fn ready(returned: Result<H::Value, H::Value>) -> Self {
        let outcome = match returned {
            Ok(value) => Settled::Value(value),
            Err(thrown) => Settled::Error(thrown),
        };
        Self {
            runtime: None,
            outcome: Some(outcome),
            call: None,
        }
    }

    /// The outcome of `returned` (what the method call gave: its value, or what it threw),
    /// awaited if it is a thenable, for at most `timeout_ms`.
    pub fn new(
        runtime: &Rc<Runtime<H>>,
        returned: Result<H::Value, H::Value>,
        timeout_ms: u32,
    ) -> Self {
        let value = match returned {
            Ok(value) => value,
            thrown => return Self::ready(thrown),
        };
        let call = runtime.with(|state| state.calls.open());
        let Some(now) = runtime.host().watch(&value, call) else {
            runtime.with(|state| state.calls.close(call));
            return Self::ready(Ok(value));
        };
        let arm = runtime.with(|state| {
            let State {
                calls, deadlines, ..
            } = state;
            let waiting = calls.waiting();
            deadlines.add(call, timeout_ms, now, waiting, |c| calls.is_waiting(c))
        });
        // The host already holds an armed timer for this wait (`watch`); it only needs telling
        // when the timer must fire sooner, or is not armed.
        if arm.is_some() {
            runtime.host().timer(arm, true);
        }
        Self {
            runtime: Some(Rc::clone(runtime)),
            outcome: None,
            call: Some(call),
        }
    }
}

impl<H: Host> Future for AdapterCall<H> {
    type Output = Settled<H::Value>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let (Some(call), Some(runtime)) = (this.call, &this.runtime) else {
            return this.outcome.take().map_or(Poll::Pending, Poll::Ready);
        };
        let outcome = runtime.with(|state| {
            let waiter = match state.polling {
                Some(task) => Waiter::Task(task),
                None => Waiter::Foreign(cx.waker().clone()),
            };
            if state.calls.wait(call, waiter) {
                None
            } else {
                Some(state.calls.close(call).unwrap_or(Settled::TimedOut))
            }
        });
        match outcome {
            None => Poll::Pending,
            Some(outcome) => {
                this.call = None;
                Poll::Ready(outcome)
            }
        }
    }
}

/// The future holds no self-reference (its outcome is only moved out).
impl<H: Host> Unpin for AdapterCall<H> {}

/// A call dropped while waiting frees its slot; a late answer is then ignored.
impl<H: Host> Drop for AdapterCall<H> {
    fn drop(&mut self) {
        if let (Some(call), Some(runtime)) = (self.call.take(), &self.runtime) {
            runtime.with(|state| state.calls.close(call));
            runtime.after_end();
        }
    }
}
