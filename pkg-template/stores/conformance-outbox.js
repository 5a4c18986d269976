// The conformance cases of `store.outbox` (the transactional outbox a relay drains): every logged
// event waits there in log order until delivered, one lease holder at a time (of relays racing for
// it, one), a lost lease takes
// nothing out, failures wait for their retry or are set aside and requeued, a stale commit queues
// nothing, and racing writers leave the outbox holding exactly the log. Left out for a store
// without `outbox` (harness.outbox false: Deno KV enqueues in its atomic instead; IndexedDB).
import { deepEqual, equal, ok, rejects } from "./conformance-check.js";
import { conformanceRecord, event, msFrom, uuid } from "./conformance-fixtures.js";
import { withClients } from "./conformance-writes.js";

/** @typedef {import("./conformance.js").FreshDatabase} FreshDatabase */
/** @typedef {import("./index.js").EventOutbox} EventOutbox */

const T0 = Date.parse("2026-12-01T12:00:00.000Z");
const LEASE = 1_000;
const [A, B] = ["relay-a", "relay-b"];

/** The store's outbox, which a store passing these cases must have. @param {import("./index.js").ConnectionStore} store */
export function outboxOf(store) {
  const outbox = /** @type {any} */ (store).outbox;
  ok(outbox && typeof outbox.pending === "function", "the store has an outbox (or the harness says outbox: false)");
  return /** @type {EventOutbox} */ (outbox);
}

/** Every event waiting, in order (up to 1,000). @param {EventOutbox} outbox */
export const waiting = async (outbox) => (await outbox.pending(1000)).map((entry) => entry.event);

/**
 * @param {(body: (db: FreshDatabase) => Promise<void>) => () => Promise<void>} onFresh
 */
export function outboxCases(onFresh) {
  return {
    "outbox: every event the store logs waits in log order, as events() gives it, until a lease holder takes it out": onFresh(async ({ store }) => {
      const outbox = outboxOf(store);
      deepEqual(await outbox.pending(10), [], "a new store's outbox is empty");
      deepEqual(await outbox.lag(), { pending: 0, oldestOccurredAt: null, setAside: 0 }, "nothing behind");
      const record = conformanceRecord();
      const published = [event(record.userId, 0), event(record.userId, 1)];
      for (const e of published) await store.eventBus.publish(e);
      const committed = [event(record.userId, 2), event(record.userId, 3)];
      equal(await store.repository.commit(record, committed), true, "committed");
      const all = [...published, ...committed];
      deepEqual(await store.events(), all, "the log");
      deepEqual(await outbox.pending(10), all.map((e) => ({ event: e, attempts: 0, nextAttemptAt: null })), "the outbox: the log's events, in its order");
      deepEqual(await outbox.pending(3), all.slice(0, 3).map((e) => ({ event: e, attempts: 0, nextAttemptAt: null })), "the first three");
      deepEqual(await outbox.lag(), { pending: 4, oldestOccurredAt: all[0].occurredAt, setAside: 0 }, "four behind");
      equal(await outbox.delivered(A, [all[0].eventId], T0), 0, "no lease, nothing taken out");
      equal(await outbox.lease(A, T0, LEASE), true, "A takes the lease");
      equal(await outbox.delivered(A, [all[0].eventId, all[1].eventId.toUpperCase()], T0 + 1), 2, "two taken out (an id in any case)");
      deepEqual(await waiting(outbox), committed, "the committed two wait");
      equal(await outbox.delivered(A, [all[0].eventId, uuid()], T0 + 2), 0, "one taken out already, one never logged");
      deepEqual(await outbox.lag(), { pending: 2, oldestOccurredAt: committed[0].occurredAt, setAside: 0 }, "two behind");
      deepEqual(await store.events(), all, "the log keeps every event");
    }),

    "outbox: one lease holder at a time; a lease that ran out is taken over, and its old holder then takes nothing out": onFresh(async ({ store }) => {
      const outbox = outboxOf(store);
      const e = event(uuid(), 1);
      await store.eventBus.publish(e);
      equal(await outbox.lease(A, T0, LEASE), true, "A takes it");
      equal(await outbox.lease(B, T0 + 10, LEASE), false, "not B while A's runs");
      equal(await outbox.lease(A, new Date(T0 + 500), LEASE), true, "A renews it (as a Date), to T0 + 1500");
      equal(await outbox.lease(B, T0 + 1_499, LEASE), false, "not B before it ends");
      equal(await outbox.lease(B, T0 + 1_500, LEASE), true, "B once it has ended");
      equal(await outbox.delivered(A, [e.eventId], T0 + 1_600), 0, "A, paused past its lease, takes nothing out");
      equal(await outbox.failed(A, e.eventId, { error: "late", nextAttemptAt: T0 + 9_000, setAside: false }, T0 + 1_600), false, "nor counts a failure");
      deepEqual(await outbox.pending(5), [{ event: e, attempts: 0, nextAttemptAt: null }], "the event still waits, untouched");
      equal(await outbox.release(A), false, "A holds nothing to give up");
      equal(await outbox.delivered(B, [e.eventId], T0 + 1_600), 1, "B takes it out");
      equal(await outbox.release(B), true, "B gives the lease up");
      equal(await outbox.lease(A, T0 + 1_700, LEASE), true, "and A may take it at once");
    }),

    "outbox: of 20 relays taking a free lease at once, from several clients of the database, exactly one holds it; its marks of the same events sent at once take each out once": onFresh(async (db) => {
      await withClients(db, async (stores) => {
        const userId = uuid();
        const events = [0, 1, 2, 3].map((n) => event(userId, n));
        for (const e of events) await db.store.eventBus.publish(e);
        const holders = Array.from({ length: 20 }, (_, i) => `relay-${i}`);
        const taken = await Promise.all(holders.map((holder, i) => outboxOf(stores[i % stores.length]).lease(holder, T0, LEASE)));
        equal(taken.filter(Boolean).length, 1, "one holder");
        const holder = holders[taken.indexOf(true)];
        equal(await outboxOf(db.store).lease(holders[(taken.indexOf(true) + 1) % 20], T0 + 10, LEASE), false, "and no other after");
        const ids = events.map((e) => e.eventId);
        const marked = await Promise.all(stores.flatMap((client) => [outboxOf(client).delivered(holder, ids, T0 + 20), outboxOf(client).delivered(holder, ids.slice(1, 3), T0 + 20)]));
        equal(marked.reduce((sum, n) => sum + n, 0), ids.length, "each event taken out once, whoever marked it");
        deepEqual(await waiting(outboxOf(db.store)), [], "none left");
        deepEqual(await db.store.events(), events, "the log keeps them");
      });
    }),

    "outbox: a failure waits for its retry; an event set aside leaves the line for an operator, and requeue puts it back in its place": onFresh(async ({ store }) => {
      const outbox = outboxOf(store);
      const userId = uuid();
      const [e1, e2, e3] = [event(userId, 0), event(userId, 1), event(userId, 2)];
      for (const e of [e1, e2, e3]) await store.eventBus.publish(e);
      equal(await outbox.lease(A, T0, 60_000), true, "leased");
      equal(await outbox.failed(A, e1.eventId, { error: "Error: connection refused", nextAttemptAt: T0 + 500, setAside: false }, T0), true, "a failure counted");
      deepEqual((await outbox.pending(1))[0], { event: e1, attempts: 1, nextAttemptAt: msFrom("2026-12-01T12:00:00.000Z", 500) }, "attempted once, due in 500 ms");
      const long = `Error: ${"x".repeat(600)}\u0000`;
      equal(await outbox.failed(A, e1.eventId, { error: long, nextAttemptAt: new Date(T0 + 1_000), setAside: true }, T0 + 600), true, "set aside");
      deepEqual(await waiting(outbox), [e2, e3], "the line goes on without it");
      deepEqual(await outbox.setAside(10), [{ event: e1, attempts: 2, lastError: long.slice(0, 500), setAsideAt: msFrom("2026-12-01T12:00:00.000Z", 600) }], "where an operator sees it, with its last error (500 characters)");
      deepEqual(await outbox.lag(), { pending: 2, oldestOccurredAt: e2.occurredAt, setAside: 1 }, "the lag counts it apart");
      equal(await outbox.delivered(A, [e1.eventId], T0 + 700), 0, "a set-aside event is not taken out by a delivery");
      equal(await outbox.failed(A, e1.eventId, { error: "again", nextAttemptAt: T0 + 800, setAside: false }, T0 + 700), false, "nor counted again");
      equal(await outbox.requeue(e1.eventId), true, "requeued");
      equal(await outbox.requeue(e1.eventId), false, "once");
      equal(await outbox.requeue(e2.eventId), false, "an event not set aside is not requeued");
      deepEqual(await outbox.pending(10), [e1, e2, e3].map((e) => ({ event: e, attempts: 0, nextAttemptAt: null })), "back in its place, its attempts at 0");
      deepEqual(await outbox.setAside(10), [], "none set aside");
    }),

    "outbox: a commit refused as stale queues nothing; racing writers leave the outbox holding exactly the log, each commit's events together": onFresh(async (db) => {
      const outbox = outboxOf(db.store);
      const record = conformanceRecord();
      equal(await db.store.repository.commit(record, [event(record.userId, 1)]), true, "v1");
      equal(await db.store.repository.commit(record, [event(record.userId, 3)]), false, "v1 again is stale");
      deepEqual(await waiting(outbox), await db.store.events(), "only the committed event");
      await withClients(db, async (stores) => {
        const writes = Array.from({ length: 30 }, (_, i) => {
          const store = stores[i % stores.length];
          const mine = conformanceRecord();
          return i % 3 === 0 ? store.eventBus.publish(event(mine.userId, 0)) : store.repository.commit(mine, [event(mine.userId, 1), event(mine.userId, 3)]);
        });
        await Promise.all(writes);
      });
      const log = await db.store.events();
      equal(log.length, 1 + 10 + 20 * 2, "every write logged");
      const queued = await waiting(outbox);
      const byId = (/** @type {{ eventId: string }} */ x, /** @type {{ eventId: string }} */ y) => (x.eventId < y.eventId ? -1 : 1);
      deepEqual([...queued].sort(byId), [...log].sort(byId), "the outbox holds exactly the log's events");
      // In commit order: a commit's two events side by side, in their order (the log's sequence is
      // drawn before a commit ends, so on a database that commits concurrently the two orders may
      // differ between unrelated commits).
      for (const [i, e] of queued.entries()) {
        if (e.providerSlug === "slug-1" && e.userId !== record.userId) {
          const next = queued[i + 1];
          ok(next?.userId === e.userId && next.providerSlug === "slug-3", `a commit's second event follows its first, at ${i}`);
        }
      }
    }),

    "outbox: bad arguments are refused by name before the database": onFresh(async ({ store }) => {
      const outbox = outboxOf(store);
      const any = /** @type {any} */ (outbox);
      /** Refused, with an error that names what was wrong. @param {Promise<unknown>} call @param {string} name @param {string} what */
      const refusedNaming = async (call, name, what) => {
        const error = await rejects(call, what);
        ok(String(/** @type {Error} */ (error)?.message).includes(name), `${what}: the error names ${name}: ${error}`);
      };
      await refusedNaming(any.lease("", T0, LEASE), "holder", "an empty holder");
      await refusedNaming(any.lease(A, "not an instant", LEASE), "now", "a bad instant");
      await refusedNaming(any.lease(A, T0, 0), "leaseMs", "a lease of 0 ms");
      await refusedNaming(any.lease(A, T0, 11 * 60_000), "leaseMs", "a lease over ten minutes");
      await refusedNaming(any.pending(0), "limit", "a limit of 0");
      await refusedNaming(any.pending(1001), "limit", "a limit over 1,000");
      await refusedNaming(any.delivered(A, ["not-a-uuid"], T0), "event id", "an id that is not a UUID");
      await refusedNaming(any.delivered(A, "a string", T0), "eventIds", "ids that are not an array");
      await refusedNaming(any.failed(A, uuid(), { error: 1, nextAttemptAt: T0, setAside: false }, T0), "error", "an error that is not a string");
      await refusedNaming(any.failed(A, uuid(), { error: "e", nextAttemptAt: "soon", setAside: false }, T0), "nextAttemptAt", "a bad retry instant");
      await refusedNaming(any.failed(A, uuid(), { error: "e", nextAttemptAt: T0 }, T0), "setAside", "setAside missing");
      // Past the year 9999 an instant's ISO text no longer sorts as the instant ("+010000-…" < "2026-…"):
      // a lease that far off would read as over.
      await refusedNaming(any.lease(A, 8.64e15, LEASE), "outbox.lease: now", "a lease's now past the year 9999");
      await refusedNaming(any.lease(A, Date.UTC(9999, 11, 31, 23, 59, 59), LEASE), "outbox.lease: now and leaseMs", "a lease ending past the year 9999");
      await refusedNaming(any.failed(A, uuid(), { error: "e", nextAttemptAt: 1e16, setAside: false }, T0), "outbox.failed: nextAttemptAt", "a retry past the year 9999");
      await refusedNaming(any.delivered(A, [uuid()], "soon"), "outbox.delivered: now", "a bad now given to delivered");
      await refusedNaming(any.failed(A, uuid(), { error: "e", nextAttemptAt: T0, setAside: false }, -1), "outbox.failed: now", "a now before 1970 given to failed");
      await refusedNaming(any.requeue(42), "event id", "a requeue of a number");
      deepEqual(await outbox.lag(), { pending: 0, oldestOccurredAt: null, setAside: 0 }, "nothing written");
    }),
  };
}
