// What every store's `outbox` takes, checked the same way before any database sees it, and its rows
// read back the same way: an instant as toISOString writes it, an event as `events()` gives it.

export const MAX_OUTBOX_BATCH = 1000;
export const MAX_LEASE_MS = 10 * 60_000;
const MAX_ERROR_CHARS = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** @param {string} what @param {string} detail */
const refused = (what, detail) => new RangeError(`outbox.${what}: ${detail}`);

/** @param {string} what @param {unknown} holder */
export function checkedHolder(what, holder) {
  if (typeof holder !== "string" || holder.length === 0 || holder.length > 100 || holder.includes("\u0000")) {
    throw refused(what, "holder must be a string of 1 to 100 characters");
  }
  return holder;
}

/** The last instant ISO text writes with a four-digit year: the stores compare instants as that text. */
const LAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Milliseconds since the epoch of a number, a Date or an ISO instant; NaN for anything else. @param {unknown} value */
const instantMs = (value) =>
  typeof value === "number" ? value : value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : NaN;

/**
 * An instant (milliseconds, a Date or an ISO instant) in the years 1970 to 9999, whose ISO texts
 * sort as the instants do; a RangeError naming the method and the field for anything else.
 * @param {string} what @param {string} field @param {unknown} value
 */
function checkedMs(what, field, value) {
  const ms = instantMs(value);
  if (!Number.isFinite(ms) || ms < 0 || ms > LAST_MS) {
    throw refused(what, `${field} must be milliseconds since the epoch, a Date or an ISO instant, in the years 1970 to 9999`);
  }
  return ms;
}

/** A method's `now`, as ISO text. @param {string} what @param {unknown} now */
export const checkedNow = (what, now) => new Date(checkedMs(what, "now", now)).toISOString();

/**
 * `now` and the lease's end, both as ISO text.
 * @param {unknown} now @param {unknown} leaseMs
 */
export function checkedLease(now, leaseMs) {
  const ms = checkedMs("lease", "now", now);
  if (typeof leaseMs !== "number" || !Number.isSafeInteger(leaseMs) || leaseMs < 1 || leaseMs > MAX_LEASE_MS) {
    throw refused("lease", `leaseMs must be a whole number from 1 to ${MAX_LEASE_MS}`);
  }
  if (ms + leaseMs > LAST_MS) throw refused("lease", "now and leaseMs must end the lease by the year 9999");
  return { at: new Date(ms).toISOString(), until: new Date(ms + leaseMs).toISOString() };
}

/** @param {string} what @param {unknown} limit */
export function checkedLimit(what, limit) {
  if (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 1 || limit > MAX_OUTBOX_BATCH) {
    throw refused(what, `limit must be a whole number from 1 to ${MAX_OUTBOX_BATCH}`);
  }
  return limit;
}

/** Event ids, lower-cased as the log holds them. @param {string} what @param {unknown} ids @returns {string[]} */
export function checkedIds(what, ids) {
  if (!Array.isArray(ids) || ids.length > MAX_OUTBOX_BATCH) throw refused(what, `eventIds must be an array of at most ${MAX_OUTBOX_BATCH} ids`);
  return ids.map((id) => {
    if (typeof id !== "string" || !UUID.test(id)) throw refused(what, "an event id must be a UUID");
    return id.toLowerCase();
  });
}

/**
 * A failed delivery: its error's message (cut to 500 characters), when to try again, and whether
 * the event is set aside for an operator instead.
 * @param {unknown} failure
 */
export function checkedFailure(failure) {
  const { error, nextAttemptAt, setAside } = /** @type {Record<string, unknown>} */ (failure ?? {});
  if (typeof error !== "string") throw refused("failed", "error must be a string");
  const next = checkedMs("failed", "nextAttemptAt", nextAttemptAt);
  if (typeof setAside !== "boolean") throw refused("failed", "setAside must be a boolean");
  return { error: error.replaceAll("\u0000", "").slice(0, MAX_ERROR_CHARS), nextAttemptAt: new Date(next).toISOString(), setAside };
}

/** An instant as the stores write them, from text (SQLite, D1) or a Date (PostgreSQL). @param {unknown} value */
export const instantText = (value) => (value instanceof Date ? value.toISOString() : String(value));

/** The log's payload: JSON text (SQLite, D1, Deno KV) or the object PostgreSQL's json parses. @param {unknown} payload */
const eventOf = (payload) => (typeof payload === "string" ? JSON.parse(payload) : payload);

/** A pending row. @param {Record<string, any>} row @returns {import("./index.js").OutboxEntry} */
export const entryOf = (row) => ({
  event: eventOf(row.payload),
  attempts: Number(row.attempts),
  nextAttemptAt: row.next_attempt_at === null || row.next_attempt_at === undefined ? null : instantText(row.next_attempt_at),
});

/** A row set aside. @param {Record<string, any>} row @returns {import("./index.js").SetAsideEntry} */
export const setAsideOf = (row) => ({
  event: eventOf(row.payload),
  attempts: Number(row.attempts),
  lastError: row.last_error ?? "",
  setAsideAt: instantText(row.set_aside_at),
});
