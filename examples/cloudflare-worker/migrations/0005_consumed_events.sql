-- The Worker example's own table (not the package's schema): the events its queue consumer has acted
-- on, by id, so that a redelivered message is acted on once.

CREATE TABLE IF NOT EXISTS consumed_events (
  event_id    TEXT PRIMARY KEY NOT NULL,
  event_type  TEXT NOT NULL,
  consumed_at TEXT NOT NULL
);
