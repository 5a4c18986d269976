//! The adapter calls that wait for a thenable: a slot each, reused under a new generation.

use std::task::Waker;

use super::{CallId, TaskId};

/// How an adapter call ended.
#[derive(Debug, PartialEq)]
pub enum Settled<V> {
    /// It returned (or its thenable fulfilled with) this value.
    Value(V),
    /// It threw, or its thenable rejected with this.
    Error(V),
    TimedOut,
}

/// Who waits for a call: one of the runtime's own tasks, or a future another executor polls
/// (the wasm tests await the ports directly).
pub enum Waiter {
    Task(TaskId),
    Foreign(Waker),
}

enum Slot<V> {
    Free,
    Waiting(Option<Waiter>),
    Done(Settled<V>),
}

pub struct Calls<V> {
    slots: Vec<(u32, Slot<V>)>,
    free: Vec<u32>,
    waiting: usize,
}

impl<V> Default for Calls<V> {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            free: Vec::new(),
            waiting: 0,
        }
    }
}

impl<V> Calls<V> {
    pub fn open(&mut self) -> CallId {
        self.waiting += 1;
        if let Some(index) = self.free.pop() {
            let (generation, slot) = &mut self.slots[index as usize];
            *generation = generation.wrapping_add(1);
            *slot = Slot::Waiting(None);
            return CallId {
                index,
                generation: *generation,
            };
        }
        self.slots.push((0, Slot::Waiting(None)));
        CallId {
            index: self.slots.len() as u32 - 1,
            generation: 0,
        }
    }

    fn get(&mut self, call: CallId) -> Option<&mut Slot<V>> {
        match self.slots.get_mut(call.index as usize) {
            Some((generation, slot)) if *generation == call.generation => Some(slot),
            _ => None,
        }
    }

    /// Records who waits; false when the call has ended (its outcome is ready to `close`).
    pub fn wait(&mut self, call: CallId, waiter: Waiter) -> bool {
        match self.get(call) {
            Some(Slot::Waiting(slot)) => {
                *slot = Some(waiter);
                true
            }
            _ => false,
        }
    }

    /// Ends a waiting call with `outcome`, returning who waits for it; `None` for a call that
    /// has already ended, such as a late answer.
    pub fn settle(&mut self, call: CallId, outcome: Settled<V>) -> Option<Option<Waiter>> {
        let slot = self.get(call)?;
        let Slot::Waiting(waiter) = slot else {
            return None;
        };
        let waiter = waiter.take();
        *slot = Slot::Done(outcome);
        self.waiting -= 1;
        Some(waiter)
    }

    /// Frees the slot, returning the outcome if the call had ended.
    pub fn close(&mut self, call: CallId) -> Option<Settled<V>> {
        let slot = self.get(call)?;
        let ended = match std::mem::replace(slot, Slot::Free) {
            Slot::Free => return None,
            Slot::Done(outcome) => Some(outcome),
            Slot::Waiting(_) => {
                self.waiting -= 1;
                None
            }
        };
        self.free.push(call.index);
        ended
    }

    pub fn is_waiting(&self, call: CallId) -> bool {
        matches!(
            self.slots.get(call.index as usize),
            Some((generation, Slot::Waiting(_))) if *generation == call.generation
        )
    }

    pub fn waiting(&self) -> usize {
        self.waiting
    }
}
