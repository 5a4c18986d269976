-- connect-provider's schema for PostgreSQL: the original service's provider_connections table as it
-- stands (its names and types, without the foreign keys to its users and providers tables, which
-- this package does not need), its three indexes, and the event log. A table that already exists
-- is left as it is. Every statement may run again: migrate() runs this file under an advisory lock,
-- and so can node-pg-migrate or any other migration tool.

CREATE TABLE IF NOT EXISTS provider_connections (
  id                     uuid PRIMARY KEY,
  user_id                uuid NOT NULL,
  provider_id            uuid NOT NULL,
  provider_slug          varchar(50) NOT NULL,
  status                 varchar(20) NOT NULL,
  alias                  varchar(100),
  credential_type        varchar(20),
  encrypted_credentials  bytea,
  credentials_expires_at timestamptz,
  connected_at           timestamptz,
  last_sync_at           timestamptz,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS idx_provider_connections_user_provider ON provider_connections (user_id, provider_id);

CREATE INDEX IF NOT EXISTS idx_provider_connections_active ON provider_connections (user_id, status)
  WHERE status = 'active';

CREATE INDEX IF NOT EXISTS idx_provider_connections_expiring ON provider_connections (credentials_expires_at)
  WHERE status = 'active' AND credentials_expires_at IS NOT NULL;

-- The event bus appends here; `sequence` is the order of publishing, which events() reads back.
-- `json`, not `jsonb`: it keeps any string an event carries (jsonb refuses \u0000).
CREATE TABLE IF NOT EXISTS provider_connection_events (
  sequence    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id    uuid NOT NULL UNIQUE,
  event_type  varchar(100) NOT NULL,
  user_id     uuid NOT NULL,
  occurred_at timestamptz NOT NULL,
  payload     json NOT NULL
);

CREATE INDEX IF NOT EXISTS idx_provider_connection_events_user ON provider_connection_events (user_id, sequence);
