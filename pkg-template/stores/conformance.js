// The cases every store is held to, as plain async functions: any runner runs them, in any runtime
// (`for (const c of storeConformanceCases(harness)) test(c.name, c.run)`). A store written for
// another database passes when each case resolves. Each case asks the harness for a new, empty
// database, so no case sees another's records or events.
import { deepEqual, equal, ok, rejects } from "./conformance-check.js";
import { STATUSES, T, conformanceRecord, event, inStatus, msFrom, secret, sorted, uuid } from "./conformance-fixtures.js";
import { writeCases } from "./conformance-writes.js";
import { idempotencyCases } from "./conformance-idempotency.js";
import { outboxCases } from "./conformance-outbox.js";
import { syncCases } from "./conformance-sync.js";

export { conformanceRecord } from "./conformance-fixtures.js";

/** @typedef {import("./conformance.js").ConformanceHarness} ConformanceHarness */
/** @typedef {import("./conformance.js").FreshDatabase} FreshDatabase */
/** @typedef {import("../index.js").ProviderConnectionRecord} ProviderConnectionRecord */

/**
 * @param {ConformanceHarness} harness
 * @returns {{ name: string, run: () => Promise<void> }[]}
 */
export function storeConformanceCases(harness) {
  /** Runs `body` on a new database, migrated unless `migrated` is false, and closes it after. */
  const onFresh = (/** @type {(db: FreshDatabase) => Promise<void>} */ body, migrated = true) => async () => {
    const db = await harness.fresh();
    try {
      if (migrated) await db.store.migrate();
      await body(db);
    } finally {
      await db.close();
    }
  };
  const cases = {
    "migrate() makes an empty store, and running it again changes nothing": onFresh(async ({ store }) => {
      const record = conformanceRecord();
      await store.repository.save(record);
      await store.migrate();
      deepEqual(await store.repository.findById(record.id), record, "the record after a second migrate()");
      deepEqual(await store.repository.findByUserId(uuid()), [], "a user with nothing saved");
      deepEqual(await store.events(), [], "the event log of a new store");
    }),

    "a record with a 64 KiB secret, a unicode alias and a slug with quotes and SQL round-trips byte for byte": onFresh(async ({ store }) => {
      const record = conformanceRecord({
        providerSlug: `o'brien"; DROP TABLE provider_connections; --`,
        alias: "Épargne 💰 تقاعد 退休 e\u0301 \u{1F468}\u200D\u{1F469}",
        credentials: { encryptedData: secret(64 * 1024), credentialType: "api_key", expiresAt: "2027-01-01T00:00:00.000Z" },
      });
      await store.repository.save(record);
      deepEqual(await store.repository.findById(record.id), record, "findById");
      deepEqual(await store.repository.findByUserId(record.userId), [record], "findByUserId");
      deepEqual(await store.repository.findActiveByUser(record.userId), [record], "findActiveByUser");
    }),

    "a disconnected record keeps null credentials, alias and instants as null": onFresh(async ({ store }) => {
      const record = inStatus("disconnected", { alias: null, connectedAt: null, lastSyncAt: null });
      await store.repository.save(record);
      deepEqual(await store.repository.findById(record.id), record, "findById");
      const noExpiry = conformanceRecord({ credentials: { encryptedData: secret(1), credentialType: "custom", expiresAt: null } });
      await store.repository.save(noExpiry);
      deepEqual(await store.repository.findById(noExpiry.id), noExpiry, "credentials without an expiry");
    }),

    "instants round-trip as toISOString writes them, to the millisecond": onFresh(async ({ store }) => {
      const instants = ["1970-01-01T00:00:00.000Z", "2000-02-29T23:59:59.999Z", "2038-01-19T03:14:08.001Z", "9999-12-31T23:59:59.999Z"];
      for (const at of instants) {
        const record = conformanceRecord({
          credentials: { encryptedData: secret(8), credentialType: "oauth2", expiresAt: at },
          connectedAt: at, lastSyncAt: at, createdAt: at, updatedAt: at,
        });
        await store.repository.save(record);
        deepEqual(await store.repository.findById(record.id), record, `instants at ${at}`);
      }
    }),

    "save writes each next version over the one before, which it replaces": onFresh(async ({ store }) => {
      const first = conformanceRecord();
      equal(await store.repository.save(first), true, "the first save");
      const second = { ...first, status: "disconnected", credentials: null, alias: "Renamed", updatedAt: msFrom(first.updatedAt, 60_000), version: 2 };
      equal(await store.repository.save(second), true, "the second save");
      deepEqual(await store.repository.findById(first.id), second, "after the second save");
      deepEqual(await store.repository.findByUserId(first.userId), [second], "one record for the user");
      deepEqual(await store.repository.findActiveByUser(first.userId), [], "no longer active");
      const third = { ...second, status: "active", credentials: { encryptedData: secret(300), credentialType: "link_token", expiresAt: T }, updatedAt: msFrom(first.updatedAt, 120_000), version: 3 };
      equal(await store.repository.save(third), true, "the third save");
      deepEqual(await store.repository.findById(first.id), third, "after a third save with new credentials");
    }),

    "findById of an id never saved is null": onFresh(async ({ store }) => {
      await store.repository.save(conformanceRecord());
      equal(await store.repository.findById(uuid()), null, "findById of another id");
    }),

    "findOwned, where the store has it: the record for its user (whatever the case of the ids), false for another user's, null for none": onFresh(async ({ store }) => {
      const repository = store.repository;
      if (typeof repository.findOwned !== "function") return;
      const record = conformanceRecord();
      equal(await repository.save(record), true, "saved");
      deepEqual(await repository.findOwned(record.id, record.userId), await repository.findById(record.id), "its own user's: the record findById reads");
      deepEqual(await repository.findOwned(record.id, record.userId.toUpperCase()), await repository.findById(record.id), "the user's id in upper case");
      equal(await repository.findOwned(record.id, uuid()), false, "another user's");
      equal(await repository.findOwned(uuid(), record.userId), null, "none");
      const refused = await rejects(repository.findOwned(record.id, /** @type {any} */ ("")), "an empty userId");
      ok(String(/** @type {Error} */ (refused)?.message).includes("userId"), `the error names userId: ${refused}`);
    }),

    "findByUserId answers every status of that user, and no other user's": onFresh(async ({ store }) => {
      const userId = uuid();
      const mine = STATUSES.map((status) => inStatus(status, { userId }));
      const theirs = STATUSES.map((status) => inStatus(status));
      for (const record of [...mine, ...theirs]) await store.repository.save(record);
      deepEqual(sorted(await store.repository.findByUserId(userId)), sorted(mine), "the user's records");
    }),

    "findActiveByUser answers that user's active records only": onFresh(async ({ store }) => {
      const userId = uuid();
      const mine = STATUSES.map((status) => inStatus(status, { userId }));
      const secondActive = inStatus("active", { userId });
      for (const record of [...mine, secondActive, inStatus("active")]) await store.repository.save(record);
      deepEqual(sorted(await store.repository.findActiveByUser(userId)), sorted([mine[1], secondActive]), "the user's active records");
    }),

    "findExpiringBefore: active records at or before the bound, expired ones included, other statuses and no expiry left out": onFresh(async ({ store }) => {
      const expiring = (/** @type {string} */ status, /** @type {string | null} */ expiresAt) =>
        inStatus(status, { credentials: { encryptedData: secret(16), credentialType: "oauth2", expiresAt } });
      const included = [expiring("active", msFrom(T, -86_400_000)), expiring("active", T), expiring("active", msFrom(T, -1))];
      const excluded = [
        expiring("active", msFrom(T, 1)),
        expiring("active", null),
        ...["pending", "expired", "revoked", "failed"].map((status) => expiring(status, msFrom(T, -60_000))),
        inStatus("disconnected"),
      ];
      for (const record of [...excluded, ...included]) await store.repository.save(record);
      deepEqual(sorted(await store.repository.findExpiringBefore(T)), sorted(included), "expiring at or before the bound");
      deepEqual(await store.repository.findExpiringBefore(msFrom(T, -86_400_001)), [], "nothing before the earliest");
    }),

    "findExpiringPage, where the store has it: findExpiringBefore's answer in pages, by expiry then id, each from the next of the page before": onFresh(async ({ store }) => {
      const repository = store.repository;
      if (typeof repository.findExpiringPage !== "function") return;
      const active = (/** @type {string} */ expiresAt) => inStatus("active", { credentials: { encryptedData: secret(16), credentialType: "oauth2", expiresAt } });
      // Seven by T: two pairs at one instant each (ordered by id, and each split by a page's end), one
      // written with an offset (T less a millisecond); and two that are not (later, or not active).
      const included = [
        active(msFrom(T, -86_400_000)), active(msFrom(T, -1000)), active(msFrom(T, -1000)), active(msFrom(T, -5)),
        active(msFrom(T, -5)), active("2026-12-01T12:59:59.999+01:00"), active(T),
      ];
      const excluded = [active(msFrom(T, 1)), inStatus("expired", { credentials: { encryptedData: secret(16), credentialType: "oauth2", expiresAt: msFrom(T, -1) } })];
      for (const record of [...excluded, ...included]) equal(await repository.save(record), true, "saved");
      const key = (/** @type {any} */ r) => [Date.parse(r.credentials.expiresAt), r.id];
      const expected = included.map(key).sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([, id]) => id);
      const ids = (/** @type {{ records: { id: string }[] }} */ page) => page.records.map((r) => r.id);
      /** @type {string[][]} */
      const pages = [];
      /** @type {any} */
      let after = null;
      for (let round = 0; round < 6; round += 1) {
        const page = await repository.findExpiringPage(T, { after, limit: 2 });
        pages.push(ids(page));
        if (page.next === null) break;
        const last = page.records[page.records.length - 1];
        deepEqual(page.next, { expiresAt: new Date(Date.parse(last.credentials.expiresAt)).toISOString(), id: last.id }, "next: the last record's expiry and id");
        after = page.next;
      }
      deepEqual(pages, [expected.slice(0, 2), expected.slice(2, 4), expected.slice(4, 6), expected.slice(6)], "pages of two (each pair at one instant split between two), then the one left");
      const whole = await repository.findExpiringPage(T, { limit: 7 });
      deepEqual(ids(whole), expected, "all in one page");
      deepEqual(whole.next, { expiresAt: T, id: expected[6] }, "a full page says where the next starts");
      deepEqual(await repository.findExpiringPage(T, { after: whole.next, limit: 3 }), { records: [], next: null }, "nothing after the last");
      deepEqual(sorted((await repository.findExpiringPage(T, { limit: 1000 })).records), sorted(await repository.findExpiringBefore(T)), "the records findExpiringBefore answers");
      for (const [page, name] of [[{ limit: 0 }, "limit"], [{ limit: 1001 }, "limit"], [{ limit: 2.5 }, "limit"], [{ after: { expiresAt: T, id: "" }, limit: 3 }, "after"], [{ after: { expiresAt: T, id: 7 }, limit: 3 }, "after"], [{ after: { expiresAt: "soon", id: uuid() }, limit: 3 }, "after"]]) {
        const refused = await rejects(repository.findExpiringPage(T, /** @type {any} */ (page)), JSON.stringify(page));
        ok(String(/** @type {Error} */ (refused)?.message).includes(name), `the error names ${name}: ${refused}`);
      }
    }),

    "findExpiringBefore compares instants, not their text: an expiry saved without milliseconds or with an offset is found by its time": onFresh(async ({ store }) => {
      const expiring = (/** @type {string} */ expiresAt) => inStatus("active", { credentials: { encryptedData: secret(16), credentialType: "oauth2", expiresAt } });
      // T is 2026-12-01T12:00:00.000Z: the first two are T written otherwise, the last two a millisecond
      // past it (the last sorts before T as text).
      const included = [expiring("2026-12-01T12:00:00Z"), expiring("2026-12-01T13:00:00.000+01:00")];
      const excluded = [expiring("2026-12-01T13:00:00.001+01:00"), expiring("2026-12-01T11:30:00.001-00:30")];
      for (const record of [...excluded, ...included]) await store.repository.save(record);
      const ids = (/** @type {{ id: string }[]} */ records) => records.map((r) => r.id).sort();
      deepEqual(ids(await store.repository.findExpiringBefore(T)), ids(included), "at or before T, by time");
      deepEqual(ids(await store.repository.findExpiringBefore("2026-12-01T12:00:00Z")), ids(included), "the bound without milliseconds");
      deepEqual(ids(await store.repository.findExpiringBefore("2026-12-01T12:00:00.001Z")), ids([...included, ...excluded]), "a millisecond later, all four");
    }),

    "a value the store cannot hold is refused whole, and what was saved before stays": onFresh(async ({ store }) => {
      const record = conformanceRecord();
      await store.repository.save(record);
      const awkward = { ...record, alias: "nul \u0000 inside", providerSlug: "a\u0000b", updatedAt: msFrom(record.updatedAt, 1), version: 2 };
      let refused = null;
      try {
        await store.repository.save(awkward);
      } catch (error) {
        refused = error;
      }
      if (refused === null) {
        deepEqual(await store.repository.findById(record.id), awkward, "a store that holds U+0000 reads it back");
      } else {
        ok(/store/i.test(String(/** @type {Error} */ (refused).message)), `a refusal names the store's limit: ${refused}`);
        deepEqual(await store.repository.findById(record.id), record, "the record before the refused save");
      }
    }),

    "100 concurrent connects for one user are all saved, listed and logged in order": onFresh(async ({ store }) => {
      const userId = uuid();
      // One provider a connect, so that each event names its command.
      const providerIds = Array.from({ length: 100 }, () => uuid());
      const connect = new harness.api.ConnectProviderHandler(store.repository, store.eventBus);
      const secrets = Array.from({ length: 100 }, (_, n) => secret(64 + n));
      const results = await Promise.all(
        secrets.map((encryptedData, n) =>
          connect.handle({ userId, providerId: providerIds[n], providerSlug: "schwab", alias: `Account ${n}`, credentials: { encryptedData, credentialType: "oauth2" } }),
        ),
      );
      ok(results.every((result) => result.ok), `every connect succeeds: ${JSON.stringify(results.find((result) => !result.ok))}`);
      const ids = results.map((result) => /** @type {{ value: string }} */ (result).value);
      equal(new Set(ids).size, 100, "distinct connection ids");
      const saved = await store.repository.findByUserId(userId);
      deepEqual(saved.map((record) => record.id).sort(), [...ids].sort(), "every connection saved");
      for (const record of saved) {
        const n = Number(/** @type {string} */ (record.alias).slice("Account ".length));
        equal(record.id, ids[n], `${record.alias} is the connection its connect answered`);
        equal(record.providerId, providerIds[n], `the provider of ${record.alias}`);
        deepEqual(record.credentials?.encryptedData, secrets[n], `the secret of ${record.alias}`);
      }
      const list = await new harness.api.ListProviderConnectionsHandler(store.repository).handle({ userId });
      ok(list.ok, "the list succeeds");
      equal(/** @type {any} */ (list).value.totalCount, 100, "listed");
      const log = /** @type {any[]} */ (await store.events({ userId }));
      equal(log.length, 200, "two events a connect");
      // Each connect's own two events, its Attempted before its Succeeded (published before its commit
      // logs the Succeeded), the Succeeded naming the connection the connect answered.
      providerIds.forEach((providerId, n) => {
        const own = log.flatMap((e, at) => (e.providerId === providerId ? [{ at, type: e.eventType, connectionId: e.connectionId }] : []));
        deepEqual(
          own.map(({ type, connectionId }) => ({ type, connectionId })),
          [
            { type: "ProviderConnectionAttempted", connectionId: undefined },
            { type: "ProviderConnectionSucceeded", connectionId: ids[n] },
          ],
          `Account ${n}'s events, in order`,
        );
      });
    }),

    "two users are kept apart by every find, the handlers and the event log": onFresh(async ({ store }) => {
      const [alice, bob] = [uuid(), uuid()];
      const connect = new harness.api.ConnectProviderHandler(store.repository, store.eventBus);
      const command = (/** @type {string} */ userId, /** @type {string} */ alias) =>
        ({ userId, providerId: uuid(), providerSlug: "schwab", alias, credentials: { encryptedData: secret(32), credentialType: "oauth2", expiresAt: "2027-01-01T00:00:00Z" } });
      const a1 = await connect.handle(command(alice, "A1"));
      const a2 = await connect.handle(command(alice, "A2"));
      const b1 = await connect.handle(command(bob, "B1"));
      ok(a1.ok && a2.ok && b1.ok, "three connects");
      const aliases = async (/** @type {string} */ userId) => (await store.repository.findByUserId(userId)).map((r) => r.alias).sort();
      deepEqual(await aliases(alice), ["A1", "A2"], "Alice's connections");
      deepEqual(await aliases(bob), ["B1"], "Bob's connections");
      deepEqual((await store.repository.findActiveByUser(bob)).map((r) => r.alias), ["B1"], "Bob's active connections");
      const get = await new harness.api.GetProviderConnectionHandler(store.repository).handle({ userId: bob, connectionId: /** @type {any} */ (a1).value });
      deepEqual(get, { ok: false, error: "Connection not owned by user", code: "NOT_OWNED_BY_USER" }, "Bob reading Alice's connection");
      const disconnect = await new harness.api.DisconnectProviderHandler(store.repository, store.eventBus).handle({ userId: bob, connectionId: /** @type {any} */ (a1).value });
      deepEqual(disconnect, { ok: false, error: "Connection not owned by user", code: "NOT_OWNED_BY_USER" }, "Bob disconnecting Alice's connection");
      equal((await store.repository.findById(/** @type {any} */ (a1).value))?.status, "active", "Alice's connection after Bob's attempt");
      const bobs = await store.events({ userId: bob });
      deepEqual(bobs.map((e) => e.eventType), [
        "ProviderConnectionAttempted", "ProviderConnectionSucceeded", "ProviderDisconnectionAttempted", "ProviderDisconnectionFailed",
      ], "Bob's events");
      ok(bobs.every((e) => e.userId === bob), "only Bob's events");
      equal((await store.events({ userId: alice })).length, 4, "Alice's events");
    }),

    "the event log reads back in publishing order, with after and limit": onFresh(async ({ store }) => {
      const [alice, bob] = [uuid(), uuid()];
      const published = Array.from({ length: 30 }, (_, n) => event(n % 3 === 0 ? bob : alice, n));
      // Ids that sort the opposite way to the publishing order: the log's order is the store's.
      const descending = published.map((e) => e.eventId).sort().reverse();
      published.forEach((e, i) => (e.eventId = descending[i]));
      for (const e of published) await store.eventBus.publish(e);
      deepEqual(await store.events(), published, "every event, in order");
      deepEqual(await store.events({ limit: 7 }), published.slice(0, 7), "the first 7");
      deepEqual(await store.events({ after: published[9].eventId, limit: 5 }), published.slice(10, 15), "5 after the 10th");
      deepEqual(await store.events({ after: published[29].eventId }), [], "nothing after the last");
      const bobs = published.filter((e) => e.userId === bob);
      deepEqual(await store.events({ userId: bob }), bobs, "Bob's, in order");
      deepEqual(await store.events({ userId: bob, after: bobs[2].eventId, limit: 3 }), bobs.slice(3, 6), "Bob's after his third");
      const wrongUser = await rejects(store.events({ userId: bob, after: published[1].eventId }), "after another user's event is refused");
      ok(wrongUser instanceof RangeError, "a RangeError");
    }),

    "events() refuses a bad query, naming the field": onFresh(async ({ store }) => {
      for (const [query, field] of /** @type {[unknown, string][]} */ ([
        [{ limit: 0 }, "limit"], [{ limit: 10_001 }, "limit"], [{ limit: 1.5 }, "limit"], [{ limit: "5" }, "limit"],
        [{ userId: "alice" }, "userId"], [{ userId: 7 }, "userId"], [{ after: "x" }, "after"], [{ after: uuid() }, "after"], ["all", "query"],
      ])) {
        const error = await rejects(store.events(/** @type {any} */ (query)), `events(${JSON.stringify(query)}) is refused`);
        ok(String(/** @type {Error} */ (error).message).includes(field), `the error names ${field}: ${error}`);
      }
      const refused = await rejects(Promise.resolve().then(() => store.eventBus.publish(/** @type {any} */ ({ eventType: "X" }))), "an event without ids is refused");
      ok(String(/** @type {Error} */ (refused).message).includes("eventId"), `the error names eventId: ${refused}`);
      deepEqual(await store.events(), [], "nothing logged");
    }),

    "an event is kept as its JSON: what JSON leaves out does not read back, and one JSON cannot write is refused, naming it": onFresh(async ({ store }) => {
      const userId = uuid();
      const kept = event(userId, 0);
      await store.eventBus.publish(/** @type {any} */ ({ ...kept, skipped: undefined, callback: () => "not data" }));
      /** @type {any} */
      const cyclic = event(userId, 2);
      cyclic.self = cyclic;
      for (const [bad, what] of /** @type {[unknown, string][]} */ ([
        [{ ...event(userId, 1), amount: 10n }, "a BigInt"], [cyclic, "a cycle"], [{ ...event(userId, 3), toJSON: () => "text" }, "JSON that is not an object"],
      ])) {
        const refused = await rejects(Promise.resolve().then(() => store.eventBus.publish(/** @type {any} */ (bad))), `an event with ${what} is refused`);
        ok(refused instanceof TypeError && /the event .*JSON/.test(refused.message), `a TypeError naming the event: ${refused}`);
      }
      deepEqual(await store.events({ userId }), [kept], "the first event alone, without the fields JSON leaves out");
    }),

    "every event of the lifecycle reads back deep-equal to what was published": onFresh(async ({ store }) => {
      const published = [];
      const bus = { publish: async (/** @type {any} */ e) => { published.push(e); await store.eventBus.publish(e); } };
      const userId = uuid();
      const credentials = () => ({ encryptedData: secret(40), credentialType: "oauth2", expiresAt: "2027-03-01T10:00:00+01:00" });
      const connect = new harness.api.ConnectProviderHandler(store.repository, bus);
      const refresh = new harness.api.RefreshProviderTokensHandler(store.repository, bus);
      const disconnect = new harness.api.DisconnectProviderHandler(store.repository, bus);
      const connected = await connect.handle({ userId, providerId: uuid(), providerSlug: "schwab", alias: "Main", credentials: credentials() });
      ok(connected.ok, "connected");
      const connectionId = /** @type {any} */ (connected).value;
      await connect.handle({ userId, providerId: uuid(), providerSlug: "", credentials: credentials() });
      deepEqual(await refresh.handle({ userId, connectionId, credentials: credentials() }), { ok: true, value: null }, "refreshed");
      deepEqual(await disconnect.handle({ userId, connectionId }), { ok: true, value: null }, "disconnected");
      deepEqual(await refresh.handle({ userId, connectionId, credentials: credentials() }), { ok: false, error: "Connection is not active", code: "NOT_ACTIVE", needsUserAction: true }, "refresh refused");
      await disconnect.handle({ userId, connectionId: uuid() });
      equal(published.length, 12, "events published");
      deepEqual(await store.events({ userId }), published, "the log");
      const stored = await store.repository.findById(connectionId);
      equal(stored?.status, "disconnected", "status after disconnect");
      equal(stored?.credentials, null, "no secret kept after disconnect");
      equal(stored?.version, 3, "saved three times: connected, refreshed, disconnected");
    }),

    "a reopened database finds every record and event": onFresh(async (db) => {
      const userId = uuid();
      const records = [inStatus("active", { userId }), inStatus("disconnected", { userId }), inStatus("active", { userId, credentials: { encryptedData: secret(64 * 1024), credentialType: "certificate", expiresAt: T } })];
      for (const record of records) await db.store.repository.save(record);
      const events = [event(userId, 0), event(userId, 1)];
      for (const e of events) await db.store.eventBus.publish(e);
      const reopened = await db.reopen();
      await reopened.migrate();
      deepEqual(sorted(await reopened.repository.findByUserId(userId)), sorted(records), "the records");
      deepEqual(await reopened.repository.findById(records[2].id), records[2], "the 64 KiB secret");
      deepEqual(await reopened.repository.findExpiringBefore(T), [records[2]], "the expiring one");
      deepEqual(await reopened.events(), events, "the events");
    }),

    "migrate() from two clients at once, then once more, leaves one working schema": onFresh(async (db) => {
      await db.migrateConcurrently(2);
      await db.store.migrate();
      const record = conformanceRecord();
      await db.store.repository.save(record);
      deepEqual(await db.store.repository.findById(record.id), record, "a record after the concurrent migrations");
      const e = event(record.userId, 0);
      await db.store.eventBus.publish(e);
      deepEqual(await db.store.events(), [e], "an event after the concurrent migrations");
    }, false),

    ...writeCases(harness, onFresh),
    // A store without idempotency keys (IndexedDB: a browser app has no retried HTTP requests to answer) says so.
    ...(harness.idempotency === false ? {} : idempotencyCases(onFresh)),
    // A store without an outbox (Deno KV enqueues in its atomic() instead; IndexedDB) says so.
    ...(harness.outbox === false ? {} : outboxCases(onFresh)),
    // A store without sync clients (IndexedDB: it is the client) says so.
    ...(harness.sync === false ? {} : syncCases(onFresh)),
  };
  return Object.entries(cases).map(([name, run]) => ({ name, run }));
}
