-- connect-provider's schema for SQLite and Cloudflare D1, fifth step: each sync client's last applied
-- mutation (an offline client pushing its commands, store.sync). A client's row is advanced only from
-- the number it holds, checked in the statement, and in the same transaction as the change its
-- mutation made (commit's `mutation` option), so a mutation is applied once, whatever is retried.

CREATE TABLE IF NOT EXISTS sync_clients (
  user_id          TEXT NOT NULL,
  client_id        TEXT NOT NULL,
  last_mutation_id INTEGER NOT NULL,
  updated_at       TEXT NOT NULL,
  PRIMARY KEY (user_id, client_id)
);
