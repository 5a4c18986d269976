-- The periodic job reads the expiring connections a page at a time, by their expiry to the
-- millisecond (as JS reads a timestamptz back) and then id. This index holds that order, so each
-- page starts at the cursor of the one before and stops at its bound, instead of sorting every
-- expiring row again. (AT TIME ZONE 'UTC' makes the expression immutable, as an index needs.)
CREATE INDEX IF NOT EXISTS idx_provider_connections_expiring_pages
  ON provider_connections ((date_trunc('milliseconds', credentials_expires_at AT TIME ZONE 'UTC')), id)
  WHERE status = 'active' AND credentials_expires_at IS NOT NULL;
