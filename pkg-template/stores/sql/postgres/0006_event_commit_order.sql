-- connect-provider's schema for PostgreSQL, sixth step: the log read back in commit order. The log's
-- sequence is drawn when a row is inserted, before its transaction commits, so a reader that had
-- passed sequence 11 could see 10 commit after it and never read it (a sync pull, GET /events?after=).
-- Each event now also gets a position, drawn under the outbox's transaction lock (0004), which is
-- held to the commit: positions become visible in their order, and events() reads by position.
-- Events logged before this step keep their sequence as their position; new ones come after them.

CREATE SEQUENCE IF NOT EXISTS provider_connection_events_position;

ALTER TABLE provider_connection_events ADD COLUMN IF NOT EXISTS position bigint;
UPDATE provider_connection_events SET position = sequence WHERE position IS NULL;
SELECT setval('provider_connection_events_position', (SELECT COALESCE(max(position), 0) + 1 FROM provider_connection_events), false);
ALTER TABLE provider_connection_events ALTER COLUMN position SET NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS idx_provider_connection_events_position ON provider_connection_events (position);
CREATE INDEX IF NOT EXISTS idx_provider_connection_events_user_position ON provider_connection_events (user_id, position);

CREATE OR REPLACE FUNCTION connect_provider_event_position() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('connect_provider_outbox_position'));
  NEW.position := nextval('provider_connection_events_position');
  RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS provider_connection_events_position ON provider_connection_events;
CREATE TRIGGER provider_connection_events_position BEFORE INSERT ON provider_connection_events
  FOR EACH ROW EXECUTE FUNCTION connect_provider_event_position();
