// Where the Deno KV store keeps everything, and how big KV lets each piece be. Keys, under
// "connect_provider" (ids lower-case):
//   ["connections", userId, id]        the record without its secret bytes, and how they are split
//   ["connections", userId, id, i]     the i-th chunk of the secret (a value holds 65,536 bytes)
//   ["owners", id]                     userId, for findById
//   ["expiring", epochMs, id]          userId, for an active record whose credentials expire
//   ["event_sequence"]                 the last sequence given to an event
//   ["events", sequence]               an event: its JSON as UTF-8, or the blob holding it
//   ["user_events", userId, sequence]  the same, for events({ userId })
//   ["event_ids", eventId]             { sequence, userId }, for `after`
//   ["event_parts", blobId, i]         the i-th part of an event over one value
//   ["schema"]                         { version, migratedAt }
//   ["idempotency", …], ["idempotency_created", …]   the services' Idempotency-Key records (deno-kv-idempotency.js)
//   ["sync_clients", userId, clientId]  a sync client's last applied mutation (deno-kv-sync.js)
//   ["consumed_events", eventId], ["pending_events", eventId], ["undelivered", eventId]   with { queue: true }: the queue (deno-kv-queue.js)
// A secret's chunks sit under their record's key, so a user's records and secrets are one ordered
// range; every chunk carries the versionstamp of the atomic operation that wrote it with its record,
// which is how a read that straddled a concurrent save is told apart and read again.

export const ROOT = "connect_provider";
/** Deno KV's limits: a value, a key, and one atomic operation's total size. */
export const VALUE_LIMIT = 65_536;
export const KEY_LIMIT = 2_048;
export const ATOMIC_LIMIT = 819_200;
export const MAX_MUTATIONS = 1_000;
/** A secret or an event is split into chunks of this size, each a value of its own. */
export const CHUNK_BYTES = 60_000;
/** A save writes the whole secret in its one atomic operation, under ATOMIC_LIMIT with the record. */
export const MAX_SECRET_CHUNKS = 12;
export const MAX_SECRET_BYTES = MAX_SECRET_CHUNKS * CHUNK_BYTES;
/** An event's parts go in its atomic operation up to this many (with two 60,000-byte copies at most otherwise). */
export const INLINE_EVENT_PARTS = 11;
/** An id is part of several keys; this leaves room for the rest of the longest one. */
export const MAX_ID_BYTES = 500;
/** What the stored record's strings may take of one value, leaving room for the rest of it. */
export const RECORD_TEXT_BUDGET = VALUE_LIMIT - 4_096;

export const LIMITS = `Deno KV holds ${VALUE_LIMIT.toLocaleString("en")} bytes a value, ${KEY_LIMIT.toLocaleString("en")} bytes a key and ${ATOMIC_LIMIT.toLocaleString("en")} bytes an atomic operation`;

/** Each key of the layout above. */
export const key = {
  schema: () => [ROOT, "schema"],
  connections: (/** @type {string} */ userId) => [ROOT, "connections", userId],
  connection: (/** @type {string} */ userId, /** @type {string} */ id) => [ROOT, "connections", userId, id],
  chunk: (/** @type {string} */ userId, /** @type {string} */ id, /** @type {number} */ i) => [ROOT, "connections", userId, id, i],
  owner: (/** @type {string} */ id) => [ROOT, "owners", id],
  expiringAll: () => [ROOT, "expiring"],
  expiringAt: (/** @type {number} */ at) => [ROOT, "expiring", at],
  expiring: (/** @type {number} */ at, /** @type {string} */ id) => [ROOT, "expiring", at, id],
  sequence: () => [ROOT, "event_sequence"],
  events: () => [ROOT, "events"],
  event: (/** @type {number} */ sequence) => [ROOT, "events", sequence],
  userEvents: (/** @type {string} */ userId) => [ROOT, "user_events", userId],
  userEvent: (/** @type {string} */ userId, /** @type {number} */ sequence) => [ROOT, "user_events", userId, sequence],
  eventId: (/** @type {string} */ eventId) => [ROOT, "event_ids", eventId],
  eventPart: (/** @type {string} */ blob, /** @type {number} */ i) => [ROOT, "event_parts", blob, i],
};

/** Copies of `bytes` in CHUNK_BYTES pieces. @param {Uint8Array} bytes */
export function chunksOf(bytes) {
  const chunks = [];
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) chunks.push(bytes.slice(at, at + CHUNK_BYTES));
  return chunks;
}
