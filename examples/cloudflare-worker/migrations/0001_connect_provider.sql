-- connect-provider's schema for SQLite and Cloudflare D1: the original service's
-- provider_connections table (its column names; ids and instants as text, the secret as a BLOB),
-- its three indexes, and the event log. Every statement may run again: migrate() runs this file,
-- and so can wrangler's D1 migrations or any other migration tool.

CREATE TABLE IF NOT EXISTS provider_connections (
  id                     TEXT PRIMARY KEY NOT NULL,
  user_id                TEXT NOT NULL,
  provider_id            TEXT NOT NULL,
  provider_slug          TEXT NOT NULL,
  status                 TEXT NOT NULL,
  alias                  TEXT,
  credential_type        TEXT,
  encrypted_credentials  BLOB,
  credentials_expires_at TEXT,
  connected_at           TEXT,
  last_sync_at           TEXT,
  created_at             TEXT NOT NULL,
  updated_at             TEXT NOT NULL
);

-- A user's connections (its user_id prefix serves findByUserId).
CREATE INDEX IF NOT EXISTS idx_provider_connections_user_provider ON provider_connections (user_id, provider_id);

-- findActiveByUser.
CREATE INDEX IF NOT EXISTS idx_provider_connections_active ON provider_connections (user_id, status)
  WHERE status = 'active';

-- findExpiringBefore. Instants are stored as toISOString writes them, so text order is time order.
CREATE INDEX IF NOT EXISTS idx_provider_connections_expiring ON provider_connections (credentials_expires_at)
  WHERE status = 'active' AND credentials_expires_at IS NOT NULL;

-- The event bus appends here; `sequence` is the order of publishing, which events() reads back.
CREATE TABLE IF NOT EXISTS provider_connection_events (
  sequence    INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id    TEXT NOT NULL UNIQUE,
  event_type  TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  payload     TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS idx_provider_connection_events_user ON provider_connection_events (user_id, sequence);
