-- connect-provider's schema for SQLite and Cloudflare D1, seventh step (the sixth is PostgreSQL's
-- alone): the refusals a sync client was answered, kept with its last mutation (store.sync's
-- `refusals`, a JSON array of { id, code, error }, at most the last 100), so that a push sent again
-- after its answer was lost is told the same refusals, not "applied before". Rows written before
-- this step have none (NULL).
-- SQLite has no ADD COLUMN IF NOT EXISTS: the store's migrate() takes "duplicate column name" from
-- this file as the step done already (by wrangler's D1 migrations or another tool).

ALTER TABLE sync_clients ADD COLUMN refusals TEXT;
