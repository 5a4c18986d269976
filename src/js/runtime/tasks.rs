//! The commands that are running, each a boxed future in a slot, and the order they run in.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use super::{CommandId, TaskId};

pub type Work<V> = Pin<Box<dyn Future<Output = V>>>;

struct Task<V> {
    /// Out of its slot (`None`) while it is polled, so a start from inside a poll never meets
    /// it borrowed.
    work: Option<Work<V>>,
    /// Set by `start` once it has returned; until then a result waits in `finished`.
    command: Option<CommandId>,
    finished: Option<V>,
}

pub struct Tasks<V> {
    slots: Vec<Option<Task<V>>>,
    free: Vec<usize>,
    ready: VecDeque<TaskId>,
}

impl<V> Default for Tasks<V> {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            free: Vec::new(),
            ready: VecDeque::new(),
        }
    }
}

impl<V> Tasks<V> {
    /// A new task, ready to run.
    pub fn insert(&mut self, work: Work<V>) -> TaskId {
        let task = Some(Task {
            work: Some(work),
            command: None,
            finished: None,
        });
        let index = match self.free.pop() {
            Some(index) => {
                self.slots[index] = task;
                index
            }
            None => {
                self.slots.push(task);
                self.slots.len() - 1
            }
        };
        self.ready.push_back(TaskId(index as u32));
        TaskId(index as u32)
    }

    fn task(&mut self, id: TaskId) -> Option<&mut Task<V>> {
        self.slots.get_mut(id.0 as usize).and_then(Option::as_mut)
    }

    fn remove(&mut self, id: TaskId) {
        self.slots[id.0 as usize] = None;
        self.free.push(id.0 as usize);
    }

    pub fn wake(&mut self, id: TaskId) {
        self.ready.push_back(id);
    }

    /// The next ready task's work, taken out of its slot to be polled.
    pub fn next_ready(&mut self) -> Option<(TaskId, Work<V>)> {
        while let Some(id) = self.ready.pop_front() {
            if let Some(work) = self.task(id).and_then(|task| task.work.take()) {
                return Some((id, work));
            }
        }
        None
    }

    /// Puts back a task that is waiting.
    pub fn suspend(&mut self, id: TaskId, work: Work<V>) {
        if let Some(task) = self.task(id) {
            task.work = Some(work);
        }
    }

    /// A task's result: returned with its number to be delivered when it has one (and the
    /// slot is free again), else kept for `take_finished`.
    pub fn finish(&mut self, id: TaskId, result: V) -> Option<(CommandId, V)> {
        let task = self.task(id)?;
        let Some(command) = task.command else {
            task.finished = Some(result);
            return None;
        };
        self.remove(id);
        Some((command, result))
    }

    /// The result of a task that finished before `start` numbered it; the slot is free again.
    pub fn take_finished(&mut self, id: TaskId) -> Option<V> {
        let result = self.task(id)?.finished.take()?;
        self.remove(id);
        Some(result)
    }

    /// Gives a task still running the number its result will be delivered under.
    pub fn number(&mut self, id: TaskId, number: CommandId) {
        if let Some(task) = self.task(id) {
            task.command = Some(number);
        }
    }

    pub fn running(&self) -> usize {
        self.slots.len() - self.free.len()
    }
}
