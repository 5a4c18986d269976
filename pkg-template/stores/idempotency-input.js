// What `store.idempotency` takes, checked the same way by every store before the database is asked
// anything: a bad argument is a TypeError or a RangeError naming it. The answer kept for a key is
// stored as JSON text, so every store holds it alike and reads back exactly what was given.

/** The longest key, as the Idempotency-Key draft and Stripe allow. */
export const MAX_KEY_LENGTH = 255;
/** A caller's id (a token's subject) is far shorter; this bounds what a key in Deno KV carries. */
export const MAX_USER_ID_LENGTH = 255;
export const MAX_FINGERPRINT_LENGTH = 128;
/** An answer kept for a replay, as JSON: under one Deno KV value, with room for the rest of the entry. */
export const MAX_RESPONSE_BYTES = 60_000;
export const MAX_PURGE_LIMIT = 1_000;
/** A claim's lease covers one request's run; an hour bounds how long a crashed one keeps its key. */
export const MAX_CLAIM_LEASE_MS = 3_600_000;

/**
 * @param {string} what `"claim"`, `"complete"` …
 * @param {string} field
 * @param {unknown} value
 * @param {number} max
 */
function text(what, field, value, max) {
  if (typeof value !== "string" || value === "") throw new TypeError(`idempotency.${what}: ${field} must be a non-empty string`);
  if (value.length > max) throw new RangeError(`idempotency.${what}: ${field} is over ${max} characters`);
  // PostgreSQL's text cannot hold U+0000; no store takes what one of them cannot.
  if (value.includes("\u0000")) throw new RangeError(`idempotency.${what}: ${field} contains U+0000`);
  return value;
}

/** @param {string} what @param {unknown} userId @param {unknown} key */
export function checkedKey(what, userId, key) {
  return { userId: text(what, "userId", userId, MAX_USER_ID_LENGTH), key: text(what, "key", key, MAX_KEY_LENGTH) };
}

/** @param {string} what @param {unknown} token */
export function checkedToken(what, token) {
  return text(what, "token", token, 64);
}

/**
 * The arguments of claim().
 * @param {unknown} userId @param {unknown} key @param {unknown} fingerprint @param {unknown} now @param {unknown} leaseMs
 */
export function checkedClaim(userId, key, fingerprint, now, leaseMs) {
  const at = instant("claim", "now", now);
  if (!Number.isSafeInteger(leaseMs) || /** @type {number} */ (leaseMs) < 1 || /** @type {number} */ (leaseMs) > MAX_CLAIM_LEASE_MS) {
    throw new RangeError(`idempotency.claim: leaseMs must be a whole number of milliseconds from 1 to ${MAX_CLAIM_LEASE_MS} (an hour)`);
  }
  return {
    ...checkedKey("claim", userId, key),
    fingerprint: text("claim", "fingerprint", fingerprint, MAX_FINGERPRINT_LENGTH),
    now: new Date(at).toISOString(),
    lockedUntil: new Date(at + /** @type {number} */ (leaseMs)).toISOString(),
  };
}

/**
 * An answer to keep, as the JSON text every store holds: `status` a whole number from 100 to 599,
 * `body` any JSON value or absent, `headers` names to strings or absent.
 * @param {string} what @param {unknown} response
 */
export function responseText(what, response) {
  if (response === null || typeof response !== "object" || Array.isArray(response)) throw new TypeError(`idempotency.${what}: response must be an object`);
  const { status, body, headers } = /** @type {Record<string, unknown>} */ (response);
  if (!Number.isInteger(status) || /** @type {number} */ (status) < 100 || /** @type {number} */ (status) > 599) {
    throw new RangeError(`idempotency.${what}: response.status must be a whole number from 100 to 599`);
  }
  if (headers !== undefined && (headers === null || typeof headers !== "object" || Object.values(headers).some((value) => typeof value !== "string"))) {
    throw new TypeError(`idempotency.${what}: response.headers must map names to strings`);
  }
  let json;
  try {
    json = JSON.stringify({ status, ...(body === undefined ? {} : { body }), ...(headers === undefined ? {} : { headers }) });
  } catch (error) {
    throw new TypeError(`idempotency.${what}: response cannot be written as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (new TextEncoder().encode(json).length > MAX_RESPONSE_BYTES) throw new RangeError(`idempotency.${what}: response is over ${MAX_RESPONSE_BYTES} bytes of JSON`);
  return json;
}

/** The answer kept, from its JSON text. @param {string} json */
export function responseOf(json) {
  return JSON.parse(json);
}

/**
 * The arguments of purge(): records claimed before `before` (epoch ms), at most `limit` of them.
 * @param {unknown} before @param {unknown} limit
 */
export function checkedPurge(before, limit) {
  const at = instant("purge", "before", before);
  if (!Number.isInteger(limit) || /** @type {number} */ (limit) < 1 || /** @type {number} */ (limit) > MAX_PURGE_LIMIT) {
    throw new RangeError(`idempotency.purge: limit must be a whole number from 1 to ${MAX_PURGE_LIMIT}`);
  }
  return { before: new Date(at).toISOString(), limit: /** @type {number} */ (limit) };
}

/** Milliseconds since the epoch, within what an ISO string can write. @param {string} what @param {string} field @param {unknown} value */
function instant(what, field, value) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 253_402_300_799_999) {
    throw new RangeError(`idempotency.${what}: ${field} must be milliseconds since the epoch (a whole number, years 1970 to 9999)`);
  }
  return value;
}

/** The token of a new claim: only its holder may complete or release it. */
export const newToken = () => crypto.randomUUID();

/**
 * A commit's `idempotency` option checked whole, before anything is written: the claim it completes
 * and the answer it keeps for that key.
 * @param {string} where `"sqlite store: commit"` …
 * @param {unknown} completion
 * @returns {{ userId: string, key: string, token: string, response: string } | null}
 */
export function checkedCompletion(where, completion) {
  if (completion === undefined || completion === null) return null;
  if (typeof completion !== "object") throw new TypeError(`${where}: options.idempotency must be an object`);
  const { userId, key, token, response } = /** @type {Record<string, unknown>} */ (completion);
  return { ...checkedKey("complete", userId, key), token: checkedToken("complete", token), response: responseText("complete", response) };
}

/**
 * The refusal of a commit whose claim is no longer its own (its lease ran out and another request
 * took the key): nothing is written, so the command runs once, under the request that holds the key.
 * @param {string} where
 */
export function claimLost(where) {
  return new Error(`${where}: the idempotency key's claim is no longer this request's (its lease ran out); nothing was written`);
}
