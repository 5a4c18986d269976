-- connect-provider's schema for PostgreSQL, fifth step: each sync client's last applied mutation (an
-- offline client pushing its commands, store.sync). A client's row is advanced only from the number
-- it holds, checked in the statement, and in the same transaction as the change its mutation made
-- (commit's `mutation` option), so a mutation is applied once, whatever is retried. New table only.

CREATE TABLE IF NOT EXISTS sync_clients (
  user_id          varchar(255) NOT NULL,
  client_id        varchar(100) NOT NULL,
  last_mutation_id bigint NOT NULL,
  updated_at       timestamptz NOT NULL,
  PRIMARY KEY (user_id, client_id)
);
