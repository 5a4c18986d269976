use serde::Serialize;

/// `{ ok: true, value }`: what `handle()` resolves with when the command or query succeeded.
#[derive(Serialize)]
pub struct Success<T> {
    ok: bool,
    value: T,
}

impl<T> Success<T> {
    pub fn new(value: T) -> Self {
        Self { ok: true, value }
    }
}

/// `{ ok: false, error }`, the error being one of the contract's strings.
#[derive(Serialize)]
pub struct Failure<'a> {
    ok: bool,
    #[serde(serialize_with = "super::js_text::text")]
    error: &'a str,
}

impl<'a> Failure<'a> {
    pub fn new(error: &'a str) -> Self {
        Self { ok: false, error }
    }
}
