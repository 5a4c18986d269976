//! The commands that are running, each a boxed future in a slot, and the order they run in.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use super::{CommandId, TaskId};

pub type Work<V> = Pin<Box<dyn Future<Output = V>>>;

enum Slot<V> {
    Free,
    /// `work` is out of its slot (`None`) while it is polled, so a start from inside a poll
    /// never meets it borrowed.
    Running {
        work: Option<Work<V>>,
        command: Option<CommandId>,
    },
    /// Finished before `start` returned: the result waits to be taken as `CommandId::NOW`.
    Finished(V),
}

pub struct Tasks<V> {
    slots: Vec<Slot<V>>,
    free: Vec<u32>,
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
        let slot = Slot::Running {
            work: Some(work),
            command: None,
        };
        let id = match self.free.pop() {
            Some(index) => {
                self.slots[index as usize] = slot;
                TaskId(index)
            }
            None => {
                self.slots.push(slot);
                TaskId(self.slots.len() as u32 - 1)
            }
        };
        self.ready.push_back(id);
        id
    }

    pub fn wake(&mut self, id: TaskId) {
        self.ready.push_back(id);
    }

    /// The next ready task's work, taken out of its slot to be polled.
    pub fn next_ready(&mut self) -> Option<(TaskId, Work<V>)> {
        while let Some(id) = self.ready.pop_front() {
            if let Some(Slot::Running { work, .. }) = self.slots.get_mut(id.0 as usize) {
                if let Some(work) = work.take() {
                    return Some((id, work));
                }
            }
        }
        None
    }

    /// Puts back a task that is waiting.
    pub fn suspend(&mut self, id: TaskId, work: Work<V>) {
        if let Some(Slot::Running { work: slot, .. }) = self.slots.get_mut(id.0 as usize) {
            *slot = Some(work);
        }
    }

    /// Records a task's result: returned with its number when `start` has numbered it (the
    /// slot is free again), else kept for `take_finished`.
    pub fn finish(&mut self, id: TaskId, result: V) -> Option<(CommandId, V)> {
        let slot = self.slots.get_mut(id.0 as usize)?;
        if let Slot::Running {
            command: Some(command),
            ..
        } = slot
        {
            let command = *command;
            *slot = Slot::Free;
            self.free.push(id.0);
            return Some((command, result));
        }
        *slot = Slot::Finished(result);
        None
    }

    /// The result of a task that finished before it was numbered; its slot is free again.
    pub fn take_finished(&mut self, id: TaskId) -> Option<V> {
        let slot = self.slots.get_mut(id.0 as usize)?;
        if !matches!(slot, Slot::Finished(_)) {
            return None;
        }
        self.free.push(id.0);
        match std::mem::replace(slot, Slot::Free) {
            Slot::Finished(result) => Some(result),
            _ => None,
        }
    }

    /// Gives a task still running the number its result will be delivered under.
    pub fn number(&mut self, id: TaskId, number: CommandId) {
        if let Some(Slot::Running { command, .. }) = self.slots.get_mut(id.0 as usize) {
            *command = Some(number);
        }
    }

    pub fn running(&self) -> usize {
        self.slots.len() - self.free.len()
    }
}
