//! The runtime: all of its state in one struct, behind one `RefCell`, never borrowed across a
//! call into the host or a poll (either may run a caller's code, which may start a command).
//! Tasks are polled only from within `start`, `settle` and `expire`, which the package's JS
//! calls inside try/catch, so a trap surfaces where it becomes rejected calls and a fresh
//! instance, never in a microtask no one can catch. A task waits only on adapter calls
//! (`AdapterCall`), which wake it through the runtime itself.

use std::cell::RefCell;
use std::future::Future;
use std::task::{Context, Poll, Waker};

use super::calls::{Calls, Settled, Waiter};
use super::deadlines::Deadlines;
use super::tasks::Tasks;
use super::{CallId, CommandId, Host, TaskId};

pub struct Runtime<H: Host> {
    host: H,
    state: RefCell<State<H::Value>>,
}

pub(super) struct State<V> {
    pub tasks: Tasks<V>,
    pub calls: Calls<V>,
    pub deadlines: Deadlines,
    last_command: CommandId,
    /// True while tasks are being polled, further up the stack.
    driving: bool,
    /// A call ended while driving: the drive's end lets the timer go if none waits then.
    ended: bool,
    /// The task being polled, which an adapter call it makes will wake.
    pub polling: Option<TaskId>,
}

impl<H: Host> Runtime<H> {
    pub fn new(host: H) -> Self {
        Self {
            host,
            state: RefCell::new(State {
                tasks: Tasks::default(),
                calls: Calls::default(),
                deadlines: Deadlines::default(),
                last_command: CommandId::NOW,
                driving: false,
                ended: false,
                polling: None,
            }),
        }
    }

    pub fn host(&self) -> &H {
        &self.host
    }

    /// The one accessor of the state; `f` must not call the host or poll.
    pub(super) fn with<T>(&self, f: impl FnOnce(&mut State<H::Value>) -> T) -> T {
        f(&mut self.state.borrow_mut())
    }

    /// Runs `work` up to its first real wait. Its result is delivered as `CommandId::NOW`
    /// before this returns if it needs no waiting; else later, under the number returned. A
    /// start from inside a poll (an adapter that starts a command) is run by that poll's loop.
    pub fn start(&self, work: impl Future<Output = H::Value> + 'static) -> CommandId {
        let id = self.with(|state| state.tasks.insert(Box::pin(work)));
        self.drive(|| {});
        let (finished, number) = self.with(|state| match state.tasks.take_finished(id) {
            Some(result) => (Some(result), CommandId::NOW),
            None => {
                state.last_command = state.last_command.next();
                state.tasks.number(id, state.last_command);
                (None, state.last_command)
            }
        });
        if let Some(result) = finished {
            self.host.deliver(CommandId::NOW, &result);
        }
        number
    }

    /// What the host's watch reports: the thenable of `call` settled with `outcome`.
    pub fn settle(&self, call: CallId, outcome: Settled<H::Value>) {
        self.drive(|| self.end(call, outcome));
    }

    /// The timer fired: the calls due time out (their tasks run now), and the timer is armed
    /// for the next waiting call, if any.
    pub fn expire(&self) {
        self.drive(|| {
            let now = self.host.now();
            for call in self.with(|state| state.deadlines.take_due(now)) {
                self.end(call, Settled::TimedOut);
            }
            let next = self.with(|state| {
                let State {
                    deadlines, calls, ..
                } = state;
                deadlines.rearm(now, |call| calls.is_waiting(call))
            });
            if next.is_some() {
                self.host.timer(next, true);
            }
        });
    }

    /// Commands still running, for the tests.
    pub fn running(&self) -> usize {
        self.with(|state| state.tasks.running())
    }

    /// Adapter calls still waiting, for the tests.
    pub fn waiting(&self) -> usize {
        self.with(|state| state.calls.waiting())
    }

    /// Ends a waiting call and wakes whoever waits for it.
    pub(super) fn end(&self, call: CallId, outcome: Settled<H::Value>) {
        let waiter = self.with(|state| state.calls.settle(call, outcome));
        let Some(waiter) = waiter else {
            return;
        };
        self.after_end();
        match waiter {
            Some(Waiter::Task(id)) => self.with(|state| state.tasks.wake(id)),
            Some(Waiter::Foreign(waker)) => waker.wake(),
            None => {}
        }
    }

    /// A call has ended or was dropped: with none left waiting, the timer may not hold the
    /// process. While tasks are driven this waits for the drive's end, by when the task woken
    /// has mostly made its next call: one message to the host a command, not one a call.
    pub(super) fn after_end(&self) {
        let deferred = self.with(|state| {
            state.ended |= state.driving;
            state.driving
        });
        if !deferred {
            self.release_timer();
        }
    }

    fn release_timer(&self) {
        if self.waiting() == 0 && self.host.timer(None, false) {
            self.with(|state| state.deadlines.disarm());
        }
    }

    /// Runs `step` (which may wake tasks), then polls every ready task, unless a poll is under
    /// way further up the stack, which will.
    fn drive(&self, step: impl FnOnce()) {
        if self.with(|state| std::mem::replace(&mut state.driving, true)) {
            step();
            return;
        }
        step();
        while let Some((id, mut work)) = self.with(|state| {
            let next = state.tasks.next_ready();
            state.polling = next.as_ref().map(|(id, _)| *id);
            next
        }) {
            let polled = work.as_mut().poll(&mut Context::from_waker(Waker::noop()));
            let delivery = match polled {
                Poll::Pending => self.with(|state| {
                    state.polling = None;
                    state.tasks.suspend(id, work);
                    None
                }),
                // Dropped outside the borrow: a call it left waiting frees its slot.
                Poll::Ready(result) => {
                    drop(work);
                    self.with(|state| {
                        state.polling = None;
                        state.tasks.finish(id, result)
                    })
                }
            };
            if let Some((command, result)) = delivery {
                self.host.deliver(command, &result);
            }
        }
        let ended = self.with(|state| {
            state.driving = false;
            std::mem::take(&mut state.ended)
        });
        if ended {
            self.release_timer();
        }
    }
}
