// The conformance cases of `store.sync` (each sync client's last applied mutation): a client starts
// at 0 and moves only from the number it holds, one winner among pushes racing on one client, a
// commit that advances the client with its change in one step (or, when the client moved on, writes
// nothing), and the refusals a client keeps, written with its advance. Left out for a store without
// `sync` (harness.sync false: IndexedDB).
import { deepEqual, equal, ok, rejects } from "./conformance-check.js";
import { conformanceRecord, event, uuid } from "./conformance-fixtures.js";
import { withClients } from "./conformance-writes.js";

/** @typedef {import("./conformance.js").FreshDatabase} FreshDatabase */
/** @typedef {import("./index.js").SyncClients} SyncClients */

/** The store's sync clients, which a store passing these cases must have. @param {import("./index.js").ConnectionStore} store */
function syncOf(store) {
  const sync = /** @type {any} */ (store).sync;
  ok(sync && typeof sync.advance === "function", "the store has sync (or the harness says sync: false)");
  return /** @type {SyncClients} */ (sync);
}

/**
 * @param {(body: (db: FreshDatabase) => Promise<void>) => () => Promise<void>} onFresh
 */
export function syncCases(onFresh) {
  return {
    "sync: a client starts at 0 and moves only from the number it holds; another client's or user's number is its own": onFresh(async ({ store }) => {
      const sync = syncOf(store);
      const [alice, bob] = [uuid(), uuid()];
      equal(await sync.lastMutation(alice, "phone"), 0, "a new client");
      equal(await sync.advance(alice, "phone", 1, 2), false, "not from 1: it is at 0");
      equal(await sync.advance(alice, "phone", 0, 1), true, "its first mutation");
      equal(await sync.advance(alice, "phone", 0, 1), false, "not again");
      equal(await sync.advance(alice, "phone", 1, 5), true, "forward, over a gap");
      equal(await sync.lastMutation(alice, "phone"), 5, "at 5");
      equal(await sync.advance(alice, "phone", 4, 6), false, "not from a number it has left");
      equal(await sync.lastMutation(alice, "laptop"), 0, "the user's other client");
      equal(await sync.lastMutation(bob, "phone"), 0, "another user's client of the same name");
      equal(await sync.advance(bob, "phone", 0, 9007199254740991), true, "up to the largest safe number");
      equal(await sync.lastMutation(bob, "phone"), 9007199254740991, "read back exactly");
    }),

    "sync: of 20 advances of one client from one number at once, from several clients of the database, exactly one wins": onFresh(async (db) => {
      await withClients(db, async (stores) => {
        const userId = uuid();
        for (const from of [0, 1]) {
          const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => syncOf(stores[i % stores.length]).advance(userId, "raced", from, from + 1)));
          equal(outcomes.filter(Boolean).length, 1, `from ${from}: one winner`);
        }
        equal(await syncOf(db.store).lastMutation(userId, "raced"), 2, "two advances in all");
      });
    }),

    "sync: a commit with a mutation advances the client with its change; a stale one does neither; one whose client moved on writes nothing": onFresh(async ({ store }) => {
      const sync = syncOf(store);
      const { repository } = store;
      const record = conformanceRecord();
      const { userId } = record;
      const events = [event(userId, 1)];
      equal(await repository.commit(conformanceRecord({ userId, version: 2 }), [event(userId, 3)], { mutation: { userId, clientId: "phone", from: 0, to: 1 } }), false, "a stale commit");
      equal(await sync.lastMutation(userId, "phone"), 0, "does not advance the client");
      equal(await repository.commit(record, events, { mutation: { userId, clientId: "phone", from: 0, to: 1 } }), true, "the commit");
      deepEqual(await repository.findById(record.id), record, "its record");
      equal(await sync.lastMutation(userId, "phone"), 1, "and the client's advance, with it");

      const other = conformanceRecord({ userId });
      const error = await rejects(repository.commit(other, [event(userId, 5)], { mutation: { userId, clientId: "phone", from: 0, to: 1 } }), "a commit after another push applied its mutation rejects");
      ok(/another push/.test(String(/** @type {Error} */ (error).message)), `the refusal says so: ${error}`);
      equal(await repository.findById(other.id), null, "its record is not written");
      deepEqual(await store.events(), events, "nor its event");
      equal(await sync.lastMutation(userId, "phone"), 1, "and the client stays where it was");

      const both = conformanceRecord({ userId });
      equal(await repository.commit(both, [], { mutation: { userId, clientId: "phone", from: 1, to: 2 } }), true, "the next mutation");
      equal(await sync.lastMutation(userId, "phone"), 2, "advanced again");
    }),

    "sync: a refused mutation's advance keeps its refusal with the number, the last 100 by id, through the commits that advance the client too": onFresh(async ({ store }) => {
      const sync = syncOf(store);
      const userId = uuid();
      deepEqual(await sync.state(userId, "phone"), { lastMutationId: 0, refusals: [] }, "a new client");
      const notActive = { code: "NOT_ACTIVE", error: "Connection is not active" };
      equal(await sync.advance(userId, "phone", 0, 3, notActive), true, "its first mutation, refused");
      deepEqual(await sync.state(userId, "phone"), { lastMutationId: 3, refusals: [{ id: 3, ...notActive }] }, "kept with the number");
      equal(await sync.advance(userId, "phone", 0, 4, notActive), false, "not from 0 again");
      equal(await sync.advance(userId, "phone", 2, 4, notActive), false, "nor from a number it never held");
      equal(await store.repository.commit(conformanceRecord({ userId }), [], { mutation: { userId, clientId: "phone", from: 3, to: 4 } }), true, "an applied mutation");
      const odd = { code: "INVALID_ALIAS", error: "Alias exceeds maximum length: \u00e9\u{1F600} \"quoted\" \\ " + "x".repeat(150) };
      equal(await sync.advance(userId, "phone", 4, 7, odd), true, "another refusal, after it");
      deepEqual(await sync.state(userId, "phone"), { lastMutationId: 7, refusals: [{ id: 3, ...notActive }, { id: 7, ...odd }] }, "both kept, exactly, in order");
      equal(await sync.advance(userId, "phone", 7, 8), true, "an advance without a refusal");
      equal(await sync.lastMutation(userId, "phone"), 8, "moves the number");
      deepEqual((await sync.state(userId, "phone")).refusals.map((r) => r.id), [3, 7], "and keeps the refusals");
      // Each at the longest code and message, two UTF-16 units a character: 100 still fit (one Deno KV value).
      const longest = (/** @type {number} */ id) => ({ code: `C${"ODE_9".repeat(12)}ABC`, error: `${"\u00e9".repeat(196)} ${String(id).padStart(3, "0")}` });
      for (let id = 9; id < 109; id += 1) equal(await sync.advance(userId, "phone", id - 1, id, longest(id)), true, `refusal ${id}`);
      equal(await store.repository.commit(conformanceRecord({ userId }), [], { mutation: { userId, clientId: "phone", from: 108, to: 109 } }), true, "a commit beside the 100 kept");
      const { lastMutationId, refusals } = await sync.state(userId, "phone");
      equal(lastMutationId, 109, "at 109");
      deepEqual(refusals, Array.from({ length: 100 }, (_, i) => ({ id: i + 9, ...longest(i + 9) })), "the last 100 kept, whole");
      deepEqual(await sync.state(userId, "laptop"), { lastMutationId: 0, refusals: [] }, "the user's other client keeps none");
    }),

    "sync: of 20 refused advances of one client from one number at once, exactly one is kept": onFresh(async (db) => {
      await withClients(db, async (stores) => {
        const userId = uuid();
        for (const from of [0, 1]) {
          const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => syncOf(stores[i % stores.length]).advance(userId, "raced", from, from + 1, { code: "NOT_ACTIVE", error: `advance ${i}` })));
          equal(outcomes.filter(Boolean).length, 1, `from ${from}: one winner`);
        }
        const { lastMutationId, refusals } = await syncOf(db.store).state(userId, "raced");
        equal(lastMutationId, 2, "two advances in all");
        deepEqual(refusals.map((r) => r.id), [1, 2], "one refusal kept for each");
      });
    }),

    "sync: bad arguments are refused naming them, before anything is written": onFresh(async ({ store }) => {
      const sync = /** @type {any} */ (syncOf(store));
      const userId = uuid();
      for (const [call, name] of [
        [() => sync.lastMutation("", "phone"), "userId"],
        [() => sync.lastMutation(userId, ""), "clientId"],
        [() => sync.lastMutation(userId, "x".repeat(101)), "clientId"],
        [() => sync.advance(userId, "a\u0000b", 0, 1), "clientId"],
        [() => sync.advance(userId, "phone", -1, 1), "from"],
        [() => sync.advance(userId, "phone", 1.5, 2), "from"],
        [() => sync.advance(userId, "phone", 2, 2), "to"],
        [() => sync.advance(userId, "phone", 0, "1"), "to"],
        [() => sync.state(userId, ""), "clientId"],
        [() => sync.advance(userId, "phone", 0, 1, "NOT_ACTIVE"), "refusal"],
        [() => sync.advance(userId, "phone", 0, 1, { code: "not_active", error: "x" }), "refusal.code"],
        [() => sync.advance(userId, "phone", 0, 1, { code: "A".repeat(65), error: "x" }), "refusal.code"],
        [() => sync.advance(userId, "phone", 0, 1, { code: "NOT_ACTIVE", error: "" }), "refusal.error"],
        [() => sync.advance(userId, "phone", 0, 1, { code: "NOT_ACTIVE", error: "x".repeat(201) }), "refusal.error"],
        [() => sync.advance(userId, "phone", 0, 1, { code: "NOT_ACTIVE", error: "a\u0000b" }), "refusal.error"],
      ]) {
        const error = await rejects(call(), `a bad ${name}`);
        ok(String(/** @type {Error} */ (error).message).includes(name), `naming ${name}: ${error}`);
      }
      const record = conformanceRecord({ userId });
      await rejects(store.repository.commit(record, [], { mutation: { userId, clientId: "phone", from: 0, to: 0 } }), "a commit with a bad mutation");
      equal(await store.repository.findById(record.id), null, "writes nothing");
      equal(await sync.lastMutation(userId, "phone"), 0, "nor advances");
      deepEqual(await sync.state(userId, "phone"), { lastMutationId: 0, refusals: [] }, "nor keeps a refusal");
    }),
  };
}
