//! The bridge's runtime natively, over a host that records what the package's JS would be
//! asked to do. Values are strings; one starting with "thenable" is awaited, as a promise is.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use connect_provider::js::runtime::{AdapterCall, CallId, CommandId, Host, Runtime, Settled};

#[derive(Debug, PartialEq)]
enum Asked {
    Watch(CallId),
    Deliver(CommandId, String),
    Timer(Option<f64>, bool),
}

#[derive(Default)]
struct Recorder {
    now: Cell<f64>,
    asked: RefCell<Vec<Asked>>,
}

impl Host for Recorder {
    type Value = String;

    fn now(&self) -> f64 {
        self.now.get()
    }

    fn watch(&self, value: &String, call: CallId) -> Option<f64> {
        if !value.starts_with("thenable") {
            return None;
        }
        self.asked.borrow_mut().push(Asked::Watch(call));
        Some(self.now.get())
    }

    fn deliver(&self, command: CommandId, result: &String) {
        self.asked
            .borrow_mut()
            .push(Asked::Deliver(command, result.clone()));
    }

    fn timer(&self, delay_ms: Option<f64>, waiting: bool) -> bool {
        self.asked
            .borrow_mut()
            .push(Asked::Timer(delay_ms, waiting));
        !waiting
    }
}

type Rt = Rc<Runtime<Recorder>>;

fn runtime() -> Rt {
    Rc::new(Runtime::new(Recorder::default()))
}

/// What the host was asked since the last look.
fn asked(runtime: &Rt) -> Vec<Asked> {
    runtime.host().asked.take()
}

fn at(runtime: &Rt, now: f64) {
    runtime.host().now.set(now);
}

fn call(index: u32, generation: u32) -> CallId {
    CallId { index, generation }
}

fn describe(outcome: Settled<String>) -> String {
    match outcome {
        Settled::Value(value) => format!("value {value}"),
        Settled::Error(error) => format!("error {error}"),
        Settled::TimedOut => "timed out".to_owned(),
    }
}

/// A command that makes one adapter call returning `value`, with a deadline of `timeout_ms`.
fn one_call(runtime: &Rt, value: &str, timeout_ms: u32) -> impl Future<Output = String> {
    let runtime = Rc::clone(runtime);
    let value = value.to_owned();
    async move { describe(AdapterCall::new(&runtime, Ok(value), timeout_ms).await) }
}

#[test]
fn a_command_over_plain_values_is_delivered_before_start_returns() {
    let rt = runtime();
    let runtime = Rc::clone(&rt);
    let started = rt.start(async move {
        let saved = AdapterCall::new(&runtime, Ok("saved".to_owned()), 100).await;
        let thrown = AdapterCall::new(&runtime, Err("boom".to_owned()), 100).await;
        format!("{}, {}", describe(saved), describe(thrown))
    });
    assert_eq!(started, CommandId::NOW);
    assert_eq!(
        asked(&rt),
        [Asked::Deliver(
            CommandId::NOW,
            "value saved, error boom".into()
        )]
    );
    assert_eq!((rt.running(), rt.waiting()), (0, 0));
}

#[test]
fn a_thenable_is_watched_under_a_deadline_and_its_answer_resumes_the_command() {
    let rt = runtime();
    at(&rt, 1_000.0);
    assert_eq!(rt.start(one_call(&rt, "thenable", 250)), CommandId(1));
    assert_eq!(
        asked(&rt),
        [Asked::Watch(call(0, 0)), Asked::Timer(Some(250.0), true)]
    );
    assert_eq!((rt.running(), rt.waiting()), (1, 1));

    rt.settle(call(0, 0), Settled::Value("row".into()));
    assert_eq!(
        asked(&rt),
        [
            Asked::Deliver(CommandId(1), "value row".into()),
            Asked::Timer(None, false)
        ]
    );
    assert_eq!((rt.running(), rt.waiting()), (0, 0));
}

/// A command's calls one after another keep the timer held between them: the host hears of the
/// second call's wait alone, and of the timer's release once, when the last call has ended.
#[test]
fn calls_one_after_another_release_the_timer_once_at_the_end() {
    let rt = runtime();
    at(&rt, 1_000.0);
    let runtime = Rc::clone(&rt);
    let two_calls = async move {
        let first = describe(AdapterCall::new(&runtime, Ok("thenable 1".into()), 250).await);
        let second = describe(AdapterCall::new(&runtime, Ok("thenable 2".into()), 250).await);
        format!("{first}, {second}")
    };
    assert_eq!(rt.start(two_calls), CommandId(1));
    assert_eq!(
        asked(&rt),
        [Asked::Watch(call(0, 0)), Asked::Timer(Some(250.0), true)]
    );
    rt.settle(call(0, 0), Settled::Value("a".into()));
    assert_eq!(asked(&rt), [Asked::Watch(call(0, 1))]);
    assert_eq!((rt.running(), rt.waiting()), (1, 1));
    rt.settle(call(0, 1), Settled::Value("b".into()));
    assert_eq!(
        asked(&rt),
        [
            Asked::Deliver(CommandId(1), "value a, value b".into()),
            Asked::Timer(None, false)
        ]
    );
    assert_eq!((rt.running(), rt.waiting()), (0, 0));
}

#[test]
fn a_rejection_reaches_the_command_as_an_error() {
    let rt = runtime();
    assert_eq!(rt.start(one_call(&rt, "thenable", 250)), CommandId(1));
    asked(&rt);
    rt.settle(call(0, 0), Settled::Error("refused".into()));
    assert_eq!(
        asked(&rt),
        [
            Asked::Deliver(CommandId(1), "error refused".into()),
            Asked::Timer(None, false)
        ]
    );
}

#[test]
fn an_answer_after_the_deadline_is_dropped() {
    let rt = runtime();
    rt.start(one_call(&rt, "thenable", 100));
    asked(&rt);
    at(&rt, 100.0);
    rt.expire();
    assert_eq!(
        asked(&rt),
        [
            Asked::Deliver(CommandId(1), "timed out".into()),
            Asked::Timer(None, false)
        ]
    );
    rt.settle(call(0, 0), Settled::Value("too late".into()));
    assert_eq!(asked(&rt), []);
    assert_eq!((rt.running(), rt.waiting()), (0, 0));
}

#[test]
fn the_timer_firing_early_times_out_nothing_and_rearms() {
    let rt = runtime();
    rt.start(one_call(&rt, "thenable", 100));
    asked(&rt);
    at(&rt, 60.0);
    rt.expire();
    assert_eq!(asked(&rt), [Asked::Timer(Some(40.0), true)]);
    assert_eq!(rt.waiting(), 1);
}

#[test]
fn a_reused_slot_has_a_new_generation_and_an_old_answer_cannot_settle_it() {
    let rt = runtime();
    rt.start(one_call(&rt, "thenable", 100));
    rt.settle(call(0, 0), Settled::Value("first".into()));
    asked(&rt);

    assert_eq!(rt.start(one_call(&rt, "thenable", 100)), CommandId(2));
    assert_eq!(
        asked(&rt),
        [Asked::Watch(call(0, 1)), Asked::Timer(Some(100.0), true)]
    );
    rt.settle(call(0, 0), Settled::Value("stale".into()));
    assert_eq!(asked(&rt), []);
    rt.settle(call(0, 1), Settled::Value("second".into()));
    assert_eq!(
        asked(&rt),
        [
            Asked::Deliver(CommandId(2), "value second".into()),
            Asked::Timer(None, false)
        ]
    );
}

#[test]
fn deadlines_fall_due_in_order_across_timeouts_and_the_timer_follows_the_earliest() {
    let rt = runtime();
    rt.start(one_call(&rt, "thenable a", 100));
    at(&rt, 10.0);
    rt.start(one_call(&rt, "thenable b", 50));
    at(&rt, 20.0);
    rt.start(one_call(&rt, "thenable c", 100));
    assert_eq!(
        asked(&rt),
        [
            Asked::Watch(call(0, 0)),
            Asked::Timer(Some(100.0), true),
            Asked::Watch(call(1, 0)),
            // b is due at 60, before a at 100: the timer moves earlier.
            Asked::Timer(Some(50.0), true),
            // c is due at 120, after the timer: no re-arm.
            Asked::Watch(call(2, 0)),
        ]
    );

    at(&rt, 60.0);
    rt.expire();
    assert_eq!(
        asked(&rt),
        [
            Asked::Timer(Some(40.0), true),
            Asked::Deliver(CommandId(2), "timed out".into())
        ]
    );
    at(&rt, 100.0);
    rt.expire();
    assert_eq!(
        asked(&rt),
        [
            Asked::Timer(Some(20.0), true),
            Asked::Deliver(CommandId(1), "timed out".into())
        ]
    );
    at(&rt, 120.0);
    rt.expire();
    assert_eq!(
        asked(&rt),
        [
            Asked::Deliver(CommandId(3), "timed out".into()),
            Asked::Timer(None, false)
        ]
    );
}

#[test]
fn a_call_that_ended_early_does_not_hold_the_timer_for_its_deadline() {
    let rt = runtime();
    rt.start(one_call(&rt, "thenable a", 100));
    at(&rt, 50.0);
    rt.start(one_call(&rt, "thenable b", 100));
    rt.settle(call(0, 0), Settled::Value("a".into()));
    asked(&rt);
    at(&rt, 100.0);
    rt.expire();
    // a's deadline passes with nothing to time out; the timer is re-armed for b, due at 150.
    assert_eq!(asked(&rt), [Asked::Timer(Some(50.0), true)]);
}

#[test]
fn a_start_from_inside_a_poll_is_numbered_and_run_by_the_same_loop() {
    let rt = runtime();
    let runtime = Rc::clone(&rt);
    let outer = rt.start(async move {
        let inner = runtime.start(one_call(&runtime, "plain", 100));
        let saved = AdapterCall::new(&runtime, Ok("saved".to_owned()), 100).await;
        format!("inner {}, {}", inner.0, describe(saved))
    });
    assert_eq!(outer, CommandId::NOW);
    assert_eq!(
        asked(&rt),
        [
            Asked::Deliver(CommandId(1), "value plain".into()),
            Asked::Deliver(CommandId::NOW, "inner 1, value saved".into()),
        ]
    );
    assert_eq!(rt.running(), 0);
}

#[test]
fn a_hundred_commands_in_flight_each_get_their_own_answer() {
    let rt = runtime();
    let numbers: Vec<CommandId> = (0..100)
        .map(|_| rt.start(one_call(&rt, "thenable", 1_000)))
        .collect();
    assert_eq!(numbers, (1..=100).map(CommandId).collect::<Vec<_>>());
    asked(&rt);
    for index in (0..100).rev() {
        rt.settle(call(index, 0), Settled::Value(format!("{index}")));
    }
    let delivered = asked(&rt);
    assert_eq!(delivered.len(), 101);
    assert_eq!(
        delivered[0],
        Asked::Deliver(CommandId(100), "value 99".into())
    );
    assert_eq!(
        delivered[98],
        Asked::Deliver(CommandId(2), "value 1".into())
    );
    assert_eq!(
        delivered[99],
        Asked::Deliver(CommandId(1), "value 0".into())
    );
    assert_eq!(delivered[100], Asked::Timer(None, false));
    assert_eq!((rt.running(), rt.waiting()), (0, 0));
}

struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_call_awaited_by_another_executor_wakes_that_executor() {
    let rt = runtime();
    let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
    let waker = Waker::from(Arc::clone(&counter));
    let mut cx = Context::from_waker(&waker);
    let mut pending = pin!(AdapterCall::new(&rt, Ok("thenable".to_owned()), 100));
    assert!(pending.as_mut().poll(&mut cx).is_pending());
    rt.settle(call(0, 0), Settled::Value("row".into()));
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    assert_eq!(
        pending.as_mut().poll(&mut cx),
        Poll::Ready(Settled::Value("row".into()))
    );
}

#[test]
fn a_call_dropped_while_waiting_frees_its_slot_and_ignores_its_answer() {
    let rt = runtime();
    let mut pending = Box::pin(AdapterCall::new(&rt, Ok("thenable".to_owned()), 100));
    assert!(pending
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
        .is_pending());
    asked(&rt);
    drop(pending);
    assert_eq!(asked(&rt), [Asked::Timer(None, false)]);
    assert_eq!(rt.waiting(), 0);
    rt.settle(call(0, 0), Settled::Value("late".into()));
    at(&rt, 100.0);
    rt.expire();
    assert_eq!(asked(&rt), []);
}
