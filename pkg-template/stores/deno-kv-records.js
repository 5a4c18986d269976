// A connection as the Deno KV store keeps it: the record checked whole and its secret cut into
// chunks, each checked against KV's limits before anything is written; and read back, told apart
// from a read that straddled a concurrent save (TORN). Ids as keys, and instants as numbers.
import { checkedRecord, recordOf } from "./connection-record.js";
import { ATOMIC_LIMIT, CHUNK_BYTES, LIMITS, MAX_ID_BYTES, MAX_MUTATIONS, MAX_SECRET_BYTES, MAX_SECRET_CHUNKS, RECORD_TEXT_BUDGET, chunksOf } from "./deno-kv-keys.js";
import { concat, kvStoreError } from "./deno-kv-calls.js";

/** @typedef {import("./deno-kv.js").DenoKvEntryMaybe} DenoKvEntryMaybe */
/** @typedef {import("../index.js").ProviderConnectionRecord} ProviderConnectionRecord */
/**
 * What ["connections", userId, id] holds.
 * @typedef {{ record: Record<string, unknown>, secretChunks: number, secretBytes: number, expiring: number | null }} StoredConnection
 */

/** A read that saw part of a concurrent save, to be read again. */
export const TORN = Symbol("torn");

/**
 * The keys and values one save or commit writes, checked against KV's limits before anything is
 * written: the record as stored.record (its secret's bytes apart, as chunks).
 * @param {unknown} record @param {"save" | "commit"} what
 */
export function connectionToStore(record, what) {
  /** @type {Uint8Array | null} */
  let secret = null;
  const stored = checkedRecord(record, `deno-kv store: ${what}`, (bytes) => {
    secret = bytes;
    return null;
  });
  const id = keyId(stored.id, what, "record.id");
  const userId = keyId(stored.userId, what, "record.userId");
  const bytes = /** @type {Uint8Array | null} */ (secret);
  if (bytes !== null && bytes.length > MAX_SECRET_BYTES) {
    throw new RangeError(
      `deno-kv store: ${what}: a secret of ${bytes.length.toLocaleString("en")} bytes is over the ${MAX_SECRET_BYTES.toLocaleString("en")} bytes one save can write (${LIMITS})`,
    );
  }
  const expiresAt = stored.credentials?.expiresAt ?? null;
  const expiring = stored.status === "active" && expiresAt !== null ? instantMs(expiresAt) : null;
  const text = textBytes(stored);
  if (text > RECORD_TEXT_BUDGET) {
    throw new RangeError(`deno-kv store: ${what}: the record's text takes about ${text.toLocaleString("en")} bytes, over the ${RECORD_TEXT_BUDGET.toLocaleString("en")} bytes of one value it may use (${LIMITS})`);
  }
  const chunks = bytes === null ? [] : chunksOf(bytes);
  /** @type {StoredConnection} */
  const value = { record: stored, secretChunks: chunks.length, secretBytes: bytes === null ? 0 : bytes.length, expiring };
  return { what, id, userId, value, chunks, expiring, text };
}

/**
 * A commit is one atomic operation: its record, secret and events must fit in one, or it is refused
 * before anything is written.
 * @param {ReturnType<typeof connectionToStore>} connection @param {{ bytes: Uint8Array }[]} events
 * @param {{ bytes: number, mutations: number, perEvent: number }} extra what else the operation writes
 *   (a completed idempotency key, a client's advance, each event's queue message)
 */
export function refuseOverOneOperation(connection, events, extra) {
  // The owner, the record (and its old key when it moves), the expiry key set and deleted, the
  // event counter; the secret's chunks set and old ones deleted; each event's three keys, its parts
  // and what `extra` adds.
  const perEvent = (/** @type {{ bytes: Uint8Array }} */ { bytes }) => 3 + (bytes.length <= CHUNK_BYTES ? 0 : Math.ceil(bytes.length / CHUNK_BYTES)) + extra.perEvent;
  const mutations = 6 + 2 * MAX_SECRET_CHUNKS + extra.mutations + events.reduce((sum, event) => sum + perEvent(event), 0);
  if (mutations > MAX_MUTATIONS) throw new RangeError(`deno-kv store: commit: ${events.length} events are more than one atomic operation can write (${LIMITS})`);
  // KV counts each key's bytes too, and most keys here hold the ids.
  const utf8 = new TextEncoder();
  const keyBytes = mutations * (utf8.encode(connection.id).length + utf8.encode(connection.userId).length + 64);
  // An event held in its header is kept twice (the log and the user's log); a longer one once, in parts.
  const eventBytes = events.reduce((sum, { bytes }) => sum + (bytes.length <= CHUNK_BYTES ? 2 * bytes.length : bytes.length) + 1_024, 0);
  const total = connection.value.secretBytes + connection.text + eventBytes + extra.bytes + keyBytes + 4_096;
  if (total > ATOMIC_LIMIT) {
    throw new RangeError(
      `deno-kv store: commit: the record and its events take about ${total.toLocaleString("en")} bytes, over the ${ATOMIC_LIMIT.toLocaleString("en")} bytes of one atomic operation (${LIMITS})`,
    );
  }
}

/**
 * The record of a stored value and its chunks, or TORN when a chunk is missing or was written by
 * another save than the record.
 * @param {StoredConnection} stored @param {string} versionstamp @param {DenoKvEntryMaybe[]} chunks @param {string} what
 * @returns {ProviderConnectionRecord | typeof TORN}
 */
export function assemble(stored, versionstamp, chunks, what) {
  let secret = null;
  if (stored.record.credentials != null) {
    const parts = [];
    for (let i = 0; i < stored.secretChunks; i += 1) {
      const chunk = chunks[i];
      if (!chunk || chunk.versionstamp !== versionstamp) return TORN;
      if (!(chunk.value instanceof Uint8Array)) throw kvStoreError(`${what}: a secret chunk of connection ${stored.record.id} is not bytes`);
      parts.push(chunk.value);
    }
    secret = concat(parts, stored.secretBytes);
  }
  return recordOf(stored.record, { secret: () => /** @type {Uint8Array} */ (secret) });
}

/** @param {unknown} value @param {string} what @returns {StoredConnection} */
export function storedConnection(value, what) {
  const stored = /** @type {any} */ (value);
  if (
    stored === null || typeof stored !== "object" || stored.record === null || typeof stored.record !== "object" ||
    !Number.isSafeInteger(stored.secretChunks) || !Number.isSafeInteger(stored.secretBytes)
  ) {
    throw kvStoreError(`${what}: a connection key holds a value this store did not write`);
  }
  return stored;
}

/** A lower-case id for a key, short enough for KV's key limit. @param {unknown} value @param {string} what @param {string} field */
export function keyId(value, what, field) {
  if (typeof value !== "string" || value.length === 0) throw new TypeError(`deno-kv store: ${what}: ${field} must be a non-empty string`);
  const id = value.toLowerCase();
  if (new TextEncoder().encode(id).length > MAX_ID_BYTES) {
    throw new RangeError(`deno-kv store: ${what}: ${field} is over ${MAX_ID_BYTES} bytes, too long for its keys (${LIMITS})`);
  }
  return id;
}

/** An id looked up: one that no save could have written finds nothing. @param {unknown} value @param {string} what @param {string} field */
export function lookupId(value, what, field) {
  if (typeof value !== "string") throw new TypeError(`deno-kv store: ${what}: ${field} must be a string`);
  const id = value.toLowerCase();
  // Longer than any saved id: a key that names nothing.
  return new TextEncoder().encode(id).length > MAX_ID_BYTES ? "" : id;
}

/** Milliseconds since the epoch of an ISO string or a Date, or null. @param {unknown} value */
export function instantMs(value) {
  const ms = typeof value === "string" ? Date.parse(value) : value instanceof Date ? value.getTime() : Number.NaN;
  return Number.isFinite(ms) ? ms : null;
}

/** An upper bound of what the strings of a value take once KV serializes it (two bytes a UTF-16 unit). @param {unknown} value @returns {number} */
function textBytes(value) {
  if (typeof value === "string") return 2 * value.length + 8;
  if (value === null || typeof value !== "object") return 16;
  return Object.entries(value).reduce((sum, [name, field]) => sum + textBytes(name) + textBytes(field), 16);
}
