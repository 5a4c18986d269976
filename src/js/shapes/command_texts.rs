//! Each command's JS strings, made once. A command's ids, slug, times and failure reason recur
//! across its record, its events and its result; making each JS string once per command, and
//! reusing the caller's own strings as they came in, takes most string decoding off a command.
//! The texts belong to the command's task: they are current while the task is polled (polls
//! never nest), and they go when it ends.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use wasm_bindgen::JsValue;

/// What a string stands for.
#[derive(PartialEq, Eq)]
pub enum TextKey<'a> {
    Id(u128),
    Millis(i64),
    Text(&'a str),
}

enum OwnedKey {
    Id(u128),
    Millis(i64),
    Text(String),
}

impl OwnedKey {
    fn matches(&self, key: &TextKey<'_>) -> bool {
        match (self, key) {
            (Self::Id(a), TextKey::Id(b)) => a == b,
            (Self::Millis(a), TextKey::Millis(b)) => a == b,
            (Self::Text(a), TextKey::Text(b)) => a == b,
            _ => false,
        }
    }
}

impl From<&TextKey<'_>> for OwnedKey {
    fn from(key: &TextKey<'_>) -> Self {
        match key {
            TextKey::Id(id) => Self::Id(*id),
            TextKey::Millis(ms) => Self::Millis(*ms),
            TextKey::Text(text) => Self::Text((*text).to_owned()),
        }
    }
}

/// The most strings kept. A command has about ten; a query that lists many connections keeps
/// the ones that recur (the user's id, a shared time) while the rest pass through.
const CAPACITY: usize = 16;

/// Few strings, so a list searched in order is the fastest map; the most recently used last.
#[derive(Default)]
pub struct CommandTexts(RefCell<Vec<(OwnedKey, JsValue)>>);

impl CommandTexts {
    fn find(&self, key: &TextKey<'_>) -> Option<JsValue> {
        let mut texts = self.0.borrow_mut();
        let at = texts.iter().position(|(known, _)| known.matches(key))?;
        let entry = texts.remove(at);
        let value = entry.1.clone();
        texts.push(entry);
        Some(value)
    }

    fn keep(&self, key: &TextKey<'_>, value: &JsValue) {
        let mut texts = self.0.borrow_mut();
        if texts.len() == CAPACITY {
            texts.remove(0);
        }
        texts.push((OwnedKey::from(key), value.clone()));
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<CommandTexts>>> = const { RefCell::new(None) };
}

/// Keeps `value`, a JS string the caller passed in, as the current command's string for `key`.
pub fn remember(key: TextKey<'_>, value: &JsValue) {
    CURRENT.with_borrow(|current| {
        if let Some(texts) = current {
            texts.keep(&key, value);
        }
    });
}

/// The current command's JS string for `key`, made by `make` the first time; `None` outside a
/// command's task.
pub fn js_string(key: TextKey<'_>, make: impl FnOnce() -> JsValue) -> Option<JsValue> {
    let texts = CURRENT.with_borrow(Option::clone)?;
    Some(texts.find(&key).unwrap_or_else(|| {
        let value = make();
        texts.keep(&key, &value);
        value
    }))
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
