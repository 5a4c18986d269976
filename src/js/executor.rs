//! A small task runner. The package's JS calls `__pollTasks` inside try/catch, so a trap (an
//! internal panic) surfaces there, where it becomes a rejected call and a fresh instance,
//! instead of escaping from a microtask that no one can catch.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use js_sys::Function;
use wasm_bindgen::prelude::*;

use super::bindings::queue_microtask;

type Task = Pin<Box<dyn Future<Output = ()>>>;

thread_local! {
    static TASKS: RefCell<Vec<Option<Task>>> = const { RefCell::new(Vec::new()) };
    static FREE_SLOTS: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
    static READY: RefCell<VecDeque<usize>> = const { RefCell::new(VecDeque::new()) };
    static SCHEDULER: RefCell<Option<Function>> = const { RefCell::new(None) };
    static POLLING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `future` on this runner: at once, up to its first real wait, unless a poll is already
/// under way (a re-entrant call from an adapter), in which case that poll picks it up.
pub fn spawn(future: impl Future<Output = ()> + 'static) {
    let task: Task = Box::pin(future);
    let id = match FREE_SLOTS.with_borrow_mut(Vec::pop) {
        Some(id) => {
            TASKS.with_borrow_mut(|tasks| tasks[id] = Some(task));
            id
        }
        None => TASKS.with_borrow_mut(|tasks| {
            tasks.push(Some(task));
            tasks.len() - 1
        }),
    };
    READY.with_borrow_mut(|ready| ready.push_back(id));
    if POLLING.get() {
        schedule_poll();
    } else {
        poll_tasks();
    }
}

/// Polls every task that was woken. Each task is taken out of its slot while it runs, so a
/// wake from inside a poll never meets a borrowed table.
#[wasm_bindgen(js_name = __pollTasks, skip_typescript)]
pub fn poll_tasks() {
    let outer = POLLING.replace(true);
    while let Some(id) = READY.with_borrow_mut(VecDeque::pop_front) {
        let Some(mut task) =
            TASKS.with_borrow_mut(|tasks| tasks.get_mut(id).and_then(Option::take))
        else {
            continue;
        };
        let waker = Waker::from(Arc::new(TaskWaker(id)));
        match task.as_mut().poll(&mut Context::from_waker(&waker)) {
            Poll::Pending => TASKS.with_borrow_mut(|tasks| tasks[id] = Some(task)),
            Poll::Ready(()) => FREE_SLOTS.with_borrow_mut(|free| free.push(id)),
        }
    }
    POLLING.set(outer);
}

/// `schedule()` must arrange one call of `__pollTasks` soon (the package's JS wraps it in
/// try/catch). Without one, polls are queued as plain microtasks.
#[wasm_bindgen(js_name = __setScheduler, skip_typescript)]
pub fn set_scheduler(schedule: Function) {
    SCHEDULER.with_borrow_mut(|scheduler| *scheduler = Some(schedule));
}

struct TaskWaker(usize);

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        wake(self.0);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        wake(self.0);
    }
}

fn wake(id: usize) {
    let first = READY.with_borrow_mut(|ready| {
        ready.push_back(id);
        ready.len() == 1
    });
    if first {
        schedule_poll();
    }
}

fn schedule_poll() {
    let scheduled = SCHEDULER.with_borrow(|scheduler| {
        scheduler
            .as_ref()
            .map(|schedule| schedule.call0(&JsValue::UNDEFINED).is_ok())
    });
    if scheduled != Some(true) {
        let _ = queue_microtask(&default_poller());
    }
}

/// `__pollTasks` as a JS function, made once and kept for the instance's life.
fn default_poller() -> JsValue {
    thread_local! {
        static POLLER: JsValue = Closure::<dyn FnMut()>::new(poll_tasks).into_js_value();
    }
    POLLER.with(JsValue::clone)
}
