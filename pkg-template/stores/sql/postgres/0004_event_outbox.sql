-- connect-provider's schema for PostgreSQL, fourth step: the transactional outbox. Every event
-- appended to the log from now on also enters the outbox, by a trigger, so in the same transaction
-- as its append (and as the change a commit stores with it), whoever appends it. A row leaves once a
-- relay has delivered its event. A row that kept failing is set aside (set_aside_at), for an
-- operator to see and requeue. Events logged before this step are not queued. New objects only.
--
-- The log's sequence is drawn when a row is inserted, so two transactions can commit in the other
-- order: a relay reading by it could pass over an event whose transaction had not committed yet and
-- deliver it after a later one. The outbox has a position of its own, drawn under a transaction lock
-- held to the commit, so positions are in commit order, and the relay reads by position.

CREATE TABLE IF NOT EXISTS provider_connection_outbox (
  sequence        bigint PRIMARY KEY,
  position        bigint NOT NULL UNIQUE,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_error      text,
  set_aside_at    timestamptz
);

CREATE SEQUENCE IF NOT EXISTS provider_connection_outbox_position;

CREATE OR REPLACE FUNCTION connect_provider_outbox_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('connect_provider_outbox_position'));
  INSERT INTO provider_connection_outbox (sequence, position) VALUES (NEW.sequence, nextval('provider_connection_outbox_position'));
  RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS provider_connection_events_outbox ON provider_connection_events;
CREATE TRIGGER provider_connection_events_outbox AFTER INSERT ON provider_connection_events
  FOR EACH ROW EXECUTE FUNCTION connect_provider_outbox_enqueue();

-- One relay delivers at a time: the holder of this lease, taken and renewed by a conditional upsert.
CREATE TABLE IF NOT EXISTS connect_provider_relay_lease (
  name       varchar(100) PRIMARY KEY,
  holder     varchar(100) NOT NULL,
  expires_at timestamptz NOT NULL
);
