-- connect-provider's schema for PostgreSQL, second step: each connection's version, which a save
-- must advance by one (a save of a stale record changes nothing). Rows written before this step,
-- and the original service's INSERTs, which leave the column out, get version 1. bigint, not
-- integer: a version is a whole number up to 2^53 - 1, which JavaScript reads exactly.
-- Additive and instant (a constant default rewrites no row); it may run again.

ALTER TABLE provider_connections ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 1;
