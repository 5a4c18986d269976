// The store over Deno KV (`await Deno.openKv()`, locally a SQLite file, on Deno Deploy
// FoundationDB). KV has no schema and no secondary indexes, so the store keeps its own, written in
// the same atomic operation as what they index, each save checked against the versionstamps it read
// (so the version it compared is still the one stored when it writes). A commit writes the record
// and its events to the log in that one atomic operation too.
//
// Keys, under "connect_provider" (ids lower-case):
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
import { checkedRecord, ownerOf, recordOf, storedVersion } from "./connection-record.js";
import { commitEventColumns, eventColumns, eventQuery, unknownAfter } from "./event-query.js";
import { kvIdempotency } from "./deno-kv-idempotency.js";
import { kvSync } from "./deno-kv-sync.js";
import { checkedMutation } from "./sync-input.js";
import { checkedCompletion } from "./idempotency-input.js";
import { enqueueEvent, kvEventQueue, queueKeys, queueOptions } from "./deno-kv-queue.js";

/** @typedef {import("./deno-kv.js").DenoKv} DenoKv */
/** @typedef {import("./deno-kv.js").DenoKvKey} DenoKvKey */
/** @typedef {import("./deno-kv.js").DenoKvEntryMaybe} DenoKvEntryMaybe */
/** @typedef {import("./deno-kv.js").DenoKvAtomicOperation} DenoKvAtomicOperation */
/** @typedef {import("../index.js").ProviderConnectionRecord} ProviderConnectionRecord */
/**
 * What ["connections", userId, id] holds.
 * @typedef {{ record: Record<string, unknown>, secretChunks: number, secretBytes: number, expiring: number | null }} StoredConnection
 */
/**
 * What ["events", sequence] and ["user_events", userId, sequence] hold.
 * @typedef {{ eventId: string, userId: string, byteLength: number, data: Uint8Array | null, blob: string | null, parts: number }} StoredEvent
 */

const ROOT = "connect_provider";
const SCHEMA_VERSION = 1;
/** Deno KV's limits: a value, a key, and one atomic operation's total size. */
const VALUE_LIMIT = 65_536;
const KEY_LIMIT = 2_048;
const ATOMIC_LIMIT = 819_200;
const MAX_MUTATIONS = 1_000;
/** A secret or an event is split into chunks of this size, each a value of its own. */
const CHUNK_BYTES = 60_000;
/** A save writes the whole secret in its one atomic operation, under ATOMIC_LIMIT with the record. */
const MAX_SECRET_CHUNKS = 12;
const MAX_SECRET_BYTES = MAX_SECRET_CHUNKS * CHUNK_BYTES;
/** An event's parts go in its atomic operation up to this many (with two 60,000-byte copies at most otherwise). */
const INLINE_EVENT_PARTS = 11;
/** An id is part of several keys; this leaves room for the rest of the longest one. */
const MAX_ID_BYTES = 500;
/** What the stored record's strings may take of one value, leaving room for the rest of it. */
const RECORD_TEXT_BUDGET = VALUE_LIMIT - 4_096;
/** getMany reads at most 10 keys at once. */
const GET_MANY = 10;
/** Tries of a write whose checks another writer made fail, and of a read that straddled a write. */
const WRITE_TRIES = 100;
const READ_TRIES = 20;
/** How long a read waits for a local KV file another process has locked. */
const BUSY_WAIT_MS = 10_000;
/**
 * How long a write may take from its call (its turn in this process, a locked KV file, other
 * writers' retries) before it gives up: under the service's 5 s handler deadline and the handlers'
 * default 10 s, so a write the handler gave up on, and answered and logged as failed, never lands
 * after it (the SQLite store's LOCK_WAIT_MS is the same).
 */
const WRITE_WAIT_MS = 4_000;
/** findExpiringBefore loads this many records at once. */
const LOAD_CONCURRENCY = 16;

const LIMITS = `Deno KV holds ${VALUE_LIMIT.toLocaleString("en")} bytes a value, ${KEY_LIMIT.toLocaleString("en")} bytes a key and ${ATOMIC_LIMIT.toLocaleString("en")} bytes an atomic operation`;

const key = {
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

/** @typedef {((op: DenoKvAtomicOperation, filing: ReturnType<typeof eventFiling>, sequence: number) => void) | null} Enqueue */

/** A read that saw part of a concurrent save, to be read again. */
const TORN = Symbol("torn");

/**
 * @param {DenoKv} kv
 * @param {{ queue?: boolean | { backoffSchedule?: number[] } }} [options] `queue` enqueues each logged
 *   event in the atomic operation that logs it, for `store.queue.listen` (with KV's retry schedule, or
 *   this one)
 * @returns {import("./deno-kv.js").DenoKvConnectionStore}
 */
export function denoKvStore(kv, options = {}) {
  if (!kv || typeof kv.get !== "function" || typeof kv.getMany !== "function" || typeof kv.list !== "function" || typeof kv.atomic !== "function") {
    throw new TypeError("denoKvStore: kv must be a Deno.Kv (from Deno.openKv())");
  }
  const queueing = queueOptions(options);
  const queues = queueKeys(ROOT);
  /** With a queue, what adds an event's message to the operation that logs it. */
  const enqueue = queueing === null
    ? null
    : (/** @type {DenoKvAtomicOperation} */ op, /** @type {ReturnType<typeof eventFiling>} */ filing, /** @type {number} */ sequence) =>
      enqueueEvent(op, filing, sequence, queues, queueing.backoffSchedule);

  /**
   * The record at ["connections", userId, id], with its secret, read consistently; null when there is none.
   * @param {string} userId @param {string} id @param {string} what
   */
  async function loadRecord(userId, id, what) {
    for (let attempt = 1; attempt <= READ_TRIES; attempt += 1) {
      const entry = await kvCall(what, () => kv.get(key.connection(userId, id)));
      if (entry.versionstamp === null) return null;
      const stored = storedConnection(entry.value, what);
      const chunks = await getAll(kv, Array.from({ length: stored.secretChunks }, (_, i) => key.chunk(userId, id, i)), what);
      const record = assemble(stored, /** @type {string} */ (entry.versionstamp), chunks, what);
      if (record !== TORN) return record;
    }
    throw kvStoreError(`${what}: connection ${id} kept changing while it was read (${READ_TRIES} tries)`);
  }

  /** @param {string} connectionId */
  async function findById(connectionId) {
    const id = lookupId(connectionId, "findById", "connectionId");
    for (let attempt = 1; attempt <= READ_TRIES; attempt += 1) {
      const owner = await kvCall("findById", () => kv.get(key.owner(id)));
      if (owner.versionstamp === null) return null;
      if (typeof owner.value !== "string") throw kvStoreError(`findById: the owner of connection ${id} is not a user id this store wrote`);
      const record = await loadRecord(owner.value, id, "findById");
      // The record moved to another user between the two reads: read its owner again.
      if (record !== null) return record;
    }
    throw kvStoreError(`findById: connection ${id} kept changing while it was read (${READ_TRIES} tries)`);
  }

  /**
   * findById for one user: `false`, read no further than its owner, when the connection is another
   * user's; so another user's id costs what a missing one does (one read).
   * @param {string} connectionId @param {string} userId
   */
  async function findOwned(connectionId, userId) {
    const id = lookupId(connectionId, "findOwned", "connectionId");
    const user = ownerOf(userId, "deno-kv store: findOwned").toLowerCase();
    for (let attempt = 1; attempt <= READ_TRIES; attempt += 1) {
      const owner = await kvCall("findOwned", () => kv.get(key.owner(id)));
      if (owner.versionstamp === null) return null;
      if (typeof owner.value !== "string") throw kvStoreError(`findOwned: the owner of connection ${id} is not a user id this store wrote`);
      if (owner.value.toLowerCase() !== user) return false;
      const record = await loadRecord(owner.value, id, "findOwned");
      // The record moved to another user between the two reads: read its owner again.
      if (record !== null) return record;
    }
    throw kvStoreError(`findOwned: connection ${id} kept changing while it was read (${READ_TRIES} tries)`);
  }

  /** Every record of the user, from one ordered range of records and their chunks. @param {string} userId */
  async function findByUserId(userId, what = "findByUserId") {
    const user = lookupId(userId, what, "userId");
    /** @type {{ id: string, entry: DenoKvEntryMaybe, chunks: DenoKvEntryMaybe[] }[]} */
    const found = [];
    await kvCall(what, async () => {
      // A retry (a locked KV file) reads the range again from its start.
      found.length = 0;
      for await (const entry of kv.list({ prefix: key.connections(user) }, { batchSize: 1000 })) {
        const [, , , id, index] = entry.key;
        if (typeof id !== "string") throw kvStoreError(`${what}: a key this store did not write is under the user's connections`);
        if (entry.key.length === 4) found.push({ id, entry, chunks: [] });
        else if (found.length > 0 && found[found.length - 1].id === id && typeof index === "number") found[found.length - 1].chunks[index] = entry;
        // A chunk without its record was read in another page than a save that moved it: the
        // records of this id are read again below if it is still the user's.
        else found.push({ id, entry: { key: key.connection(user, id), value: null, versionstamp: null }, chunks: [] });
      }
    });
    /** @type {ProviderConnectionRecord[]} */
    const records = [];
    for (const { id, entry, chunks } of found) {
      const read = entry.versionstamp === null ? TORN : assemble(storedConnection(entry.value, what), entry.versionstamp, chunks, what);
      const record = read === TORN ? await loadRecord(user, id, what) : read;
      if (record !== null) records.push(record);
    }
    return records;
  }

  /**
   * Serializes this instance's appends to the log (publish and commit), so that they do not fail
   * each other's checks on the sequence counter.
   */
  let appending = Promise.resolve();
  /** @template T @param {() => Promise<T>} work @returns {Promise<T>} */
  const inTurn = (work) => {
    const run = appending.then(work);
    appending = run.catch(() => {});
    return run;
  };

  const eventBus = {
    /** @param {import("../index.js").ProviderEvent} event */
    async publish(event) {
      const { eventId, userId, json } = eventColumns(event);
      const bytes = new TextEncoder().encode(json);
      const deadline = performance.now() + WRITE_WAIT_MS;
      return inTurn(() => append(kv, eventId, userId, bytes, enqueue, deadline));
    },
  };
  const idempotency = kvIdempotency(kv, kvCall, backoff);
  const sync = kvSync(kv, kvCall);

  return {
    repository: {
      async save(record) {
        return writeConnection(kv, connectionToStore(record, "save"), [], null, enqueue, performance.now() + WRITE_WAIT_MS);
      },
      async commit(record, events, options) {
        const connection = connectionToStore(record, "commit");
        const appends = commitEventColumns(events, "deno-kv store: commit").map(({ eventId, userId, json }) => ({
          eventId, userId, bytes: new TextEncoder().encode(json),
        }));
        const completion = checkedCompletion("deno-kv store: commit", options?.idempotency);
        const mutation = checkedMutation("deno-kv store: commit", options?.mutation);
        // What else the operation writes: a completed key's answer, a client's advance, each event's message.
        const queued = enqueue === null ? 0 : appends.reduce((sum, { bytes }) => sum + Math.min(bytes.length, 32 * 1024) + 256, 0);
        refuseOverOneOperation(connection, appends, {
          // The answer is kept as its UTF-8 bytes (deno-kv-idempotency.js).
          bytes: (completion === null ? 0 : new TextEncoder().encode(completion.response).length + 1_024) + (mutation === null ? 0 : 512) + queued,
          // The key's answer and the client's advance: a set each; each event's message and its pending mark: two.
          mutations: (completion === null ? 0 : 1) + (mutation === null ? 0 : 1),
          perEvent: enqueue === null ? 0 : 2,
        });
        // The answer kept for the request's key, and the sync client's advance, go in the same
        // atomic operation as what they answer: each read (again at each try), then added to it.
        const steps = [
          ...(completion === null ? [] : [() => idempotency.completionStep(completion, "commit")]),
          ...(mutation === null ? [] : [() => sync.advanceStep(mutation)]),
        ];
        const complete = steps.length === 0
          ? null
          : async () => {
            const adders = [];
            for (const step of steps) adders.push(await step());
            return (/** @type {DenoKvAtomicOperation} */ op) => adders.forEach((add) => add(op));
          };
        const deadline = performance.now() + WRITE_WAIT_MS;
        return inTurn(() => writeConnection(kv, connection, appends, complete, enqueue, deadline));
      },
      findById,
      findOwned,
      findByUserId: (userId) => findByUserId(userId),
      async findActiveByUser(userId) {
        return (await findByUserId(userId, "findActiveByUser")).filter((record) => record.status === "active");
      },
      async findExpiringBefore(instant) {
        const bound = instantMs(instant);
        if (bound === null) throw new TypeError("deno-kv store: findExpiringBefore: instant must be an ISO instant string");
        /** @type {{ userId: string, id: string }[]} */
        const expiring = [];
        await kvCall("findExpiringBefore", async () => {
          expiring.length = 0;
          // The end is exclusive and instants are whole milliseconds: bound + 1 ends the range at the bound.
          for await (const entry of kv.list({ prefix: key.expiringAll(), end: key.expiringAt(bound + 1) }, { batchSize: 1000 })) {
            const id = entry.key[3];
            if (typeof id !== "string" || typeof entry.value !== "string") throw kvStoreError("findExpiringBefore: an expiring key this store did not write");
            expiring.push({ userId: entry.value, id });
          }
        });
        /** @type {ProviderConnectionRecord[]} */
        const records = [];
        for (let i = 0; i < expiring.length; i += LOAD_CONCURRENCY) {
          const loaded = await Promise.all(expiring.slice(i, i + LOAD_CONCURRENCY).map(({ userId, id }) => loadRecord(userId, id, "findExpiringBefore")));
          // A record saved again since the range was read is answered as it is now.
          for (const record of loaded) {
            if (record === null || record.status !== "active") continue;
            const at = record.credentials ? instantMs(record.credentials.expiresAt) : null;
            if (at !== null && at <= bound) records.push(record);
          }
        }
        return records;
      },
      eventBus,
    },
    eventBus,
    idempotency: idempotency.store,
    sync: sync.store,
    ...(enqueue === null
      ? {}
      : {
        queue: kvEventQueue(kv, {
          keys: queues,
          async eventAt(sequence) {
            const entry = await kvCall("queue", () => kv.get(key.event(sequence)));
            if (entry.versionstamp === null) throw kvStoreError(`queue: the log has no event at ${sequence}`);
            return readEvent(kv, storedEvent(entry.value, entry.key));
          },
          decode: parseEvent,
          backoffSchedule: queueing?.backoffSchedule,
        }),
      }),
    async events(query) {
      const { userId, after, limit } = eventQuery(query);
      let from = 0;
      if (after !== null) {
        const found = await kvCall("events", () => kv.get(key.eventId(after)));
        const filed = /** @type {{ sequence?: unknown, userId?: unknown } | null} */ (found.value);
        if (!filed || typeof filed.sequence !== "number" || (userId !== null && filed.userId !== userId)) throw unknownAfter();
        from = filed.sequence;
      }
      const prefix = userId === null ? key.events() : key.userEvents(userId);
      /** @type {StoredEvent[]} */
      const headers = [];
      await kvCall("events", async () => {
        headers.length = 0;
        for await (const entry of kv.list({ prefix, start: [...prefix, from + 1] }, { limit, batchSize: Math.min(limit, 1000) })) {
          headers.push(storedEvent(entry.value, entry.key));
        }
      });
      const events = [];
      for (const header of headers) events.push(await readEvent(kv, header));
      return events;
    },
    async migrate() {
      for (let attempt = 1; ; attempt += 1) {
        const schema = await kvCall("migrate", () => kv.get(key.schema()));
        const version = /** @type {{ version?: unknown } | null} */ (schema.value)?.version;
        if (schema.versionstamp !== null) {
          if (typeof version !== "number") throw kvStoreError("migrate: the schema key holds a value this store did not write");
          if (version > SCHEMA_VERSION) throw kvStoreError(`migrate: the keyspace is at schema version ${version}, newer than this store's ${SCHEMA_VERSION}`);
          if (version === SCHEMA_VERSION) return;
        }
        const result = await kvCall("migrate", () =>
          kv.atomic().check(schema).set(key.schema(), { version: SCHEMA_VERSION, migratedAt: new Date().toISOString() }).commit(),
        );
        if (result.ok) return;
        // Another client wrote the schema key first: read what it wrote.
        if (attempt >= WRITE_TRIES) throw kvStoreError(`migrate: the schema key kept changing under other writers (${WRITE_TRIES} tries)`);
        await backoff(attempt);
      }
    },
  };
}

/**
 * Appends one event: the next sequence, both copies of its header and its eventId in one atomic
 * operation, checked against the sequence and the eventId read. Parts too many for that operation
 * are written first, under a blob id only the header names, so nothing is visible until it commits.
 * @param {DenoKv} kv @param {string} eventId @param {string} userId @param {Uint8Array} bytes @param {Enqueue} enqueue
 * @param {number} deadline when it gives up (a performance.now() instant: a wall clock set back would stretch it)
 */
async function append(kv, eventId, userId, bytes, enqueue, deadline) {
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

/** Deletes the staged parts of an event that was not filed. @param {DenoKv} kv @param {ReturnType<typeof eventFiling>} filing */
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
function eventFiling(eventId, userId, bytes) {
  const parts = bytes.length <= CHUNK_BYTES ? [] : chunksOf(bytes);
  const blob = parts.length > 0 ? crypto.randomUUID() : null;
  /** @type {StoredEvent} */
  const header = { eventId, userId, byteLength: bytes.length, data: blob === null ? bytes : null, blob, parts: parts.length };
  return { eventId, userId, header, parts };
}

/**
 * Adds an event's keys at `sequence` to an atomic operation (its parts too, unless written before),
 * and its queue message when the store enqueues.
 * @param {DenoKvAtomicOperation} op @param {ReturnType<typeof eventFiling>} filing @param {number} sequence @param {boolean} withParts
 * @param {Enqueue} enqueue
 */
function fileEvent(op, filing, sequence, withParts, enqueue) {
  const { eventId, userId, header, parts } = filing;
  op.set(key.event(sequence), header).set(key.userEvent(userId, sequence), header).set(key.eventId(eventId), { sequence, userId });
  if (withParts) parts.forEach((part, i) => op.set(key.eventPart(/** @type {string} */ (header.blob), i), part));
  enqueue?.(op, filing, sequence);
}

/** The last sequence given, from the counter's entry. @param {DenoKvEntryMaybe} counter @param {string} what */
function lastSequence(counter, what) {
  const last = counter.versionstamp === null ? 0 : counter.value;
  if (typeof last !== "number" || !Number.isSafeInteger(last)) throw kvStoreError(`${what}: the event sequence key holds a value this store did not write`);
  return last;
}

/**
 * The conditional write of a record (save, and commit with its events): read what is stored, and
 * write only over the version before (or where nothing is, for a first version), in one atomic
 * operation checked against every key read. When a check fails, something moved under it (the
 * record, or only the event sequence): read again and decide again, up to WRITE_TRIES times.
 * @param {DenoKv} kv
 * @param {ReturnType<typeof connectionToStore>} connection
 * @param {{ eventId: string, userId: string, bytes: Uint8Array }[]} events
 * @param {(() => Promise<(op: DenoKvAtomicOperation) => unknown>) | null} complete reads a claim to complete
 *   in the same operation (and throws when it is no longer the request's); answers what adds it
 * @param {Enqueue} enqueue
 * @param {number} deadline when it gives up, WRITE_WAIT_MS after its call (a performance.now() instant)
 * @returns {Promise<boolean>}
 */
async function writeConnection(kv, { what, id, userId, value, chunks, expiring }, events, complete, enqueue, deadline) {
  const filings = events.map(({ eventId, userId: user, bytes }) => eventFiling(eventId, user, bytes));
  const version = /** @type {number} */ (value.record.version);
  for (let attempt = 1; ; attempt += 1) {
    refuseLate(what, deadline);
    const owner = await kvCall(what, () => kv.get(key.owner(id)), deadline);
    if (owner.versionstamp !== null && typeof owner.value !== "string") {
      throw kvStoreError(`${what}: the owner of connection ${id} is not a user id this store wrote`);
    }
    const previousUser = /** @type {string | null} */ (owner.versionstamp === null ? null : owner.value);
    const previous = previousUser === null ? null : await kvCall(what, () => kv.get(key.connection(previousUser, id)), deadline);
    // An owner without its record was read across a save that moved it: read both again.
    const settled = previousUser === null || /** @type {DenoKvEntryMaybe} */ (previous).versionstamp !== null;
    const old = settled && previous !== null ? storedConnection(previous.value, what) : null;
    if (settled) {
      if ((old === null ? 0 : storedVersion(old.record.version)) !== version - 1) return false;
    }
    const logged = filings.length === 0 ? [] : await readLog(kv, filings, what, deadline);
    const filed = logged.slice(1).findIndex((entry) => entry.versionstamp !== null);
    if (filed !== -1) throw kvStoreError(`${what}: the log already has an event with eventId ${filings[filed].eventId}`);
    const completing = settled && complete !== null ? await complete() : null;
    const result = !settled ? { ok: false } : await kvCall(what, () => {
      const op = kv.atomic().check({ key: key.owner(id), versionstamp: owner.versionstamp });
      if (previousUser !== null && previous !== null && old !== null) {
        op.check({ key: key.connection(previousUser, id), versionstamp: previous.versionstamp });
        const moved = previousUser !== userId;
        if (moved) op.delete(key.connection(previousUser, id));
        for (let i = moved ? 0 : chunks.length; i < old.secretChunks; i += 1) op.delete(key.chunk(previousUser, id, i));
        if (old.expiring !== null && old.expiring !== expiring) op.delete(key.expiring(old.expiring, id));
      }
      // The first save's createdAt is kept, as the SQL stores' UPDATE keeps created_at.
      const kept = old === null ? value : { ...value, record: { ...value.record, createdAt: old.record.createdAt } };
      op.set(key.owner(id), userId).set(key.connection(userId, id), kept);
      chunks.forEach((chunk, i) => op.set(key.chunk(userId, id, i), chunk));
      if (expiring !== null) op.set(key.expiring(expiring, id), userId);
      if (filings.length > 0) {
        // Every append moves the counter, so its check also stands for the eventIds read absent.
        const counter = logged[0];
        const last = lastSequence(counter, what);
        op.check(counter);
        filings.forEach((filing, i) => fileEvent(op, filing, last + 1 + i, true, enqueue));
        op.set(key.sequence(), last + filings.length);
      }
      if (completing !== null) completing(op);
      return op.commit();
    }, deadline);
    if (result.ok) return true;
    if (attempt >= WRITE_TRIES) throw kvStoreError(`${what}: connection ${id} kept changing under other writers (${WRITE_TRIES} tries)`);
    await backoff(attempt);
  }
}

/** The event as it was published, from its header and, for a large one, its blob's parts. @param {DenoKv} kv @param {StoredEvent} header */
async function readEvent(kv, header) {
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
function parseEvent(bytes, eventId) {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw kvStoreError(`events: event ${eventId} is not readable: ${messageOf(error)}`, error);
  }
}

/**
 * The keys and values one save or commit writes, checked against KV's limits before anything is
 * written: the record as stored.record (its secret's bytes apart, as chunks).
 * @param {unknown} record @param {"save" | "commit"} what
 */
function connectionToStore(record, what) {
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
function refuseOverOneOperation(connection, events, extra) {
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
function assemble(stored, versionstamp, chunks, what) {
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
function storedConnection(value, what) {
  const stored = /** @type {any} */ (value);
  if (
    stored === null || typeof stored !== "object" || stored.record === null || typeof stored.record !== "object" ||
    !Number.isSafeInteger(stored.secretChunks) || !Number.isSafeInteger(stored.secretBytes)
  ) {
    throw kvStoreError(`${what}: a connection key holds a value this store did not write`);
  }
  return stored;
}

/** @param {unknown} value @param {DenoKvKey} at @returns {StoredEvent} */
function storedEvent(value, at) {
  const stored = /** @type {any} */ (value);
  const usable = stored !== null && typeof stored === "object" && typeof stored.eventId === "string" &&
    Number.isSafeInteger(stored.byteLength) && (stored.data instanceof Uint8Array || (typeof stored.blob === "string" && Number.isSafeInteger(stored.parts)));
  if (!usable) throw kvStoreError(`events: the key ${JSON.stringify(at.map(String))} holds a value this store did not write`);
  return stored;
}

/** A lower-case id for a key, short enough for KV's key limit. @param {unknown} value @param {string} what @param {string} field */
function keyId(value, what, field) {
  if (typeof value !== "string" || value.length === 0) throw new TypeError(`deno-kv store: ${what}: ${field} must be a non-empty string`);
  const id = value.toLowerCase();
  if (new TextEncoder().encode(id).length > MAX_ID_BYTES) {
    throw new RangeError(`deno-kv store: ${what}: ${field} is over ${MAX_ID_BYTES} bytes, too long for its keys (${LIMITS})`);
  }
  return id;
}

/** An id looked up: one that no save could have written finds nothing. @param {unknown} value @param {string} what @param {string} field */
function lookupId(value, what, field) {
  if (typeof value !== "string") throw new TypeError(`deno-kv store: ${what}: ${field} must be a string`);
  const id = value.toLowerCase();
  // Longer than any saved id: a key that names nothing.
  return new TextEncoder().encode(id).length > MAX_ID_BYTES ? "" : id;
}

/** Milliseconds since the epoch of an ISO string or a Date, or null. @param {unknown} value */
function instantMs(value) {
  const ms = typeof value === "string" ? Date.parse(value) : value instanceof Date ? value.getTime() : Number.NaN;
  return Number.isFinite(ms) ? ms : null;
}

/** Copies of `bytes` in CHUNK_BYTES pieces. @param {Uint8Array} bytes */
function chunksOf(bytes) {
  const chunks = [];
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) chunks.push(bytes.slice(at, at + CHUNK_BYTES));
  return chunks;
}

/** @param {Uint8Array[]} parts @param {number} length */
function concat(parts, length) {
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    if (at + part.length > length) throw kvStoreError("a stored value is longer than its record says");
    bytes.set(part, at);
    at += part.length;
  }
  if (at !== length) throw kvStoreError("a stored value is shorter than its record says");
  return bytes;
}

/** An upper bound of what the strings of a value take once KV serializes it (two bytes a UTF-16 unit). @param {unknown} value @returns {number} */
function textBytes(value) {
  if (typeof value === "string") return 2 * value.length + 8;
  if (value === null || typeof value !== "object") return 16;
  return Object.entries(value).reduce((sum, [name, field]) => sum + textBytes(name) + textBytes(field), 16);
}

/** Reads keys in getMany's batches of 10, all at once. @param {DenoKv} kv @param {DenoKvKey[]} keys @param {string} what */
async function getAll(kv, keys, what, deadline = undefined) {
  const batches = [];
  for (let i = 0; i < keys.length; i += GET_MANY) batches.push(keys.slice(i, i + GET_MANY));
  return (await Promise.all(batches.map((batch) => kvCall(what, () => kv.getMany(batch), deadline)))).flat();
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
async function readLog(kv, filings, what, deadline) {
  const ids = filings.map((filing) => key.eventId(filing.eventId));
  if (ids.length < GET_MANY) return kvCall(what, () => kv.getMany([key.sequence(), ...ids]), deadline);
  const counter = await kvCall(what, () => kv.get(key.sequence()), deadline);
  return [counter, ...(await getAll(kv, ids, what, deadline))];
}

/** A write whose time is up gives up before it tries again. @param {string} what @param {number} deadline */
function refuseLate(what, deadline) {
  if (performance.now() >= deadline) throw kvStoreError(`${what}: gave up after ${WRITE_WAIT_MS} ms (a KV file another process holds locked, or other writers)`);
}

/**
 * Runs a KV call, again while a local KV file is locked by another process (until `deadline`, by
 * default BUSY_WAIT_MS from now); what KV throws rejects as a deno-kv store error, naming KV's
 * limits when it refused a value. `call` builds its atomic operation anew each time. A write's
 * `deadline` is kept before every attempt, the first too: whatever held up the reads before it
 * (a locked file, a step of the commit's own), no commit starts once the write has given up.
 * @template T @param {string} what @param {() => Promise<T>} call @param {number} [writeDeadline]
 * @returns {Promise<T>}
 */
async function kvCall(what, call, writeDeadline = undefined) {
  const deadline = writeDeadline ?? performance.now() + BUSY_WAIT_MS;
  for (let attempt = 1; ; attempt += 1) {
    if (writeDeadline !== undefined) refuseLate(what, writeDeadline);
    try {
      return await call();
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("deno-kv store:")) throw error;
      const message = messageOf(error);
      if (/database is locked|SQLITE_BUSY/i.test(message) && performance.now() < deadline) {
        await backoff(attempt);
        continue;
      }
      const refused = /too large|too many|\bmax\b|exceed|could not be cloned/i.test(message) || (error instanceof Error && error.name === "DataCloneError");
      throw kvStoreError(refused ? `${what}: Deno KV cannot hold it (${LIMITS}): ${message}` : `${what}: Deno KV failed: ${message}`, error);
    }
  }
}

/** @param {string} message @param {unknown} [cause] */
function kvStoreError(message, cause) {
  return new Error(`deno-kv store: ${message}`, cause === undefined ? undefined : { cause });
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/** Waits a random while, longer after each failed try, up to 50 ms. @param {number} attempt */
function backoff(attempt) {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
}
