use std::fmt;
use std::future::Future;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::CommandContext;
use crate::application::{
    Clock, EventBus, IdSource, ProviderConnectionRepository, RepositoryError, Written,
};
use crate::domain::{ProviderConnection, ProviderEvent};

/// When an event occurred and its id, drawn together from `CommandContext::moment`.
pub(super) type Moment = (DateTime<Utc>, Uuid);

/// How many times a command decides again on a connection that other commands changed under
/// it before it answers a conflict.
pub const MAX_TRIES: usize = 4;

/// What a command decided on the state it read: the connection as it is to be stored, and what
/// the command answers once it is.
pub(super) struct Change<O> {
    pub connection: ProviderConnection,
    pub output: O,
}

/// The workflow every command shares, written once: publish Attempted; decide on what was read;
/// store the change together with Succeeded (one atomic commit where the repository and the bus
/// share a database, else save then publish); when the store refuses the write as stale, read
/// again and decide again, up to `MAX_TRIES` times; otherwise publish Failed (the error's
/// `Display` as reason). So the table changes if and only if Succeeded is published with it, and
/// commands racing on one connection end as if run one after the other. A command says how its
/// three events are built; each draws its own moment, in that order.
pub(super) trait Workflow {
    /// Who and what the events talk about, known before the work starts.
    type Subject;
    type Output;
    type Error: fmt::Display + From<RepositoryError>;

    /// The error once `MAX_TRIES` decisions were all overtaken by other writers.
    const CONFLICT: Self::Error;

    fn attempted(subject: &Self::Subject, moment: Moment) -> ProviderEvent;

    fn succeeded(subject: &Self::Subject, moment: Moment, output: &Self::Output) -> ProviderEvent;

    /// `reason` is the error's `Display`; the error itself is there for anything else the
    /// event says about it.
    fn failed(
        subject: Self::Subject,
        moment: Moment,
        reason: String,
        error: &Self::Error,
    ) -> ProviderEvent;

    /// `decide` turns what was read (`read`, then each `read_again`) into the change to store.
    /// Not an `async fn`: one would hold what it takes twice while it waits
    /// (rust-lang/rust#62958), which a command waiting on its adapter pays for in memory.
    fn run<'a, R, B, C, I, S, F>(
        context: &'a CommandContext<R, B, C, I>,
        subject: Self::Subject,
        read: S,
        mut decide: impl FnMut(S) -> Result<Change<Self::Output>, Self::Error> + 'a,
        mut read_again: impl FnMut() -> F + 'a,
    ) -> impl Future<Output = Result<Self::Output, Self::Error>> + 'a
    where
        R: ProviderConnectionRepository,
        B: EventBus,
        C: Clock,
        I: IdSource,
        S: 'a,
        F: Future<Output = S> + 'a,
        Self::Subject: 'a,
        Self: 'a,
    {
        async move {
            let bus = context.event_bus();
            bus.publish(&Self::attempted(&subject, context.moment()))
                .await;
            let mut read = read;
            let mut outcome = Err(Self::CONFLICT);
            for attempt in 1..=MAX_TRIES {
                let change = match decide(read) {
                    Ok(change) => change,
                    Err(error) => {
                        outcome = Err(error);
                        break;
                    }
                };
                let succeeded = Self::succeeded(&subject, context.moment(), &change.output);
                match store(context, &change.connection, &succeeded).await {
                    Ok(Written::Stored) => return Ok(change.output),
                    Ok(Written::Stale) if attempt < MAX_TRIES => read = read_again().await,
                    Ok(Written::Stale) => break,
                    Err(error) => {
                        outcome = Err(error.into());
                        break;
                    }
                }
            }
            if let Err(error) = &outcome {
                let reason = error.to_string();
                bus.publish(&Self::failed(subject, context.moment(), reason, error))
                    .await;
            }
            outcome
        }
    }
}

/// Writes the connection and its Succeeded event: in one commit where the repository can, else
/// saved first and published once stored (the event is lost if the bus then fails).
async fn store<R, B, C, I>(
    context: &CommandContext<R, B, C, I>,
    connection: &ProviderConnection,
    succeeded: &ProviderEvent,
) -> Result<Written, RepositoryError>
where
    R: ProviderConnectionRepository,
    B: EventBus,
{
    let repository = context.repository();
    if let Some(committed) = repository
        .commit(connection, std::slice::from_ref(succeeded))
        .await
    {
        return committed;
    }
    let written = repository.save(connection).await?;
    if written == Written::Stored {
        context.event_bus().publish(succeeded).await;
    }
    Ok(written)
}
