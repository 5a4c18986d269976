//! A small task runner. Its polls happen inside calls the package's JS makes within try/catch
//! (`__start`, `__settle`, `__expire`, `__pollTasks`), so a trap (an internal panic) surfaces there,
//! where it becomes rejected calls and a fresh instance, instead of escaping from a microtask no
//! one can catch.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use wasm_bindgen::prelude::*;

type Task = Pin<Box<dyn Future<Output = ()>>>;

thread_local! {
    static TASKS: RefCell<Vec<Option<Task>>> = const { RefCell::new(Vec::new()) };
    static FREE_SLOTS: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
    static READY: RefCell<VecDeque<usize>> = const { RefCell::new(VecDeque::new()) };
    /// True while the runner polls, or while an export that will poll before it returns runs.
    static DRIVING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `future` at once, up to its first real wait, unless the runner is already under way (a
/// re-entrant call from an adapter), which then picks it up.
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
    drive(|| {});
}

/// Runs `step` (which may wake tasks), then polls every task that is ready, unless a poll is
/// already under way further up the stack, which will.
pub fn drive(step: impl FnOnce()) {
    if DRIVING.replace(true) {
        step();
        return;
    }
    step();
    while let Some(id) = READY.with_borrow_mut(VecDeque::pop_front) {
        poll(id);
    }
    DRIVING.set(false);
}

/// Each task is taken out of its slot while it runs, so a wake from inside a poll never meets a
/// borrowed table.
fn poll(id: usize) {
    let Some(mut task) = TASKS.with_borrow_mut(|tasks| tasks.get_mut(id).and_then(Option::take))
    else {
        return;
    };
    let waker = Waker::from(Arc::new(TaskWaker(id)));
    match task.as_mut().poll(&mut Context::from_waker(&waker)) {
        Poll::Pending => TASKS.with_borrow_mut(|tasks| tasks[id] = Some(task)),
        Poll::Ready(()) => FREE_SLOTS.with_borrow_mut(|free| free.push(id)),
    }
}

/// For a wake that came from outside the bridge's own calls: the package's JS schedules it.
#[wasm_bindgen(js_name = __pollTasks, skip_typescript)]
pub fn poll_tasks() {
    drive(|| {});
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
    if first && !DRIVING.get() {
        super::with_runtime(|runtime| runtime.schedule());
    }
}
