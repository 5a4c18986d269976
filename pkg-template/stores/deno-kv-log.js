// The Deno KV store's event log: each event filed at the next number of one counter, in the
// log and in its user's log, with its eventId for `after`; an event over one value in parts under a
// blob id only its header names. A publish appends one event; a commit files its events in the
// atomic operation that writes its record (deno-kv-write.js).
import { CHUNK_BYTES, INLINE_EVENT_PARTS, chunksOf, key } from "./deno-kv-keys.js";
import { GET_MANY, WRITE_TRIES, backoff, concat, getAll, kvCall, kvStoreError, messageOf, refuseLate } from "./deno-kv-calls.js";

/** @typedef {import("./deno-kv.js").DenoKv} DenoKv */
/** @typedef {import("./deno-kv.js").DenoKvKey} DenoKvKey */
/** @typedef {import("./deno-kv.js").DenoKvEntryMaybe} DenoKvEntryMaybe */
/** @typedef {import("./deno-kv.js").DenoKvAtomicOperation} DenoKvAtomicOperation */
/**
 * What ["events", sequence] and ["user_events", userId, sequence] hold.
 * @typedef {{ eventId: string, userId: string, byteLength: number, data: Uint8Array | null, blob: string | null, parts: number }} StoredEvent
 */
/**
 * With a queue, what adds an event's message to the operation that files it (deno-kv-queue.js).
 * @typedef {((op: DenoKvAtomicOperation, filing: Filing, sequence: number) => void) | null} Enqueue
 */
/** An event as the log files it. @typedef {ReturnType<typeof eventFiling>} Filing */

/**
 * Appends one event: the next sequence, both copies of its header and its eventId in one atomic
 * operation, checked against the sequence and the eventId read. Parts too many for that operation
 * are written first, under a blob id only the header names, so nothing is visible until it commits.
 * @param {DenoKv} kv @param {string} eventId @param {string} userId @param {Uint8Array} bytes @param {Enqueue} enqueue
 * @param {number} deadline when it gives up (a performance.now() instant: a wall clock set back would stretch it)
 */
export async function append(kv, eventId, userId, bytes, enqueue, deadline) {
  const filing = eventFiling(eventId, userId, bytes);
  const staged = filing.parts.length > INLINE_EVENT_PARTS;
  /** Whether a commit of the header is under way or failed unknown, so that it may have landed: its parts must then stay. */
  let perhapsFiled = false;
  try {
    if (staged) {
      for (let i = 0; i < filing.parts.length; i += INLINE_EVENT_PARTS) {
        await kvCall("publish", () => {
          const op = kv.atomic();
          filing.parts.slice(i, i + INLINE_EVENT_PARTS).forEach((part, j) => op.set(key.eventPart(/** @type {string} */ (filing.header.blob), i + j), part));
          return op.commit();
        }, deadline);
      }
    }
    for (let attempt = 1; ; attempt += 1) {
      refuseLate("publish", deadline);
      const [counter, filed] = await kvCall("publish", () => kv.getMany([key.sequence(), key.eventId(eventId)]), deadline);
      if (filed.versionstamp !== null) throw kvStoreError(`publish: the log already has an event with eventId ${eventId}`);
      const last = lastSequence(counter, "publish");
      const result = await kvCall("publish", () => {
        const op = kv.atomic().check(counter, filed);
        fileEvent(op, filing, last + 1, !staged, enqueue);
        perhapsFiled = true;
        return op.set(key.sequence(), last + 1).commit().then(
          (answer) => {
            perhapsFiled = false;
            return answer;
          },
          (error) => {
            // A locked file committed nothing; anything else may have.
            if (/database is locked|SQLITE_BUSY/i.test(messageOf(error))) perhapsFiled = false;
            throw error;
          },
        );
      }, deadline);
      if (result.ok) return;
      if (attempt >= WRITE_TRIES) throw kvStoreError(`publish: the event sequence kept changing under other writers (${WRITE_TRIES} tries)`);
      await backoff(attempt);
    }
  } catch (error) {
    // Refused for sure (a duplicate, its time up, the checks failing every try, a locked file): the
    // parts written for it would be kept for good under a blob no header names, so they go (as far
    // as KV lets them).
    if (staged && !perhapsFiled) await dropParts(kv, filing).catch(() => {});
    throw error;
  }
}

/** Deletes the staged parts of an event that was not filed. @param {DenoKv} kv @param {Filing} filing */
async function dropParts(kv, filing) {
  for (let i = 0; i < filing.parts.length; i += INLINE_EVENT_PARTS) {
    const op = kv.atomic();
    for (let j = i; j < Math.min(i + INLINE_EVENT_PARTS, filing.parts.length); j += 1) op.delete(key.eventPart(/** @type {string} */ (filing.header.blob), j));
    await op.commit();
  }
}

/**
 * An event as the log files it: its header (holding its bytes, or naming the blob of its parts).
 * @param {string} eventId @param {string} userId @param {Uint8Array} bytes
 */
export function eventFiling(eventId, userId, bytes) {
  const parts = bytes.length <= CHUNK_BYTES ? [] : chunksOf(bytes);
  const blob = parts.length > 0 ? crypto.randomUUID() : null;
  /** @type {StoredEvent} */
  const header = { eventId, userId, byteLength: bytes.length, data: blob === null ? bytes : null, blob, parts: parts.length };
  return { eventId, userId, header, parts };
}

/**
 * Adds an event's keys at `sequence` to an atomic operation (its parts too, unless written before),
 * and its queue message when the store enqueues.
 * @param {DenoKvAtomicOperation} op @param {Filing} filing @param {number} sequence @param {boolean} withParts
 * @param {Enqueue} enqueue
 */
export function fileEvent(op, filing, sequence, withParts, enqueue) {
  const { eventId, userId, header, parts } = filing;
  op.set(key.event(sequence), header).set(key.userEvent(userId, sequence), header).set(key.eventId(eventId), { sequence, userId });
  if (withParts) parts.forEach((part, i) => op.set(key.eventPart(/** @type {string} */ (header.blob), i), part));
  enqueue?.(op, filing, sequence);
}

/** The last sequence given, from the counter's entry. @param {DenoKvEntryMaybe} counter @param {string} what */
export function lastSequence(counter, what) {
  const last = counter.versionstamp === null ? 0 : counter.value;
  if (typeof last !== "number" || !Number.isSafeInteger(last)) throw kvStoreError(`${what}: the event sequence key holds a value this store did not write`);
  return last;
}

/**
 * The event counter, then each event's eventId entry, for a commit to check that none is filed yet:
 * one getMany (one snapshot) when they fit it. Past that, the counter is read first: getMany's
 * batches each read a snapshot of their own, so an eventId another writer files between two of
 * them could be read absent by one and its counter move missed by the other, and the commit's
 * check of the counter would pass with the event filed twice.
 * @param {DenoKv} kv @param {{ eventId: string }[]} filings @param {string} what @param {number} deadline
 * @returns {Promise<DenoKvEntryMaybe[]>}
 */
export async function readLog(kv, filings, what, deadline) {
  const ids = filings.map((filing) => key.eventId(filing.eventId));
  if (ids.length < GET_MANY) return kvCall(what, () => kv.getMany([key.sequence(), ...ids]), deadline);
  const counter = await kvCall(what, () => kv.get(key.sequence()), deadline);
  return [counter, ...(await getAll(kv, ids, what, deadline))];
}

/** The event as it was published, from its header and, for a large one, its blob's parts. @param {DenoKv} kv @param {StoredEvent} header */
export async function readEvent(kv, header) {
  let bytes = header.data;
  if (bytes === null) {
    const blob = /** @type {string} */ (header.blob);
    const parts = await getAll(kv, Array.from({ length: header.parts }, (_, i) => key.eventPart(blob, i)), "events");
    const missing = parts.findIndex((part) => !(part.value instanceof Uint8Array));
    if (missing !== -1) throw kvStoreError(`events: part ${missing} of event ${header.eventId} is missing`);
    bytes = concat(parts.map((part) => /** @type {Uint8Array} */ (part.value)), header.byteLength);
  }
  return parseEvent(bytes, header.eventId);
}

/** An event from its logged bytes. @param {Uint8Array} bytes @param {string} eventId */
export function parseEvent(bytes, eventId) {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw kvStoreError(`events: event ${eventId} is not readable: ${messageOf(error)}`, error);
  }
}

/** @param {unknown} value @param {DenoKvKey} at @returns {StoredEvent} */
export function storedEvent(value, at) {
  const stored = /** @type {any} */ (value);
  const usable = stored !== null && typeof stored === "object" && typeof stored.eventId === "string" &&
    Number.isSafeInteger(stored.byteLength) && (stored.data instanceof Uint8Array || (typeof stored.blob === "string" && Number.isSafeInteger(stored.parts)));
  if (!usable) throw kvStoreError(`events: the key ${JSON.stringify(at.map(String))} holds a value this store did not write`);
  return stored;
}
