//! Each command's JS strings, made once. A command's ids, slug, times and failure reason recur
//! across its record, its events and its result; making each JS string once per command, and
//! reusing the caller's own strings as they came in, takes most string decoding off a command.
//! The texts belong to the command's task: they are current while the task is polled (polls
//! never nest), and they go when it ends.

use std::cell::{Cell, RefCell, RefMut};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use wasm_bindgen::JsValue;

/// What a string stands for: looked up by `TextKey<&str>`, kept as `TextKey` (its own text).
#[derive(PartialEq, Eq)]
pub enum TextKey<T = String> {
    Id(u128),
    Millis(i64),
    Text(T),
}

impl TextKey {
    fn matches(&self, key: &TextKey<&str>) -> bool {
        match (self, key) {
            (Self::Id(a), TextKey::Id(b)) => a == b,
            (Self::Millis(a), TextKey::Millis(b)) => a == b,
            (Self::Text(a), TextKey::Text(b)) => a == b,
            _ => false,
        }
    }
}

impl TextKey<&str> {
    fn owned(&self) -> TextKey {
        match *self {
            Self::Id(id) => TextKey::Id(id),
            Self::Millis(ms) => TextKey::Millis(ms),
            Self::Text(text) => TextKey::Text(text.to_owned()),
        }
    }
}

/// The most strings kept. A command has about ten; a query that lists many connections keeps
/// the ones that recur (the user's id, a shared time) while the rest pass through.
const CAPACITY: usize = 16;

/// Few strings, so a list searched in order is the fastest map. When it is full, the one used
/// longest ago makes room; nothing moves on a hit.
#[derive(Default)]
pub struct CommandTexts {
    texts: RefCell<Vec<(TextKey, JsValue, u32)>>,
    clock: Cell<u32>,
}

impl CommandTexts {
    fn tick(&self) -> u32 {
        let now = self.clock.get().wrapping_add(1);
        self.clock.set(now);
        now
    }

    /// The string kept for `key`, borrowed (no copy of its handle).
    fn found(&self, key: &TextKey<&str>) -> Option<RefMut<'_, JsValue>> {
        let now = self.tick();
        let texts = self.texts.borrow_mut();
        RefMut::filter_map(texts, |texts| {
            let (_, value, used) = texts.iter_mut().find(|(known, ..)| known.matches(key))?;
            *used = now;
            Some(value)
        })
        .ok()
    }

    /// `f` of the JS string for `key`, made by `make` the first time.
    pub fn with<T>(
        &self,
        key: TextKey<&str>,
        make: impl FnOnce() -> JsValue,
        f: impl FnOnce(&JsValue) -> T,
    ) -> T {
        if let Some(value) = self.found(&key) {
            return f(&value);
        }
        let value = make();
        let result = f(&value);
        self.keep(&key, value);
        result
    }

    fn keep(&self, key: &TextKey<&str>, value: JsValue) {
        let entry = (key.owned(), value, self.tick());
        let mut texts = self.texts.borrow_mut();
        if texts.len() < CAPACITY {
            texts.push(entry);
        } else if let Some(oldest) = texts.iter_mut().min_by_key(|(.., used)| *used) {
            *oldest = entry;
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<CommandTexts>>> = const { RefCell::new(None) };
}

/// Keeps `value`, a JS string the caller passed in, as the current command's string for `key`.
pub fn remember(key: TextKey<&str>, value: &JsValue) {
    CURRENT.with_borrow(|current| {
        if let Some(texts) = current {
            texts.keep(&key, value.clone());
        }
    });
}

/// The current command's texts; `None` outside a command's task.
pub fn current_texts() -> Option<Rc<CommandTexts>> {
    CURRENT.with_borrow(Option::clone)
}

/// `future` with its own command texts, current whenever it is polled.
pub fn with_command_texts<F: Future>(future: F) -> WithTexts<F> {
    WithTexts {
        texts: Rc::default(),
        future: Box::pin(future),
    }
}

pub struct WithTexts<F> {
    texts: Rc<CommandTexts>,
    future: Pin<Box<F>>,
}

impl<F: Future> Future for WithTexts<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let previous = CURRENT.replace(Some(Rc::clone(&self.texts)));
        let polled = self.future.as_mut().poll(cx);
        CURRENT.set(previous);
        polled
    }
}
