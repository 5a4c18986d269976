// `store.idempotency` on the SQL stores (SQLite, D1, PostgreSQL), over the idempotency_keys table of
// migration 0003. Every decision that takes a key is one statement checked inside the database: a
// new key is an INSERT … ON CONFLICT DO NOTHING (of clients claiming one key at once, exactly one
// inserts), a key whose first request died is taken over by an UPDATE that matches only an expired
// lease, and only the claim's holder (its token) completes or releases it. What is read back only
// chooses among the answers that take nothing: replay, mismatch, running.
import { compileSlots, valuesOf } from "./sql-slots.js";
import { checkedClaim, checkedKey, checkedPurge, checkedToken, newToken, responseOf, responseText } from "./idempotency-input.js";

/** Tries of a claim whose key was released or purged between its statements. */
const CLAIM_TRIES = 5;

/** The marker of D1's guard after a commit's completion: the claim was no longer the commit's. */
export const CLAIM_LOST_MARKER = "connect_provider_idempotency_claim_lost";

/** The slots that hold an ISO instant (PostgreSQL reads them as timestamptz). */
const INSTANTS = new Set(["now", "lockedUntil", "before"]);

/**
 * The statements with `@name` slots, written once: each client's placeholders are made from them.
 * The UPDATE … WHERE token = @token AND response IS NULL of `complete` runs inside a commit too.
 */
const TEMPLATES = {
  insert:
    "INSERT INTO idempotency_keys (user_id, idempotency_key, fingerprint, token, locked_until, response, created_at) " +
    "VALUES (@userId, @key, @fingerprint, @token, @lockedUntil, NULL, @now) ON CONFLICT (user_id, idempotency_key) DO NOTHING",
  // The same request again, after its first claim's lease ran out (the process died mid-way).
  takeOver:
    "UPDATE idempotency_keys SET token = @token, locked_until = @lockedUntil, created_at = @now " +
    "WHERE user_id = @userId AND idempotency_key = @key AND fingerprint = @fingerprint AND response IS NULL AND locked_until <= @now",
  read: "SELECT fingerprint, response, locked_until FROM idempotency_keys WHERE user_id = @userId AND idempotency_key = @key",
  complete:
    "UPDATE idempotency_keys SET response = @response, locked_until = NULL " +
    "WHERE user_id = @userId AND idempotency_key = @key AND token = @token AND response IS NULL",
  release: "DELETE FROM idempotency_keys WHERE user_id = @userId AND idempotency_key = @key AND token = @token AND response IS NULL",
  // Oldest first, a bounded batch, through the created_at index. The bound again on the row deleted:
  // PostgreSQL (read committed) checks only the outer WHERE against a row a takeover changed after
  // the subquery picked it, and a claim taken over just now must stay.
  purge:
    "DELETE FROM idempotency_keys WHERE created_at < @before AND (user_id, idempotency_key) IN " +
    "(SELECT user_id, idempotency_key FROM idempotency_keys WHERE created_at < @before ORDER BY created_at LIMIT @limit)",
};

/**
 * @typedef {import("./sql-slots.js").Statement} Statement
 * @typedef {Record<keyof typeof TEMPLATES, Statement> & { claimGuard: string }} Statements
 */

/**
 * The statements for one client, in its placeholders' style (sql-slots.js).
 * @param {import("./sql-slots.js").PlaceholderStyle} style
 * @returns {Statements}
 */
export function idempotencyStatements(style) {
  const compile = (/** @type {string} */ template) => compileSlots(template, style, INSTANTS);
  return {
    .../** @type {Record<keyof typeof TEMPLATES, Statement>} */ (Object.fromEntries(Object.entries(TEMPLATES).map(([name, template]) => [name, compile(template)]))),
    /** Fails (in a D1 batch, rolling it back) when the completion before it changed no row. */
    claimGuard: `SELECT json_extract('{}', CASE changes() WHEN 0 THEN '${CLAIM_LOST_MARKER}' ELSE '$' END)`,
  };
}

export { valuesOf };

/**
 * @param {Statements} statements
 * @param {{ run(statement: Statement, values: unknown[]): Promise<number>, get(statement: Statement, values: unknown[]): Promise<Record<string, unknown> | null> }} db
 *   `run` answers how many rows the statement changed
 * @returns {import("./index.js").IdempotencyStore}
 */
export function sqlIdempotency(statements, db) {
  const run = (/** @type {Statement} */ statement, /** @type {Record<string, unknown>} */ slots) => db.run(statement, valuesOf(statement, slots));
  return {
    async claim(userId, key, fingerprint, now, leaseMs) {
      const c = checkedClaim(userId, key, fingerprint, now, leaseMs);
      for (let attempt = 1; attempt <= CLAIM_TRIES; attempt += 1) {
        const token = newToken();
        const slots = { ...c, token };
        if ((await run(statements.insert, slots)) === 1) return { state: "claimed", token };
        if ((await run(statements.takeOver, slots)) === 1) return { state: "claimed", token };
        const row = await db.get(statements.read, valuesOf(statements.read, slots));
        // Released or purged between the statements: the key is free again.
        if (row === null) continue;
        if (row.fingerprint !== c.fingerprint) return { state: "mismatch" };
        if (row.response !== null && row.response !== undefined) return { state: "replay", response: responseOf(String(row.response)) };
        return { state: "running", lockedUntil: lockedUntilOf(row.locked_until, c.now) };
      }
      // Released or purged under every try: free a moment ago, so worth trying again at once.
      return { state: "running", lockedUntil: Date.parse(c.now) };
    },
    async complete(userId, key, token, response) {
      const slots = { ...checkedKey("complete", userId, key), token: checkedToken("complete", token), response: responseText("complete", response) };
      return (await run(statements.complete, slots)) === 1;
    },
    async release(userId, key, token) {
      return (await run(statements.release, { ...checkedKey("release", userId, key), token: checkedToken("release", token) })) === 1;
    },
    async purge(before, limit) {
      return run(statements.purge, checkedPurge(before, limit));
    },
  };
}

/**
 * A running claim's lease end in milliseconds: PostgreSQL reads a timestamptz as a Date, SQLite and
 * D1 keep the ISO text. One that cannot be read is taken as ended now (the caller retries at once).
 * @param {unknown} value @param {string} now the claim's instant, ISO
 */
function lockedUntilOf(value, now) {
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value));
  return Number.isFinite(ms) ? ms : Date.parse(now);
}
