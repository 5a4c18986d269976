// The schema, one statement per entry: openDatabase runs those past the database's
// `PRAGMA user_version`, so entries are only ever appended (a database made by the first three
// gets the rest on its next open).
export const MIGRATIONS = [
  `CREATE TABLE provider_connections (
     id              TEXT PRIMARY KEY,
     user_id         TEXT NOT NULL,
     provider_id     TEXT NOT NULL,
     provider_slug   TEXT NOT NULL,
     status          TEXT NOT NULL,
     alias           TEXT,
     credential_type TEXT,
     encrypted_data  BLOB,
     expires_at      TEXT,
     connected_at    TEXT,
     last_sync_at    TEXT,
     created_at      TEXT NOT NULL,
     updated_at      TEXT NOT NULL
   )`,
  `CREATE INDEX provider_connections_by_user ON provider_connections (user_id)`,
  `CREATE TABLE domain_events (
     event_id    TEXT PRIMARY KEY,
     event_type  TEXT NOT NULL,
     occurred_at TEXT NOT NULL,
     payload     TEXT NOT NULL
   )`,
  // The original service's indexes, one for each find (findById has the primary key). The
  // (user_id, provider_id) one serves findByUserId by its prefix, so the first index goes.
  `CREATE INDEX idx_provider_connections_user_provider ON provider_connections (user_id, provider_id)`,
  `CREATE INDEX idx_provider_connections_active ON provider_connections (user_id, status) WHERE status = 'active'`,
  `CREATE INDEX idx_provider_connections_expiring ON provider_connections (expires_at)
     WHERE status = 'active' AND expires_at IS NOT NULL`,
  `DROP INDEX provider_connections_by_user`,
  // One row per run of a job listing expiring connections (../node-service/expiring-job.mjs).
  `CREATE TABLE refresh_runs (
     id             INTEGER PRIMARY KEY,
     ran_at         TEXT NOT NULL,
     within_minutes INTEGER NOT NULL,
     connection_ids TEXT,   -- JSON array, soonest expiry first; NULL when the query failed
     error          TEXT    -- the handler's error; NULL when it succeeded
   )`,
];
