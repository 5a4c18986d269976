-- connect-provider's schema for SQLite and Cloudflare D1, second step: each connection's version,
-- which a save must advance by one (a save of a stale record changes nothing). Rows written
-- before this step, and writers that leave the column out, get version 1.
-- SQLite has no ADD COLUMN IF NOT EXISTS: the store's migrate() takes "duplicate column name" from
-- this file as the step done already (by wrangler's D1 migrations or another tool).

ALTER TABLE provider_connections ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
