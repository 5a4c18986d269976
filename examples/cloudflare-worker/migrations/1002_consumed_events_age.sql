-- The cron's purge of consumed_events (src/event-queue.js, purgeConsumed) finds the rows past the
-- queue's retention by this index, not by reading the whole table at every run.

CREATE INDEX IF NOT EXISTS consumed_events_consumed_at ON consumed_events (consumed_at);
