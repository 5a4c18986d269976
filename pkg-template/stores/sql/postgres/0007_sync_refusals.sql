-- connect-provider's schema for PostgreSQL, seventh step: the refusals a sync client was answered,
-- kept with its last mutation (store.sync's `refusals`, a JSON array of { id, code, error }, at most
-- the last 100), so that a push sent again after its answer was lost is told the same refusals, not
-- "applied before". Rows written before this step have none (NULL). New column only.

ALTER TABLE sync_clients ADD COLUMN IF NOT EXISTS refusals text;
