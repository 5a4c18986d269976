use std::fmt;
use std::future::Future;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::CommandContext;
use crate::application::{Clock, EventBus, IdSource};
use crate::domain::ProviderEvent;

/// When an event occurred and its id, drawn together from `CommandContext::moment`.
pub(super) type Moment = (DateTime<Utc>, Uuid);

/// The workflow every command shares, written once: publish Attempted, do the work, then
/// publish Succeeded or Failed (the error's `Display` as reason) and return the outcome. A
/// command says only how its three events are built; each draws its own moment, in that
/// order, so fake clocks and ids see the same sequence in every handler.
pub(super) trait Workflow {
    /// Who and what the events talk about, known before the work starts.
    type Subject;
    type Output;
    type Error: fmt::Display;

    fn attempted(subject: &Self::Subject, moment: Moment) -> ProviderEvent;

    fn succeeded(subject: Self::Subject, moment: Moment, output: &Self::Output) -> ProviderEvent;

    /// `reason` is the error's `Display`; the error itself is there for anything else the
    /// event says about it.
    fn failed(
        subject: Self::Subject,
        moment: Moment,
        reason: String,
        error: &Self::Error,
    ) -> ProviderEvent;

    /// `work` makes the work's future once Attempted is published, so none of it runs before,
    /// and the future is held once: an async fn keeps a future it takes as an argument twice
    /// (rust-lang/rust#62958), which a command waiting on its adapter pays for in memory.
    async fn run<R, B: EventBus, C: Clock, I: IdSource, W>(
        context: &CommandContext<R, B, C, I>,
        subject: Self::Subject,
        work: impl FnOnce() -> W,
    ) -> Result<Self::Output, Self::Error>
    where
        W: Future<Output = Result<Self::Output, Self::Error>>,
    {
        let bus = context.event_bus();
        bus.publish(&Self::attempted(&subject, context.moment()))
            .await;
        let outcome = work().await;
        let closing = match &outcome {
            Ok(output) => Self::succeeded(subject, context.moment(), output),
            Err(error) => Self::failed(subject, context.moment(), error.to_string(), error),
        };
        bus.publish(&closing).await;
        outcome
    }
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};

    use chrono::TimeZone;

    use super::*;
    use crate::domain::{
        ProviderConnectionAttempted, ProviderConnectionFailed, ProviderConnectionSucceeded,
    };

    #[derive(Default)]
    struct RecordingBus(RefCell<Vec<ProviderEvent>>);

    impl EventBus for RecordingBus {
        async fn publish(&self, event: &ProviderEvent) {
            self.0.borrow_mut().push(event.clone());
        }
    }

    struct FixedClock;

    impl Clock for FixedClock {
        fn now(&self) -> DateTime<Utc> {
            Utc.timestamp_millis_opt(1_000).single().unwrap_or_default()
        }
    }

    #[derive(Default)]
    struct CountingIds(Cell<u128>);

    impl IdSource for CountingIds {
        fn next_id(&self, _now: DateTime<Utc>) -> Uuid {
            self.0.set(self.0.get() + 1);
            Uuid::from_u128(self.0.get())
        }
    }

    struct Refused;

    impl fmt::Display for Refused {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("refused, as asked")
        }
    }

    /// A command whose events carry the subject as user id and the output as connection id.
    struct Probe;

    impl Workflow for Probe {
        type Subject = Uuid;
        type Output = Uuid;
        type Error = Refused;

        fn attempted(subject: &Uuid, (occurred_at, event_id): Moment) -> ProviderEvent {
            ProviderEvent::from(ProviderConnectionAttempted {
                event_id,
                occurred_at,
                user_id: *subject,
                provider_id: Uuid::nil(),
                provider_slug: String::new(),
            })
        }

        fn succeeded(
            subject: Uuid,
            (occurred_at, event_id): Moment,
            output: &Uuid,
        ) -> ProviderEvent {
            ProviderEvent::from(ProviderConnectionSucceeded {
                event_id,
                occurred_at,
                user_id: subject,
                connection_id: *output,
                provider_id: Uuid::nil(),
                provider_slug: String::new(),
            })
        }

        fn failed(
            subject: Uuid,
            (occurred_at, event_id): Moment,
            reason: String,
            _error: &Refused,
        ) -> ProviderEvent {
            ProviderEvent::from(ProviderConnectionFailed {
                event_id,
                occurred_at,
                user_id: subject,
                provider_id: Uuid::nil(),
                provider_slug: String::new(),
                reason,
            })
        }
    }

    type TestContext = CommandContext<(), RecordingBus, FixedClock, CountingIds>;

    fn context() -> TestContext {
        CommandContext::new((), RecordingBus::default())
            .with_clock(FixedClock)
            .with_ids(CountingIds::default())
    }

    /// Runs `Probe` with work that draws one moment (id 2) and notes how many events it saw.
    fn run(outcome: Result<Uuid, Refused>) -> (Result<Uuid, Refused>, usize, Vec<ProviderEvent>) {
        let context = context();
        let seen = Cell::new(usize::MAX);
        let work = async {
            seen.set(context.event_bus().0.borrow().len());
            context.moment();
            outcome
        };
        let result = pollster::block_on(Probe::run(&context, Uuid::from_u128(7), || work));
        let events = context.event_bus().0.borrow().clone();
        (result, seen.get(), events)
    }

    fn expected_attempted() -> ProviderEvent {
        ProviderEvent::from(ProviderConnectionAttempted {
            event_id: Uuid::from_u128(1),
            occurred_at: FixedClock.now(),
            user_id: Uuid::from_u128(7),
            provider_id: Uuid::nil(),
            provider_slug: String::new(),
        })
    }

    #[test]
    fn publishes_attempted_before_the_work_then_succeeded_with_its_output() {
        let (result, seen, events) = run(Ok(Uuid::from_u128(42)));
        assert!(matches!(result, Ok(id) if id == Uuid::from_u128(42)));
        assert_eq!(seen, 1, "the work starts after Attempted is published");
        let succeeded = ProviderEvent::from(ProviderConnectionSucceeded {
            event_id: Uuid::from_u128(3),
            occurred_at: FixedClock.now(),
            user_id: Uuid::from_u128(7),
            connection_id: Uuid::from_u128(42),
            provider_id: Uuid::nil(),
            provider_slug: String::new(),
        });
        assert_eq!(events, [expected_attempted(), succeeded]);
    }

    #[test]
    fn publishes_failed_with_the_errors_display_as_reason() {
        let (result, seen, events) = run(Err(Refused));
        assert!(matches!(result, Err(Refused)));
        assert_eq!(seen, 1, "the work starts after Attempted is published");
        let failed = ProviderEvent::from(ProviderConnectionFailed {
            event_id: Uuid::from_u128(3),
            occurred_at: FixedClock.now(),
            user_id: Uuid::from_u128(7),
            provider_id: Uuid::nil(),
            provider_slug: String::new(),
            reason: "refused, as asked".to_owned(),
        });
        assert_eq!(events, [expected_attempted(), failed]);
    }
}
