//! Deadlines for every waiting adapter call on one JS timer. All calls of a handler share its
//! `timeoutMs`, so calls fall due in the order they start: a queue per timeout, in start order,
//! is in due order too, and only its head matters. The timer is armed for the earliest waiting
//! call; when it fires, the calls due time out and it is armed for the next. Entries of calls
//! that have ended are dropped as they reach the head, or all at once when they outnumber the
//! waiting ones, so memory follows what is waiting. While nothing waits the runtime
//! unreferences the timer (or clears it where it cannot), so it never keeps a process alive.

use std::cell::RefCell;
use std::collections::VecDeque;

use wasm_bindgen::prelude::*;

use super::executor::drive;
use super::pending_calls::{end, is_waiting, waiting_count, Settled};
use super::with_runtime;
use crate::js::raw::performance_now;

struct Entry {
    due: f64,
    index: u32,
    generation: u32,
}

struct Queue {
    timeout_ms: u32,
    entries: VecDeque<Entry>,
}

impl Queue {
    fn drop_ended_head(&mut self) {
        while self
            .entries
            .front()
            .is_some_and(|entry| !is_waiting(entry.index, entry.generation))
        {
            self.entries.pop_front();
        }
    }

    fn compact(&mut self, waiting: usize) {
        if self.entries.len() > 64 && self.entries.len() > 2 * waiting {
            self.entries
                .retain(|entry| is_waiting(entry.index, entry.generation));
        }
    }
}

struct Deadlines {
    queues: Vec<Queue>,
    /// When the runtime's timer will fire, if one is armed.
    armed_for: Option<f64>,
}

thread_local! {
    static DEADLINES: RefCell<Deadlines> =
        const { RefCell::new(Deadlines { queues: Vec::new(), armed_for: None }) };
}

/// Puts the call waiting in `slot` under a deadline of `timeout_ms` from now.
pub(super) fn watch(timeout_ms: u32, index: u32, generation: u32) {
    let now = performance_now();
    let due = now + f64::from(timeout_ms);
    let waiting = waiting_count();
    let arm = DEADLINES.with_borrow_mut(|deadlines| {
        let at = match deadlines
            .queues
            .iter()
            .position(|q| q.timeout_ms == timeout_ms)
        {
            Some(at) => at,
            None => {
                deadlines.queues.push(Queue {
                    timeout_ms,
                    entries: VecDeque::new(),
                });
                deadlines.queues.len() - 1
            }
        };
        let queue = &mut deadlines.queues[at];
        queue.drop_ended_head();
        queue.entries.push_back(Entry {
            due,
            index,
            generation,
        });
        queue.compact(waiting);
        let earlier = deadlines.armed_for.is_none_or(|armed| due < armed);
        if earlier {
            deadlines.armed_for = Some(due);
        }
        earlier
    });
    with_runtime(|runtime| {
        if waiting == 1 {
            runtime.busy();
        }
        if arm {
            runtime.arm(due - now);
        }
    });
}

/// The last waiting call has ended.
pub(super) fn none_waiting() {
    if with_runtime(|runtime| runtime.idle()) == Some(true) {
        DEADLINES.with_borrow_mut(|deadlines| deadlines.armed_for = None);
    }
}

/// The timer fired: the calls due time out (their tasks run now), and the timer is armed for
/// the next waiting call, if any.
#[wasm_bindgen(js_name = __expire, skip_typescript)]
pub fn expire() {
    drive(|| {
        let now = performance_now();
        let due = DEADLINES.with_borrow_mut(|deadlines| {
            deadlines.armed_for = None;
            let mut due = Vec::new();
            for queue in &mut deadlines.queues {
                while let Some(entry) = queue.entries.front().filter(|entry| entry.due <= now) {
                    due.push((entry.index, entry.generation));
                    queue.entries.pop_front();
                }
            }
            due
        });
        for (index, generation) in due {
            end(index, generation, Settled::TimedOut);
        }
        let next = DEADLINES.with_borrow_mut(|deadlines| {
            deadlines.queues.iter_mut().for_each(Queue::drop_ended_head);
            let next = deadlines
                .queues
                .iter()
                .filter_map(|queue| queue.entries.front().map(|entry| entry.due))
                .reduce(f64::min);
            deadlines.armed_for = next;
            next
        });
        if let Some(next) = next {
            with_runtime(|runtime| runtime.arm(next - now));
        }
    });
}
