-- The original service's indexes, one for each kind of find (findById has the primary key).
-- A user's connection to a provider; its user_id prefix serves findByUserId.
CREATE INDEX idx_provider_connections_user_provider ON provider_connections (user_id, provider_id);

-- findActiveByUser: only the active rows are in it.
CREATE INDEX idx_provider_connections_active ON provider_connections (user_id, status) WHERE status = 'active';

-- findExpiringBefore (the scheduled job): active rows with an expiry, in expiry order.
CREATE INDEX idx_provider_connections_expiring ON provider_connections (expires_at)
  WHERE status = 'active' AND expires_at IS NOT NULL;

-- The (user_id, provider_id) index does all this one did.
DROP INDEX provider_connections_by_user;
