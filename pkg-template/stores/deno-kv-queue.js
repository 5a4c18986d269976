// Deno KV's own queue as the store's outbox (denoKvStore(kv, { queue: true })): each logged event is
// enqueued in the same atomic() that files it in the log (and stores the change a commit brings),
// so a message exists exactly when its event does. `store.queue.listen(handler)` consumes them with
// kv.listenQueue: at least once from KV, each event handed to `handler` once by its eventId (a
// consumed mark written after the handler resolves; two copies handed over at once in one process,
// a sweep's and KV's, take turns, so the second finds the mark), unless the process dies between the
// two or two processes are handed copies at once (at least once, then: a handler must allow it).
// Each message also leaves a pending mark, set with it and cleared with the consumed mark:
// `redeliver()` enqueues again what is still pending after a while. KV's local backend keeps a
// message that was being handed over when its process died aside until a later start, so without
// that sweep an event could wait for the next restart. A message KV gave up on after its retries is
// kept under ["connect_provider", "undelivered", eventId], which `undelivered()` lists.

/** The mark of this store's messages among whatever else the database's queue carries. */
export const QUEUE_MARK = "connectProviderEvent";
/** An event's bytes ride in its message up to this size; a larger one is read from the log. */
const INLINE_BYTES = 32 * 1024;
/** How many pending marks one `redeliver()` reads at most. */
const SWEEP_SCAN = 10_000;
/** KV's own retry waits when a message names none (denokv's default schedule, 96.1 s in all). */
const KV_BACKOFF_SCHEDULE = [100, 1000, 5000, 30_000, 60_000];

/**
 * @typedef {import("./deno-kv.js").DenoKv} DenoKv
 * @typedef {import("./deno-kv.js").DenoKvKey} DenoKvKey
 * @typedef {import("./deno-kv.js").DenoKvAtomicOperation} DenoKvAtomicOperation
 * @typedef {{ [QUEUE_MARK]: 1, eventId: string, sequence: number, data: Uint8Array | null }} QueuedEvent
 */

/** @param {string} root */
export const queueKeys = (root) => ({
  consumed: (/** @type {string} */ eventId) => [root, "consumed_events", eventId],
  pending: (/** @type {string} */ eventId) => [root, "pending_events", eventId],
  pendingAll: () => [root, "pending_events"],
  undelivered: (/** @type {string} */ eventId) => [root, "undelivered", eventId],
  undeliveredAll: () => [root, "undelivered"],
});

/** Where KV keeps a message it gave up on, and its retry waits (KV's own when undefined). @param {DenoKvKey} undelivered @param {number[] | undefined} backoffSchedule */
const enqueueOptions = (undelivered, backoffSchedule) =>
  backoffSchedule === undefined ? { keysIfUndelivered: [undelivered] } : { keysIfUndelivered: [undelivered], backoffSchedule };

/**
 * Adds the event's message to the atomic operation that files it.
 * @param {DenoKvAtomicOperation} op
 * @param {{ eventId: string, header: { data: Uint8Array | null } }} filing
 * @param {number} sequence its place in the log
 * @param {ReturnType<typeof queueKeys>} keys
 * @param {number[] | undefined} backoffSchedule KV's retry waits (its own when undefined)
 */
export function enqueueEvent(op, { eventId, header }, sequence, keys, backoffSchedule) {
  /** @type {QueuedEvent} */
  const message = { [QUEUE_MARK]: 1, eventId, sequence, data: header.data !== null && header.data.length <= INLINE_BYTES ? header.data : null };
  op.enqueue(message, enqueueOptions(keys.undelivered(eventId), backoffSchedule));
  op.set(keys.pending(eventId), { sequence, enqueuedAt: Date.now() });
}

/**
 * The store's queue option: null without one; `true` or `{ backoffSchedule }` (waits in ms, at most
 * 5 of at most an hour each) with one.
 * @param {unknown} options
 * @returns {{ backoffSchedule: number[] | undefined } | null}
 */
export function queueOptions(options) {
  const refused = () => new TypeError("denoKvStore: options.queue must be true, false or { backoffSchedule: number[] }");
  if (options === null || typeof options !== "object") throw refused();
  const queue = /** @type {{ queue?: unknown }} */ (options).queue;
  if (queue === undefined || queue === false) return null;
  if (queue === true) return { backoffSchedule: undefined };
  if (queue === null || typeof queue !== "object") throw refused();
  const schedule = /** @type {{ backoffSchedule?: unknown }} */ (queue).backoffSchedule;
  if (schedule === undefined) return { backoffSchedule: undefined };
  if (!Array.isArray(schedule) || schedule.length > 5 || !schedule.every((ms) => Number.isSafeInteger(ms) && ms >= 0 && ms <= 3_600_000)) throw refused();
  return { backoffSchedule: [...schedule] };
}

/** Whether a queue value is one of this store's messages. @param {unknown} value @returns {value is QueuedEvent} */
const isQueuedEvent = (value) =>
  typeof value === "object" && value !== null && /** @type {any} */ (value)[QUEUE_MARK] === 1 &&
  typeof (/** @type {any} */ (value).eventId) === "string" && typeof (/** @type {any} */ (value).sequence) === "number";

/**
 * @param {DenoKv} kv
 * @param {{
 *   keys: ReturnType<typeof queueKeys>,
 *   eventAt: (sequence: number) => Promise<import("../index.js").ProviderEvent>,
 *   decode: (bytes: Uint8Array, eventId: string) => import("../index.js").ProviderEvent,
 *   backoffSchedule: number[] | undefined,
 * }} parts `backoffSchedule`: KV's retry waits for a message sent again too (its own when undefined)
 * @returns {import("./deno-kv.js").DenoKvEventQueue}
 */
export function kvEventQueue(kv, { keys, eventAt, decode, backoffSchedule }) {
  /** How long KV may still hand a message over again after its handler threw: its whole schedule. */
  const retryWindow = (backoffSchedule ?? KV_BACKOFF_SCHEDULE).reduce((sum, wait) => sum + wait, 0);
  /** Messages being handled now (the handler and its consumed mark), so a stop can wait for them. */
  let handling = 0;
  /** @type {(() => void)[]} */
  const whenIdle = [];
  /** The copy of each event being handled now, by eventId: another copy waits for it to end. @type {Map<string, Promise<void>>} */
  const inTurn = new Map();
  /** Set by stop(): no message is taken from then on. */
  let stopping = false;
  /**
   * A message left untaken: neither handled nor refused (a refusal would spend one of KV's retries),
   * so it stays KV's, handed over again at the next start, as one in flight at a kill is, or sent again
   * by a sweep.
   */
  const untaken = () => new Promise(() => {});
  const UNTAKEN = Symbol("untaken");
  const queue = {
    listen(handler, { others } = {}) {
      if (typeof handler !== "function") throw new TypeError("deno-kv store: queue.listen: handler must be a function of the event");
      if (typeof kv.listenQueue !== "function") throw new TypeError("deno-kv store: queue.listen: this Deno.Kv has no listenQueue");
      return kv.listenQueue(async (value) => {
        if (stopping && isQueuedEvent(value)) return untaken();
        handling += 1;
        let outcome;
        try {
          outcome = await consume(value);
        } finally {
          handling -= 1;
          if (handling === 0) for (const resolve of whenIdle.splice(0)) resolve();
        }
        if (outcome === UNTAKEN) return untaken();
      });
      /** @param {unknown} value */
      async function consume(value) {
        if (!isQueuedEvent(value)) {
          if (others) await others(value);
          return;
        }
        // One copy of an event at a time: checked and taken with no await between, so no other copy
        // starts in between; a copy that waited then reads the consumed mark the first one left.
        for (let running = inTurn.get(value.eventId); running !== undefined; running = inTurn.get(value.eventId)) {
          await running.catch(() => {});
        }
        if (stopping) return UNTAKEN;
        const turn = consumeOne(value);
        inTurn.set(value.eventId, turn);
        try {
          await turn;
        } finally {
          if (inTurn.get(value.eventId) === turn) inTurn.delete(value.eventId);
        }
      }
      /** @param {QueuedEvent} value */
      async function consumeOne(value) {
        const consumed = keys.consumed(value.eventId);
        if ((await kv.get(consumed)).versionstamp !== null) {
          await kv.atomic().delete(keys.pending(value.eventId)).commit();
          return;
        }
        const event = value.data instanceof Uint8Array ? decode(value.data, value.eventId) : await eventAt(value.sequence);
        // A handler that throws leaves no consumed mark: KV delivers the message again, after its
        // backoff. Its pending mark says so, so that no sweep sends a copy while KV still retries it.
        try {
          await handler(event);
        } catch (error) {
          const now = Date.now();
          await kv
            .atomic()
            .check({ key: consumed, versionstamp: null })
            .set(keys.pending(value.eventId), { sequence: value.sequence, enqueuedAt: now, retryingUntil: now + retryWindow })
            .commit()
            .catch(() => {});
          throw error;
        }
        // A copy KV gave up on meanwhile (one a sweep sent while this one was set aside) is no longer undelivered.
        await kv
          .atomic()
          .check({ key: consumed, versionstamp: null })
          .set(consumed, { consumedAt: new Date().toISOString() })
          .delete(keys.pending(value.eventId))
          .delete(keys.undelivered(value.eventId))
          .commit();
      }
    },
    /**
     * Resolves once no message is being handled (at once when none is): a service that stops waits
     * for it before it closes KV, so a handler is not cut off before its consumed mark (and then run
     * again after the restart).
     */
    idle() {
      return handling === 0 ? Promise.resolve() : new Promise((resolve) => whenIdle.push(() => resolve(undefined)));
    },
    /**
     * Takes no message from now on (each is left to KV, as at a kill, without spending a retry), and
     * resolves once those being handled are done: a service that stops awaits it before it closes KV,
     * so no handler is cut off before its mark, however long the queue's backlog.
     */
    stop() {
      stopping = true;
      return queue.idle();
    },
    /**
     * Enqueues again up to `limit` events pending for `olderThanMs` (counted, for one whose handler
     * threw, from the end of KV's retries, which deliver it again meanwhile). Marks that are not due yet do
     * not count against `limit`, and the mark of an event KV gave up on (it is in `undelivered()`)
     * is dropped instead: either would otherwise fill every sweep's first places for good (event
     * ids from UUID v7 list oldest first). At most `SWEEP_SCAN` marks are read a sweep.
     */
    async redeliver({ olderThanMs = 60_000, limit = 100 } = {}) {
      if (!Number.isSafeInteger(olderThanMs) || olderThanMs < 0) throw new RangeError("deno-kv store: queue.redeliver: olderThanMs must be a whole number of milliseconds");
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new RangeError("deno-kv store: queue.redeliver: limit must be a whole number from 1 to 1000");
      const before = Date.now() - olderThanMs;
      let again = 0;
      for await (const entry of kv.list({ prefix: keys.pendingAll() }, { limit: SWEEP_SCAN })) {
        if (again === limit) break;
        const pending = /** @type {{ sequence?: unknown, enqueuedAt?: unknown, retryingUntil?: unknown } | null} */ (entry.value);
        const eventId = entry.key[entry.key.length - 1];
        if (typeof eventId !== "string" || typeof pending?.sequence !== "number" || typeof pending.enqueuedAt !== "number") continue;
        const retryingUntil = typeof pending.retryingUntil === "number" ? pending.retryingUntil : null;
        if (retryingUntil === null && pending.enqueuedAt > before) continue;
        // KV may have given up on one whose handler threw, even before its schedule's end.
        if ((await kv.get(keys.undelivered(eventId))).versionstamp !== null) {
          await kv.atomic().check(entry).delete(entry.key).commit();
          continue;
        }
        if (retryingUntil !== null && retryingUntil > before) continue;
        // Enqueued again with a fresh mark, only if nobody consumed or re-marked it meanwhile, nor KV
        // gave up on it since it was read.
        /** @type {QueuedEvent} */
        const message = { [QUEUE_MARK]: 1, eventId, sequence: pending.sequence, data: null };
        const { ok } = await kv
          .atomic()
          .check(entry, { key: keys.consumed(eventId), versionstamp: null }, { key: keys.undelivered(eventId), versionstamp: null })
          .enqueue(message, enqueueOptions(keys.undelivered(eventId), backoffSchedule))
          .set(entry.key, { sequence: pending.sequence, enqueuedAt: Date.now() })
          .commit();
        if (ok) again += 1;
      }
      return again;
    },
    async undelivered(limit = 100) {
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new RangeError("deno-kv store: queue.undelivered: limit must be a whole number from 1 to 1000");
      const events = [];
      for await (const entry of kv.list({ prefix: keys.undeliveredAll() }, { limit })) {
        const value = entry.value;
        if (isQueuedEvent(value)) events.push(value.data instanceof Uint8Array ? decode(value.data, value.eventId) : await eventAt(value.sequence));
      }
      return events;
    },
  };
  return /** @type {import("./deno-kv.js").DenoKvEventQueue} */ (queue);
}
