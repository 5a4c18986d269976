//! Awaiting what an adapter method returned. A plain value is taken at once. A thenable is
//! handed to the runtime's `watch`, which attaches one `.then` and reports back through
//! `__settle`; the waiting task is then polled within that same call. Each waiting call has a
//! slot, numbered with a generation so that an answer that comes after the deadline (or for a
//! slot since reused) is recognised and dropped.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::prelude::*;

use super::deadlines;
use super::executor::drive;
use super::with_runtime;

/// How an adapter call ended.
pub enum Settled {
    /// It returned (or its thenable fulfilled with) this value.
    Value(JsValue),
    /// It threw, or its thenable rejected with this.
    Error(JsValue),
    TimedOut,
}

enum Slot {
    Free,
    Waiting(Option<Waker>),
    Done(Settled),
}

struct Slots {
    slots: Vec<(u32, Slot)>,
    free: Vec<u32>,
    waiting: usize,
}

thread_local! {
    static SLOTS: RefCell<Slots> = const {
        RefCell::new(Slots { slots: Vec::new(), free: Vec::new(), waiting: 0 })
    };
}

impl Slots {
    fn open(&mut self) -> (u32, u32) {
        self.waiting += 1;
        if let Some(index) = self.free.pop() {
            let (generation, slot) = &mut self.slots[index as usize];
            *generation = generation.wrapping_add(1);
            *slot = Slot::Waiting(None);
            return (index, *generation);
        }
        self.slots.push((0, Slot::Waiting(None)));
        (self.slots.len() as u32 - 1, 0)
    }

    fn get(&mut self, index: u32, generation: u32) -> Option<&mut Slot> {
        match self.slots.get_mut(index as usize) {
            Some((current, slot)) if *current == generation => Some(slot),
            _ => None,
        }
    }

    /// Records the outcome of a waiting call, and returns its waker; nothing for a call that has
    /// already ended.
    fn settle(&mut self, index: u32, generation: u32, outcome: Settled) -> Option<Option<Waker>> {
        let slot = self.get(index, generation)?;
        let Slot::Waiting(waker) = slot else {
            return None;
        };
        let waker = waker.take();
        *slot = Slot::Done(outcome);
        self.waiting -= 1;
        Some(waker)
    }

    /// Frees the slot, returning the outcome if the call had ended.
    fn close(&mut self, index: u32, generation: u32) -> Option<Settled> {
        let slot = self.get(index, generation)?;
        let ended = match std::mem::replace(slot, Slot::Free) {
            Slot::Free => return None,
            Slot::Done(outcome) => Some(outcome),
            Slot::Waiting(_) => {
                self.waiting -= 1;
                None
            }
        };
        self.free.push(index);
        ended
    }

    fn is_waiting(&self, index: u32, generation: u32) -> bool {
        matches!(self.slots.get(index as usize), Some((current, Slot::Waiting(_))) if *current == generation)
    }
}

/// Whether the call in `slot` still waits: the deadlines skip calls that have ended.
pub(super) fn is_waiting(index: u32, generation: u32) -> bool {
    SLOTS.with_borrow(|slots| slots.is_waiting(index, generation))
}

pub(super) fn waiting_count() -> usize {
    SLOTS.with_borrow(|slots| slots.waiting)
}

/// Ends a waiting call with `outcome` and wakes its task (the caller polls).
pub(super) fn end(index: u32, generation: u32, outcome: Settled) {
    let Some(waker) = SLOTS.with_borrow_mut(|slots| slots.settle(index, generation, outcome))
    else {
        return;
    };
    if waiting_count() == 0 {
        deadlines::none_waiting();
    }
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// The outcome of `returned` (what the adapter method call gave: its value, or what it threw),
/// awaited if it is a thenable, for at most `timeout_ms`.
pub fn call_adapter(returned: Result<JsValue, JsValue>, timeout_ms: u32) -> AdapterCall {
    let value = match returned {
        Ok(value) => value,
        Err(thrown) => return AdapterCall::ready(Settled::Error(thrown)),
    };
    let (index, generation) = SLOTS.with_borrow_mut(Slots::open);
    let watched = with_runtime(|runtime| runtime.watch(&value, index, generation)).unwrap_or(false);
    if !watched {
        SLOTS.with_borrow_mut(|slots| slots.close(index, generation));
        return AdapterCall::ready(Settled::Value(value));
    }
    deadlines::watch(timeout_ms, index, generation);
    AdapterCall {
        outcome: None,
        slot: Some((index, generation)),
    }
}

/// The future of one adapter call: its outcome at once, or the slot it waits in.
pub struct AdapterCall {
    outcome: Option<Settled>,
    slot: Option<(u32, u32)>,
}

impl AdapterCall {
    fn ready(outcome: Settled) -> Self {
        Self {
            outcome: Some(outcome),
            slot: None,
        }
    }
}

impl Future for AdapterCall {
    type Output = Settled;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Settled> {
        let this = self.get_mut();
        let Some((index, generation)) = this.slot else {
            return this.outcome.take().map_or(Poll::Pending, Poll::Ready);
        };
        let waiting = SLOTS.with_borrow_mut(|slots| match slots.get(index, generation) {
            Some(Slot::Waiting(waker)) => {
                *waker = Some(cx.waker().clone());
                true
            }
            _ => false,
        });
        if waiting {
            return Poll::Pending;
        }
        this.slot = None;
        let outcome = SLOTS.with_borrow_mut(|slots| slots.close(index, generation));
        Poll::Ready(outcome.unwrap_or(Settled::TimedOut))
    }
}

/// A call dropped while waiting (its task was dropped) frees its slot; a late answer is ignored.
impl Drop for AdapterCall {
    fn drop(&mut self) {
        if let Some((index, generation)) = self.slot.take() {
            SLOTS.with_borrow_mut(|slots| slots.close(index, generation));
            if waiting_count() == 0 {
                deadlines::none_waiting();
            }
        }
    }
}

/// What the runtime's `.then` reports: `fulfilled` with the value, or rejected with the reason.
#[wasm_bindgen(js_name = __settle, skip_typescript)]
pub fn settle(index: u32, generation: u32, fulfilled: bool, value: JsValue) {
    let outcome = if fulfilled {
        Settled::Value(value)
    } else {
        Settled::Error(value)
    };
    drive(|| end(index, generation, outcome));
}
