-- connect-provider's schema for PostgreSQL, third step: the Idempotency-Key records of an HTTP
-- service (store.idempotency), one per user and key. A record holds the request's fingerprint (an
-- HMAC the service computes, never the request), the token and lease of the claim while its first
-- request runs, then the answer to replay as JSON text (the services' answers carry no secret).
-- purge() removes the oldest by created_at. A new table: nothing of the original's is touched.

CREATE TABLE IF NOT EXISTS idempotency_keys (
  user_id         varchar(255) NOT NULL,
  idempotency_key varchar(255) NOT NULL,
  fingerprint     varchar(128) NOT NULL,
  token           varchar(64) NOT NULL,
  locked_until    timestamptz,
  response        text,
  created_at      timestamptz NOT NULL,
  PRIMARY KEY (user_id, idempotency_key)
);

CREATE INDEX IF NOT EXISTS idx_idempotency_keys_created ON idempotency_keys (created_at);
