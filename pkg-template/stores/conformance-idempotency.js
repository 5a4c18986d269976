// The conformance cases of `store.idempotency` (the services' Idempotency-Key records): a claim,
// its answer kept and replayed, another fingerprint refused, one winner among clients claiming one
// key at once, a lease that ran out taken over, the purge, and a commit that keeps the answer with
// its change in one step. Left out for a store without `idempotency` (harness.idempotency false).
import { deepEqual, equal, ok, rejects } from "./conformance-check.js";
import { conformanceRecord, event, uuid } from "./conformance-fixtures.js";
import { withClients } from "./conformance-writes.js";

/** @typedef {import("./conformance.js").FreshDatabase} FreshDatabase */
/** @typedef {import("./index.js").IdempotencyStore} IdempotencyStore */

/** An instant the cases count from (claims take the time from their caller). */
const T0 = Date.parse("2026-12-01T12:00:00.000Z");
const LEASE = 60_000;
const FP = "f".repeat(64);
const OTHER_FP = "0".repeat(64);
/** An answer as a service keeps one: a body with every kind of JSON value, a header. */
const ANSWER = { status: 201, body: { id: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b", nested: ["é 💰", 1.5, null, true, { deep: [] }] }, headers: { location: "/providers/0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b" } };

/** The store's idempotency, which a store passing these cases must have. @param {FreshDatabase} db */
function keysOf(db) {
  const keys = /** @type {any} */ (db.store).idempotency;
  ok(keys && typeof keys.claim === "function", "the store has idempotency (or the harness says idempotency: false)");
  return /** @type {IdempotencyStore} */ (keys);
}

/**
 * @param {(body: (db: FreshDatabase) => Promise<void>) => () => Promise<void>} onFresh
 */
export function idempotencyCases(onFresh) {
  return {
    "idempotency: a claimed key keeps its answer and replays it; another fingerprint is a mismatch; another user's or key's is its own": onFresh(async (db) => {
      const keys = keysOf(db);
      const [alice, bob] = [uuid(), uuid()];
      const first = await keys.claim(alice, "key-1", FP, T0, LEASE);
      equal(first.state, "claimed", "a new key");
      const token = /** @type {{ token: string }} */ (first).token;
      ok(typeof token === "string" && token.length > 0, "a claim's token");
      deepEqual(await keys.claim(alice, "key-1", FP, T0 + 10, LEASE), { state: "running", lockedUntil: T0 + LEASE }, "the same request while the first runs, with the end of its lease");
      deepEqual(await keys.claim(alice, "key-1", OTHER_FP, T0 + 10, LEASE), { state: "mismatch" }, "another request while the first runs");
      equal(await keys.complete(alice, "key-1", "not-the-token", ANSWER), false, "another token completes nothing");
      equal(await keys.complete(alice, "key-1", token, ANSWER), true, "the claim's token completes it");
      equal(await keys.complete(alice, "key-1", token, { status: 500 }), false, "a completed key is not completed again");
      equal(await keys.release(alice, "key-1", token), false, "nor released");
      deepEqual(await keys.claim(alice, "key-1", FP, T0 + LEASE * 10, LEASE), { state: "replay", response: ANSWER }, "the same request later: the answer, as kept");
      deepEqual(await keys.claim(alice, "key-1", OTHER_FP, T0 + 20, LEASE), { state: "mismatch" }, "another request with the key");
      equal((await keys.claim(bob, "key-1", FP, T0 + 20, LEASE)).state, "claimed", "another user's same key");
      equal((await keys.claim(alice, "KEY-1", FP, T0 + 20, LEASE)).state, "claimed", "a key differing in case");
      const bare = await keys.claim(alice, "key-2", FP, T0, LEASE);
      equal(await keys.complete(alice, "key-2", /** @type {any} */ (bare).token, { status: 204 }), true, "an answer without a body");
      deepEqual(await keys.claim(alice, "key-2", FP, T0 + 1, LEASE), { state: "replay", response: { status: 204 } }, "replayed without a body");
    }),

    "idempotency: of 20 claims of one key at once, from several clients, exactly one is claimed; the others see it running or mismatched": onFresh(async (db) => {
      await withClients(db, async (stores) => {
        const userId = uuid();
        const all = stores.map((store) => /** @type {IdempotencyStore} */ (/** @type {any} */ (store).idempotency));
        const fingerprints = Array.from({ length: 20 }, (_, i) => (i % 2 ? FP : OTHER_FP));
        const claims = await Promise.all(fingerprints.map((fp, i) => all[i % all.length].claim(userId, "raced", fp, T0 + i, LEASE)));
        const won = claims.findIndex((claim) => claim.state === "claimed");
        equal(claims.filter((claim) => claim.state === "claimed").length, 1, `one claim wins: ${JSON.stringify(claims.map((c) => c.state))}`);
        claims.forEach((claim, i) => {
          if (i !== won) equal(claim.state, fingerprints[i] === fingerprints[won] ? "running" : "mismatch", `claim ${i}`);
        });
        equal(await all[1 % all.length].complete(userId, "raced", /** @type {any} */ (claims[won]).token, ANSWER), true, "completed from another client");
        const again = await Promise.all(all.map((keys) => keys.claim(userId, "raced", fingerprints[won], T0 + 100, LEASE)));
        for (const claim of again) deepEqual(claim, { state: "replay", response: ANSWER }, "every client replays it");
      });
    }),

    "idempotency: a released key is free; a lease that ran out is taken over by the same fingerprint only, and its first token then completes nothing": onFresh(async (db) => {
      const keys = keysOf(db);
      const userId = uuid();
      const first = /** @type {{ token: string }} */ (await keys.claim(userId, "freed", FP, T0, LEASE));
      equal(await keys.release(userId, "freed", "another-token"), false, "another token releases nothing");
      equal(await keys.release(userId, "freed", first.token), true, "released");
      equal((await keys.claim(userId, "freed", OTHER_FP, T0 + 1, LEASE)).state, "claimed", "a released key takes another request");

      const died = /** @type {{ token: string }} */ (await keys.claim(userId, "died", FP, T0, 1_000));
      deepEqual(await keys.claim(userId, "died", FP, T0 + 999, LEASE), { state: "running", lockedUntil: T0 + 1_000 }, "within the lease");
      deepEqual(await keys.claim(userId, "died", OTHER_FP, T0 + 1_000, LEASE), { state: "mismatch" }, "another request after the lease");
      const taken = await keys.claim(userId, "died", FP, T0 + 1_000, LEASE);
      equal(taken.state, "claimed", "the same request once the lease ran out");
      ok(/** @type {any} */ (taken).token !== died.token, "under a new token");
      equal(await keys.complete(userId, "died", died.token, ANSWER), false, "the first token completes nothing");
      equal(await keys.release(userId, "died", died.token), false, "nor releases");
      deepEqual(await keys.claim(userId, "died", FP, T0 + 2_000, LEASE), { state: "running", lockedUntil: T0 + 1_000 + LEASE }, "the new claim's lease holds");
      equal(await keys.complete(userId, "died", /** @type {any} */ (taken).token, ANSWER), true, "the new token completes it");
      deepEqual(await keys.claim(userId, "died", FP, T0 + 3_000, LEASE), { state: "replay", response: ANSWER }, "replayed");
    }),

    "idempotency: purge removes the keys claimed before its bound, oldest first and at most its limit, whatever their state": onFresh(async (db) => {
      const keys = keysOf(db);
      const userId = uuid();
      const bound = T0 + 10_000;
      // Five before the bound (two completed), two after; one taken over after the bound counts from then.
      for (let i = 0; i < 5; i += 1) {
        const claim = /** @type {{ token: string }} */ (await keys.claim(userId, `old-${i}`, FP, T0 + i * 1_000, 1));
        if (i % 2 === 0) equal(await keys.complete(userId, `old-${i}`, claim.token, ANSWER), true, `old-${i} completed`);
      }
      await keys.claim(userId, "taken-over", FP, T0, 1);
      equal((await keys.claim(userId, "taken-over", FP, bound + 1, LEASE)).state, "claimed", "taken over after the bound");
      for (const key of ["new-0", "new-1"]) await keys.claim(userId, key, FP, bound + 5, LEASE);
      equal(await keys.purge(bound, 3), 3, "the first batch");
      // old-0 … old-2 are gone (a new claim takes them); old-3 and old-4 are still there.
      equal((await keys.claim(userId, "old-2", OTHER_FP, bound + 6, LEASE)).state, "claimed", "old-2 was purged");
      deepEqual(await keys.claim(userId, "old-4", OTHER_FP, bound + 6, LEASE), { state: "mismatch" }, "old-4 is still kept");
      equal(await keys.purge(bound, 1_000), 2, "the rest before the bound");
      equal(await keys.purge(bound, 1_000), 0, "nothing left before the bound");
      deepEqual(await keys.claim(userId, "new-0", FP, bound + 7, LEASE), { state: "running", lockedUntil: bound + 5 + LEASE }, "a key after the bound stays");
      deepEqual(await keys.claim(userId, "taken-over", FP, bound + 7, LEASE), { state: "running", lockedUntil: bound + 1 + LEASE }, "a key taken over after the bound stays");
    }),

    "idempotency: a commit with a completion keeps the answer with its change; a stale one keeps neither; one whose claim was taken over writes nothing": onFresh(async (db) => {
      const { repository } = db.store;
      const keys = keysOf(db);
      const record = conformanceRecord();
      const userId = record.userId;
      const claim = /** @type {{ token: string }} */ (await keys.claim(userId, "commit", FP, T0, LEASE));
      const completion = { userId, key: "commit", token: claim.token, response: ANSWER };
      const stale = conformanceRecord({ userId, version: 2 });
      equal(await repository.commit(stale, [event(userId, 1)], { idempotency: completion }), false, "a stale commit");
      deepEqual(await keys.claim(userId, "commit", FP, T0 + 1, LEASE), { state: "running", lockedUntil: T0 + LEASE }, "a stale commit keeps no answer");
      const events = [event(userId, 1)];
      equal(await repository.commit(record, events, { idempotency: completion }), true, "the commit");
      deepEqual(await repository.findById(record.id), record, "its record");
      deepEqual(await db.store.events(), events, "its event");
      deepEqual(await keys.claim(userId, "commit", FP, T0 + 2, LEASE), { state: "replay", response: ANSWER }, "and its answer, kept with them");

      const lost = /** @type {{ token: string }} */ (await keys.claim(userId, "lost", FP, T0, 1));
      const taker = await keys.claim(userId, "lost", FP, T0 + 1, LEASE);
      equal(taker.state, "claimed", "taken over");
      const other = conformanceRecord({ userId });
      const error = await rejects(repository.commit(other, [event(userId, 3)], { idempotency: { userId, key: "lost", token: lost.token, response: ANSWER } }), "a commit under a lost claim rejects");
      ok(/claim/i.test(String(/** @type {Error} */ (error).message)), `the refusal says the claim is lost: ${error}`);
      equal(await repository.findById(other.id), null, "its record is not written");
      deepEqual(await db.store.events(), events, "nor its event");
      deepEqual(await keys.claim(userId, "lost", FP, T0 + 2, LEASE), { state: "running", lockedUntil: T0 + 1 + LEASE }, "nor its answer");
      const malformed = await rejects(repository.commit(conformanceRecord({ userId }), [], { idempotency: { userId, key: "lost", token: "", response: ANSWER } }), "a malformed completion rejects");
      ok(/token/.test(String(/** @type {Error} */ (malformed).message)), `naming the token: ${malformed}`);
      equal((await repository.findByUserId(userId)).length, 1, "and writes nothing");
    }),

    "idempotency: an answer of almost 60,000 bytes of JSON with a character past U+00FF is kept whole, by complete and by a commit": onFresh(async (db) => {
      const keys = keysOf(db);
      const userId = uuid();
      // 59,903 bytes of UTF-8 in its body, 29,952 UTF-16 units: a store that keeps the text as UTF-16 needs twice that.
      const answer = { status: 201, body: { text: `${"x".repeat(59_900)}\u20ac` } };
      const claimed = /** @type {{ token: string }} */ (await keys.claim(userId, "big", FP, T0, LEASE));
      equal(await keys.complete(userId, "big", claimed.token, answer), true, "completed");
      deepEqual(await keys.claim(userId, "big", FP, T0 + 1, LEASE), { state: "replay", response: answer }, "and replayed whole");
      const committing = /** @type {{ token: string }} */ (await keys.claim(userId, "big-commit", FP, T0, LEASE));
      const record = conformanceRecord({ userId });
      equal(await db.store.repository.commit(record, [], { idempotency: { userId, key: "big-commit", token: committing.token, response: answer } }), true, "committed with it");
      deepEqual(await keys.claim(userId, "big-commit", FP, T0 + 1, LEASE), { state: "replay", response: answer }, "and replayed whole");
    }),

    "idempotency: bad arguments are refused naming them, before anything is written": onFresh(async (db) => {
      const keys = keysOf(db);
      const userId = uuid();
      const refusals = /** @type {[string, () => Promise<unknown>][]} */ ([
        ["userId", () => keys.claim("", "k", FP, T0, LEASE)],
        ["key", () => keys.claim(userId, "k".repeat(256), FP, T0, LEASE)],
        ["key", () => keys.claim(userId, "a\u0000b", FP, T0, LEASE)],
        ["fingerprint", () => keys.claim(userId, "k", /** @type {any} */ (7), T0, LEASE)],
        ["now", () => keys.claim(userId, "k", FP, Number.NaN, LEASE)],
        ["leaseMs", () => keys.claim(userId, "k", FP, T0, 0)],
        ["leaseMs", () => keys.claim(userId, "k", FP, T0, 3_600_001)],
        ["leaseMs", () => keys.claim(userId, "k", FP, T0, Number.MAX_SAFE_INTEGER)],
        ["status", () => keys.complete(userId, "k", "t", { status: 99 })],
        ["JSON", () => keys.complete(userId, "k", "t", { status: 200, body: { big: 1n } })],
        ["bytes", () => keys.complete(userId, "k", "t", { status: 200, body: "x".repeat(70_000) })],
        ["headers", () => keys.complete(userId, "k", "t", /** @type {any} */ ({ status: 200, headers: { location: 1 } }))],
        ["limit", () => keys.purge(T0, 0)],
        ["limit", () => keys.purge(T0, 1_001)],
        ["before", () => keys.purge(-1, 10)],
      ]);
      for (const [field, call] of refusals) {
        const error = await rejects(Promise.resolve().then(call), `a bad ${field} is refused`);
        ok(String(/** @type {Error} */ (error).message).includes(field), `the error names ${field}: ${error}`);
      }
      equal((await keys.claim(userId, "k", FP, T0, LEASE)).state, "claimed", "nothing was written for the key");
    }),
  };
}
