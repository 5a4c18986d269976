-- One row per run of the scheduled job (src/expiring-job.js): what it found, or why it failed.
CREATE TABLE refresh_runs (
  id             INTEGER PRIMARY KEY,
  cron           TEXT NOT NULL,     -- the trigger's expression, as wrangler.toml has it
  scheduled_at   TEXT NOT NULL,     -- the instant the trigger was due
  ran_at         TEXT NOT NULL,
  within_minutes INTEGER NOT NULL,
  connection_ids TEXT,              -- JSON array, soonest expiry first; NULL when the query failed
  error          TEXT               -- the handler's error; NULL when it succeeded
);
