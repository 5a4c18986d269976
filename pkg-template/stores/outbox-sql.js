// `store.outbox` on the SQL stores (SQLite, D1, PostgreSQL), over migration 0004's tables. Rows
// enter the outbox by the log's trigger, in the transaction of their append, at a position in
// commit order; this module only reads them in that order and takes them out. Each write a relay makes (delivered, failed) is one statement
// that checks, inside the database, that the relay still holds the lease: a relay that lost it
// (paused past its lease, then resumed) changes nothing, so two relays never both take an event out.
import { compileSlots, valuesOf } from "./sql-slots.js";
import { checkedFailure, checkedHolder, checkedIds, checkedLease, checkedLimit, checkedNow, entryOf, instantText, setAsideOf } from "./outbox-input.js";

/** The one lease's name: one relay delivers at a time, so events leave in commit order. */
const LEASE = "events";
const INSTANTS = new Set(["now", "until", "nextAttemptAt"]);
const HOLDS_LEASE =
  "EXISTS (SELECT 1 FROM connect_provider_relay_lease WHERE name = @name AND holder = @holder AND expires_at > @now)";
const SEQUENCE_OF = "(SELECT sequence FROM provider_connection_events WHERE event_id = @eventId)";

/** `@ids IN` a list: JSON text through json_each (SQLite, D1), a uuid[] (PostgreSQL). */
const idsIn = (/** @type {import("./sql-slots.js").PlaceholderStyle} */ style) =>
  style === "$n" ? "event_id = ANY(@ids)" : "event_id IN (SELECT value FROM json_each(@ids))";

const templates = (/** @type {import("./sql-slots.js").PlaceholderStyle} */ style) => ({
  lease:
    "INSERT INTO connect_provider_relay_lease (name, holder, expires_at) VALUES (@name, @holder, @until) " +
    "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at " +
    "WHERE connect_provider_relay_lease.holder = excluded.holder OR connect_provider_relay_lease.expires_at <= @now",
  release: "DELETE FROM connect_provider_relay_lease WHERE name = @name AND holder = @holder",
  pending:
    "SELECT o.attempts, o.next_attempt_at, e.payload FROM provider_connection_outbox o " +
    "JOIN provider_connection_events e ON e.sequence = o.sequence WHERE o.set_aside_at IS NULL ORDER BY o.position LIMIT @limit",
  delivered:
    "DELETE FROM provider_connection_outbox WHERE set_aside_at IS NULL AND sequence IN " +
    `(SELECT sequence FROM provider_connection_events WHERE ${idsIn(style)}) AND ${HOLDS_LEASE}`,
  failed:
    "UPDATE provider_connection_outbox SET attempts = attempts + 1, next_attempt_at = @nextAttemptAt, last_error = @error, " +
    `set_aside_at = CASE WHEN @setAside = 1 THEN @now ELSE NULL END WHERE sequence = ${SEQUENCE_OF} AND set_aside_at IS NULL AND ${HOLDS_LEASE}`,
  setAside:
    "SELECT o.attempts, o.last_error, o.set_aside_at, e.payload FROM provider_connection_outbox o " +
    "JOIN provider_connection_events e ON e.sequence = o.sequence WHERE o.set_aside_at IS NOT NULL ORDER BY o.position LIMIT @limit",
  requeue:
    "UPDATE provider_connection_outbox SET set_aside_at = NULL, attempts = 0, next_attempt_at = NULL, last_error = NULL " +
    `WHERE sequence = ${SEQUENCE_OF} AND set_aside_at IS NOT NULL`,
  lag:
    "SELECT count(*) AS pending, min(e.occurred_at) AS oldest FROM provider_connection_outbox o " +
    "JOIN provider_connection_events e ON e.sequence = o.sequence WHERE o.set_aside_at IS NULL",
  setAsideCount: "SELECT count(*) AS count FROM provider_connection_outbox WHERE set_aside_at IS NOT NULL",
});

/**
 * @typedef {import("./sql-slots.js").Statement} Statement
 * @typedef {Record<keyof ReturnType<typeof templates>, Statement>} OutboxStatements
 */

/** @param {import("./sql-slots.js").PlaceholderStyle} style @returns {OutboxStatements} */
export function outboxStatements(style) {
  const casts = style === "$n" ? { ids: "uuid[]", setAside: "int" } : {};
  return /** @type {OutboxStatements} */ (
    Object.fromEntries(Object.entries(templates(style)).map(([name, template]) => [name, compileSlots(template, style, INSTANTS, casts)]))
  );
}

/**
 * @param {OutboxStatements} statements
 * @param {{
 *   run(statement: Statement, values: unknown[]): Promise<number>,
 *   all(statement: Statement, values: unknown[]): Promise<Record<string, any>[]>,
 *   list(ids: string[]): unknown,
 * }} db `run` answers how many rows changed; `list` is a list of ids as the client binds one
 * @returns {import("./index.js").EventOutbox}
 */
export function sqlOutbox(statements, db) {
  const run = (/** @type {Statement} */ statement, /** @type {Record<string, unknown>} */ slots) => db.run(statement, valuesOf(statement, slots));
  const all = (/** @type {Statement} */ statement, /** @type {Record<string, unknown>} */ slots) => db.all(statement, valuesOf(statement, slots));
  return {
    async lease(holder, now, leaseMs) {
      const { at, until } = checkedLease(now, leaseMs);
      return (await run(statements.lease, { name: LEASE, holder: checkedHolder("lease", holder), now: at, until })) === 1;
    },
    async release(holder) {
      return (await run(statements.release, { name: LEASE, holder: checkedHolder("release", holder) })) === 1;
    },
    async pending(limit) {
      return (await all(statements.pending, { limit: checkedLimit("pending", limit) })).map(entryOf);
    },
    async delivered(holder, eventIds, now) {
      const ids = checkedIds("delivered", eventIds);
      if (ids.length === 0) return 0;
      const at = checkedNow("delivered", now);
      return run(statements.delivered, { name: LEASE, holder: checkedHolder("delivered", holder), now: at, ids: db.list(ids) });
    },
    async failed(holder, eventId, failure, now) {
      const at = checkedNow("failed", now);
      const { error, nextAttemptAt, setAside } = checkedFailure(failure);
      const [id] = checkedIds("failed", [eventId]);
      const slots = { name: LEASE, holder: checkedHolder("failed", holder), now: at, eventId: id, error, nextAttemptAt, setAside: setAside ? 1 : 0 };
      return (await run(statements.failed, slots)) === 1;
    },
    async setAside(limit) {
      return (await all(statements.setAside, { limit: checkedLimit("setAside", limit) })).map(setAsideOf);
    },
    async requeue(eventId) {
      const [id] = checkedIds("requeue", [eventId]);
      return (await run(statements.requeue, { eventId: id })) === 1;
    },
    async lag() {
      const [{ pending, oldest }] = await all(statements.lag, {});
      const [{ count }] = await all(statements.setAsideCount, {});
      return { pending: Number(pending), oldestOccurredAt: oldest === null || oldest === undefined ? null : instantText(oldest), setAside: Number(count) };
    },
  };
}
