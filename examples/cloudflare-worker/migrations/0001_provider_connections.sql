-- Connections, one row each; `save` is an upsert on id.
CREATE TABLE provider_connections (
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
);
CREATE INDEX provider_connections_by_user ON provider_connections (user_id);

-- The event bus writes here (an outbox): a consumer can forward rows to a Queue or webhook.
CREATE TABLE domain_events (
  event_id    TEXT PRIMARY KEY,
  event_type  TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  payload     TEXT NOT NULL
);
