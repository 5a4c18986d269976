-- The Worker example's own table (not the package's schema, whose steps are numbered from 0001; this
-- one from 1001, so that the package's later steps sort before it): the events its queue consumer
-- has acted on, by id, so that a redelivered message is acted on once.

CREATE TABLE IF NOT EXISTS consumed_events (
  event_id    TEXT PRIMARY KEY NOT NULL,
  event_type  TEXT NOT NULL,
  consumed_at TEXT NOT NULL
);
