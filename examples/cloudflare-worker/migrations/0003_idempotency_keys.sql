-- connect-provider's schema for SQLite and Cloudflare D1, third step: the Idempotency-Key records of
-- an HTTP service (store.idempotency), one per user and key. A record holds the request's
-- fingerprint (an HMAC the service computes, never the request), the token and lease of the claim
-- while its first request runs, then the answer to replay as JSON (the services' answers carry no
-- secret). Instants as toISOString writes them; purge() removes the oldest by created_at.

CREATE TABLE IF NOT EXISTS idempotency_keys (
  user_id         TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  fingerprint     TEXT NOT NULL,
  token           TEXT NOT NULL,
  locked_until    TEXT,
  response        TEXT,
  created_at      TEXT NOT NULL,
  PRIMARY KEY (user_id, idempotency_key)
);

CREATE INDEX IF NOT EXISTS idx_idempotency_keys_created ON idempotency_keys (created_at);
