-- connect-provider's schema for SQLite and Cloudflare D1, fourth step: the transactional outbox.
-- Every event appended to the log from now on also enters the outbox, by a trigger, so in the same
-- transaction as its append (and as the change a commit stores with it), whoever appends it. A row
-- leaves once a relay has delivered its event. A row that kept failing is set aside (set_aside_at),
-- for an operator to see and requeue. Events logged before this step are not queued.

CREATE TABLE IF NOT EXISTS provider_connection_outbox (
  sequence        INTEGER PRIMARY KEY NOT NULL,
  -- The order the relay reads: the log's, since SQLite commits one writer at a time.
  position        INTEGER NOT NULL UNIQUE,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  last_error      TEXT,
  set_aside_at    TEXT
);

CREATE TRIGGER IF NOT EXISTS provider_connection_events_outbox AFTER INSERT ON provider_connection_events BEGIN INSERT INTO provider_connection_outbox (sequence, position) VALUES (NEW.sequence, NEW.sequence); END;

-- One relay delivers at a time: the holder of this lease, taken and renewed by a conditional upsert.
CREATE TABLE IF NOT EXISTS connect_provider_relay_lease (
  name       TEXT PRIMARY KEY NOT NULL,
  holder     TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
