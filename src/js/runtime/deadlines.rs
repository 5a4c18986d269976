//! Every waiting call's deadline, for one timer. All calls of a handler share its `timeoutMs`,
//! so calls fall due in the order they start: a queue per timeout, in start order, is in due
//! order too, and only its head matters. Entries of calls that have ended are dropped as they
//! reach the head, or all at once when they outnumber the waiting ones, and a queue with none
//! left goes when the timer fires or a new timeout comes, so memory follows what is waiting.

use std::collections::VecDeque;

use super::CallId;

struct Entry {
    due: f64,
    call: CallId,
}

struct Queue {
    timeout_ms: u32,
    entries: VecDeque<Entry>,
}

impl Queue {
    fn drop_ended_head(&mut self, is_waiting: &impl Fn(CallId) -> bool) {
        while self
            .entries
            .front()
            .is_some_and(|entry| !is_waiting(entry.call))
        {
            self.entries.pop_front();
        }
    }
}

#[derive(Default)]
pub struct Deadlines {
    queues: Vec<Queue>,
    /// When the timer will fire, if it is armed.
    armed_for: Option<f64>,
}

impl Deadlines {
    /// Puts `call` under a deadline `timeout_ms` from `now`; the delay to arm the timer for when
    /// it falls due before the timer would fire.
    pub fn add(
        &mut self,
        call: CallId,
        timeout_ms: u32,
        now: f64,
        waiting: usize,
        is_waiting: impl Fn(CallId) -> bool,
    ) -> Option<f64> {
        let due = now + f64::from(timeout_ms);
        let at = match self.queues.iter().position(|q| q.timeout_ms == timeout_ms) {
            Some(at) => at,
            None => {
                // A timeout not seen among the waiting calls: the queues of timeouts no call waits
                // under any more go first, so their number follows what is waiting.
                for queue in &mut self.queues {
                    queue.drop_ended_head(&is_waiting);
                }
                self.queues.retain(|queue| !queue.entries.is_empty());
                self.queues.push(Queue {
                    timeout_ms,
                    entries: VecDeque::new(),
                });
                self.queues.len() - 1
            }
        };
        let queue = &mut self.queues[at];
        queue.drop_ended_head(&is_waiting);
        queue.entries.push_back(Entry { due, call });
        if queue.entries.len() > 64 && queue.entries.len() > 2 * waiting {
            queue.entries.retain(|entry| is_waiting(entry.call));
        }
        let earlier = self.armed_for.is_none_or(|armed| due < armed);
        earlier.then(|| {
            self.armed_for = Some(due);
            due - now
        })
    }

    /// The timer fired: the calls due at `now`, earliest first within each timeout.
    pub fn take_due(&mut self, now: f64) -> Vec<CallId> {
        self.armed_for = None;
        let mut due = Vec::new();
        for queue in &mut self.queues {
            while let Some(entry) = queue.entries.front().filter(|entry| entry.due <= now) {
                due.push(entry.call);
                queue.entries.pop_front();
            }
        }
        due
    }

    /// After `take_due`: the delay to arm the timer for the next waiting call, if any.
    pub fn rearm(&mut self, now: f64, is_waiting: impl Fn(CallId) -> bool) -> Option<f64> {
        for queue in &mut self.queues {
            queue.drop_ended_head(&is_waiting);
        }
        self.queues.retain(|queue| !queue.entries.is_empty());
        let next = self
            .queues
            .iter()
            .filter_map(|queue| queue.entries.front().map(|entry| entry.due))
            .reduce(f64::min);
        self.armed_for = next;
        next.map(|due| due - now)
    }

    /// The host cleared the timer.
    pub fn disarm(&mut self) {
        self.armed_for = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Call `index`, first of its slot.
    fn call(index: u32) -> CallId {
        CallId {
            index,
            generation: 0,
        }
    }

    #[test]
    fn queues_of_timeouts_no_call_waits_under_are_dropped() {
        let mut deadlines = Deadlines::default();
        // A thousand calls, each under a timeout of its own, each ended before the next starts.
        let ended = |_: CallId| false;
        for n in 0..1_000_u32 {
            deadlines.add(call(n), 1_000 + n, 0.0, 1, ended);
            assert!(
                deadlines.queues.len() <= 1,
                "{} queues",
                deadlines.queues.len()
            );
        }
        // Three calls that wait, under three more timeouts.
        let waiting = |call: CallId| call.index >= 1_000;
        for n in 1_000..1_003_u32 {
            deadlines.add(call(n), 4_000 + n, 0.0, 3, waiting);
        }
        assert_eq!(
            deadlines.queues.len(),
            3,
            "one a timeout with a waiting call"
        );
        assert_eq!(deadlines.take_due(5_001.0).len(), 2);
        assert_eq!(deadlines.rearm(5_001.0, waiting), Some(1.0));
        assert_eq!(deadlines.queues.len(), 1);
    }
}
