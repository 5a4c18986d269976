// The store over Deno KV (`await Deno.openKv()`, locally a SQLite file, on Deno Deploy
// FoundationDB). KV has no schema and no secondary indexes, so the store keeps its own, written in
// the same atomic operation as what they index, each save checked against the versionstamps it read
// (so the version it compared is still the one stored when it writes). A commit writes the record
// and its events to the log in that one atomic operation too. Its parts: the keyspace and KV's
// limits (deno-kv-keys.js), calling KV (deno-kv-calls.js), a connection as stored
// (deno-kv-records.js), its conditional write (deno-kv-write.js), the event log (deno-kv-log.js),
// and the idempotency keys, sync clients and queue (deno-kv-idempotency.js, deno-kv-sync.js,
// deno-kv-queue.js).
import { checkedExpiringPage, ownerOf } from "./connection-record.js";
import { commitEventColumns, eventColumns, eventQuery, unknownAfter } from "./event-query.js";
import { kvIdempotency } from "./deno-kv-idempotency.js";
import { kvSync } from "./deno-kv-sync.js";
import { MAX_SYNC_ENTRY_BYTES, checkedMutation } from "./sync-input.js";
import { checkedCompletion } from "./idempotency-input.js";
import { enqueueEvent, kvEventQueue, queueKeys, queueOptions } from "./deno-kv-queue.js";
import { ROOT, key } from "./deno-kv-keys.js";
import { READ_TRIES, WRITE_TRIES, WRITE_WAIT_MS, backoff, getAll, kvCall, kvStoreError } from "./deno-kv-calls.js";
import { TORN, assemble, connectionToStore, instantMs, lookupId, refuseOverOneOperation, storedConnection } from "./deno-kv-records.js";
import { append, parseEvent, readEvent, storedEvent } from "./deno-kv-log.js";
import { writeConnection } from "./deno-kv-write.js";

/** @typedef {import("./deno-kv.js").DenoKv} DenoKv */
/** @typedef {import("./deno-kv.js").DenoKvEntryMaybe} DenoKvEntryMaybe */
/** @typedef {import("./deno-kv.js").DenoKvAtomicOperation} DenoKvAtomicOperation */
/** @typedef {import("../index.js").ProviderConnectionRecord} ProviderConnectionRecord */
/** @typedef {import("./deno-kv-log.js").StoredEvent} StoredEvent */

const SCHEMA_VERSION = 1;
/** findExpiringBefore loads this many records at once. */
const LOAD_CONCURRENCY = 16;

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
    : (/** @type {DenoKvAtomicOperation} */ op, /** @type {import("./deno-kv-log.js").Filing} */ filing, /** @type {number} */ sequence) =>
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
   * The active records whose credentials expire at or before `instant`, by expiry then id (the
   * expiring index's order): all of them, or a page of at most `limit` index entries after `after`;
   * with how many index keys were read and the last of them.
   * @param {unknown} instant @param {string} what
   * @param {{ expiresAt: string, id: string } | null} after @param {number | null} limit
   * @returns {Promise<{ records: ProviderConnectionRecord[], keys: number, last: { at: number, id: string } | null }>}
   */
  async function expiringRecords(instant, what, after, limit) {
    const bound = instantMs(instant);
    if (bound === null) throw new TypeError(`deno-kv store: ${what}: instant must be an ISO instant string`);
    /** @type {{ userId: string, id: string, at: number }[]} */
    const expiring = [];
    // A cursor past the bound (a clock set back between pages) starts past the end: nothing more.
    if (after !== null && Date.parse(after.expiresAt) > bound) return { records: [], keys: 0, last: null };
    // The end is exclusive and instants are whole milliseconds: bound + 1 ends the range at the bound.
    // A page starts just past the last key read: a key sorts before every key it begins.
    const range = after === null
      ? { prefix: key.expiringAll(), end: key.expiringAt(bound + 1) }
      : { start: [...key.expiring(Date.parse(after.expiresAt), after.id), ""], end: key.expiringAt(bound + 1) };
    await kvCall(what, async () => {
      expiring.length = 0;
      for await (const entry of kv.list(range, limit === null ? { batchSize: 1000 } : { limit, batchSize: limit })) {
        const [at, id] = [entry.key[2], entry.key[3]];
        if (typeof at !== "number" || typeof id !== "string" || typeof entry.value !== "string") throw kvStoreError(`${what}: an expiring key this store did not write`);
        expiring.push({ userId: entry.value, id, at });
      }
    });
    /** @type {ProviderConnectionRecord[]} */
    const records = [];
    for (let i = 0; i < expiring.length; i += LOAD_CONCURRENCY) {
      const loaded = await Promise.all(expiring.slice(i, i + LOAD_CONCURRENCY).map(({ userId, id }) => loadRecord(userId, id, what)));
      // A record saved again since the range was read is answered as it is now.
      for (const record of loaded) {
        if (record === null || record.status !== "active") continue;
        const at = record.credentials ? instantMs(record.credentials.expiresAt) : null;
        if (at !== null && at <= bound) records.push(record);
      }
    }
    const end = expiring[expiring.length - 1];
    return { records, keys: expiring.length, last: end === undefined ? null : { at: end.at, id: end.id } };
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
          bytes: (completion === null ? 0 : new TextEncoder().encode(completion.response).length + 1_024) + (mutation === null ? 0 : MAX_SYNC_ENTRY_BYTES) + queued,
          // The key's answer and the client's advance: a set each; each event's message and its pending mark: two.
          mutations: (completion === null ? 0 : 1) + (mutation === null ? 0 : 1),
          perEvent: enqueue === null ? 0 : 2,
        });
        // The answer kept for the request's key, and the sync client's advance, go in the same
        // atomic operation as what they answer: each read (again at each try), then added to it.
        const deadline = performance.now() + WRITE_WAIT_MS;
        const steps = [
          ...(completion === null ? [] : [() => idempotency.completionStep(completion, "commit", deadline)]),
          ...(mutation === null ? [] : [() => sync.advanceStep(mutation, deadline)]),
        ];
        const complete = steps.length === 0
          ? null
          : async () => {
            const adders = [];
            for (const step of steps) adders.push(await step());
            return (/** @type {DenoKvAtomicOperation} */ op) => adders.forEach((add) => add(op));
          };
        return inTurn(() => writeConnection(kv, connection, appends, complete, enqueue, deadline));
      },
      findById,
      findOwned,
      findByUserId: (userId) => findByUserId(userId),
      async findActiveByUser(userId) {
        return (await findByUserId(userId, "findActiveByUser")).filter((record) => record.status === "active");
      },
      findExpiringBefore: async (instant) => (await expiringRecords(instant, "findExpiringBefore", null, null)).records,
      async findExpiringPage(instant, page) {
        const { after, limit } = checkedExpiringPage("deno-kv", instant, page);
        const { records, keys, last } = await expiringRecords(instant, "findExpiringPage", after, limit);
        // The next page starts after the last index key read, whatever its record is now.
        return { records, next: keys < limit || last === null ? null : { expiresAt: new Date(last.at).toISOString(), id: last.id } };
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
