// The store conformance suite on IndexedDB in headless Chromium (Debian's, through playwright-core):
// tests/browser/store-indexeddb.html loads the installed package through an import map and runs
// each case when asked; migrate() from other clients runs in module workers of that page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { storeConformanceCases } from "connect-provider/stores/conformance";
import { launchChromium } from "./support/chromium.mjs";
import { serveDirectory } from "./support/static-server.mjs";

const repo = fileURLToPath(new URL("../..", import.meta.url));
// The suite's names, read here so each case is a test of its own; the page runs them.
const names = storeConformanceCases(/** @type {any} */ ({ api: {}, idempotency: false, outbox: false, sync: false, fresh: () => Promise.reject() })).map((c) => c.name);
let context;
let server;
let page;
const pageErrors = [];

before(async () => {
  server = await serveDirectory(repo);
  context = await launchChromium();
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error));
  // What the suite's cases say of themselves (how the races went, a case skipped).
  page.on("console", (message) => message.text().startsWith("conformance:") && console.log(message.text()));
  await page.goto(`${server.url}/tests/browser/store-indexeddb.html`);
  try {
    await page.waitForFunction(() => "storeConformance" in window, null, { timeout: 30_000 });
  } catch (error) {
    throw new Error(`the page never set window.storeConformance; page errors: ${pageErrors.join("; ")}`, { cause: error });
  }
});
after(async () => {
  await context?.close();
  await server?.close();
});

test("the page has every case of the suite, and only those", async () => {
  const inPage = await page.evaluate(() => window.storeConformance.names);
  if (JSON.stringify(inPage) !== JSON.stringify(names)) throw new Error(`the page's cases differ: ${JSON.stringify(inPage)}`);
});

for (const name of names) {
  test(`indexedDbStore (Chromium): ${name}`, { timeout: 120_000 }, async () => {
    const failure = await page.evaluate((n) => window.storeConformance.run(n), name);
    if (failure) {
      const error = new Error(`${failure.message} (in Chromium)`);
      error.stack = `${error.message}\n${failure.stack}`;
      throw error;
    }
    if (pageErrors.length) throw new Error(`page errors: ${pageErrors.splice(0).join("; ")}`);
  });
}

test("a database of the app's version 2 (events keyed by eventId, its own keys) is upgraded in place by four clients at once", async () => {
  const outcome = await page.evaluate(async () => {
    const { indexedDbStore, migrateInWorkers, deleteDatabase } = window.storeTools;
    const name = `legacy-${crypto.randomUUID()}`;
    const settle = (request) => new Promise((resolve, reject) => { request.onsuccess = () => resolve(request.result); request.onerror = () => reject(request.error); });
    const userId = crypto.randomUUID();
    const legacy = await new Promise((resolve, reject) => {
      const open = indexedDB.open(name, 2);
      open.onupgradeneeded = () => {
        const connections = open.result.createObjectStore("connections", { keyPath: "id" });
        connections.createIndex("byUser", "userId");
        connections.createIndex("byUserStatus", ["userId", "status"]);
        connections.createIndex("byStatusExpiry", ["status", "credentials.expiresAt"]);
        open.result.createObjectStore("events", { keyPath: "eventId" }).createIndex("byUser", "userId");
        open.result.createObjectStore("keys");
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    // UUID v7 ids: their order is the order the old app published them in.
    const ids = ["0190f5b2-0000-7000-8000-000000000001", "0190f5b2-0000-7000-8000-000000000002", "0190f5b2-0000-7000-8000-000000000003"];
    const events = ids.map((eventId, n) => ({ eventType: "ProviderConnectionAttempted", eventId, occurredAt: new Date(n).toISOString(), userId, providerId: ids[0], providerSlug: "schwab" }));
    const record = { id: ids[2], userId, providerId: ids[0], providerSlug: "schwab", status: "active", alias: null, credentials: { encryptedData: new Uint8Array([1, 2, 3]), credentialType: "oauth2", expiresAt: "2027-01-01T00:00:00.000Z" }, connectedAt: null, lastSyncAt: null, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z" };
    const transaction = legacy.transaction(["connections", "events", "keys"], "readwrite");
    for (const e of [events[2], events[0], events[1]]) transaction.objectStore("events").put(e);
    transaction.objectStore("connections").put(record);
    transaction.objectStore("keys").put("the app's key", "credentials-aes-gcm");
    await new Promise((resolve) => (transaction.oncomplete = resolve));
    legacy.close();

    let versionChanges = 0;
    const store = indexedDbStore({ name, onVersionChange: () => (versionChanges += 1) });
    await Promise.all([store.migrate(), migrateInWorkers(name, 3)]);
    const raw = await settle(indexedDB.open(name));
    const log = raw.transaction("events").objectStore("events");
    const found = {
      version: raw.version,
      stores: [...raw.objectStoreNames],
      eventKey: [log.keyPath, log.autoIncrement, [...log.indexNames]],
      key: await settle(raw.transaction("keys").objectStore("keys").get("credentials-aes-gcm")),
      events: (await store.events({ userId })).map((e) => e.eventId),
      after: (await store.events({ after: ids[0], limit: 1 })).map((e) => e.eventId),
      record: JSON.stringify(await store.repository.findById(record.id), (_, v) => (v instanceof Uint8Array ? [...v] : v)),
    };
    raw.close();
    // A newer version elsewhere is not blocked: the store lets go, says so, and opens again when used.
    const newer = await new Promise((resolve, reject) => {
      const open = indexedDB.open(name, found.version + 1);
      open.onblocked = () => reject(new Error("blocked by the store"));
      open.onsuccess = () => { open.result.close(); resolve(open.result.version); };
    });
    found.newer = newer;
    found.versionChanges = versionChanges;
    found.afterNewer = (await store.events()).length;
    store.close();
    await deleteDatabase(name);
    // The app kept records before they had versions: each reads back as version 1.
    return { found, ids, record: JSON.stringify({ ...record, version: 1 }, (_, v) => (v instanceof Uint8Array ? [...v] : v)) };
  });
  const { found, ids, record } = outcome;
  const expect = (what, actual, expected) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: ${JSON.stringify(actual)} against ${JSON.stringify(expected)}`);
  };
  expect("the version", found.version, 3);
  expect("the object stores", found.stores, ["connections", "events", "keys"]);
  expect("the events store", found.eventKey, ["sequence", true, ["byEventId", "byUserSequence"]]);
  expect("the app's key", found.key, "the app's key");
  expect("the events, in eventId order", found.events, ids);
  expect("the event after the first", found.after, [ids[1]]);
  expect("the record", found.record, record);
  expect("the newer version", [found.newer, found.versionChanges, found.afterNewer], [4, 1, 3]);
});

test("two tabs on one database: 100 Refresh/Disconnect pairs raced from two pages end as if each pair ran one after the other", { timeout: 120_000 }, async () => {
  const second = await context.newPage();
  second.on("pageerror", (error) => pageErrors.push(error));
  try {
    await second.goto(`${server.url}/tests/browser/store-indexeddb.html`);
    await second.waitForFunction(() => "storeTools" in window, null, { timeout: 30_000 });
    const name = `two-tabs-${crypto.randomUUID()}`;
    const open = (tab) => tab.evaluate(async (name) => {
      window.twoTabs = window.storeTools.indexedDbStore({ name });
      await window.twoTabs.migrate();
    }, name);
    await open(page);
    await open(second);
    const { userId, ids } = await page.evaluate(async () => {
      const { api } = window.storeTools;
      const store = window.twoTabs;
      const userId = crypto.randomUUID();
      const connect = new api.ConnectProviderHandler(store.repository, store.eventBus);
      const results = await Promise.all(Array.from({ length: 100 }, (_, n) => connect.handle({
        userId, providerId: crypto.randomUUID(), providerSlug: "schwab", alias: `Tab account ${n}`,
        credentials: { encryptedData: crypto.getRandomValues(new Uint8Array(32)), credentialType: "oauth2", expiresAt: "2027-03-01T10:00:00.000Z" },
      })));
      if (!results.every((r) => r.ok)) throw new Error(`a connect failed: ${JSON.stringify(results.find((r) => !r.ok))}`);
      return { userId, ids: results.map((r) => r.value) };
    });
    // Each tab runs one command of every pair (the first tab the refresh of the even pairs and the
    // disconnect of the odd ones), each starting its 100 at the same instant on the shared clock.
    const startAt = Date.now() + 500;
    const race = (tab, role) => tab.evaluate(async ({ userId, ids, role, startAt }) => {
      const { api } = window.storeTools;
      const store = window.twoTabs;
      const refresh = new api.RefreshProviderTokensHandler(store.repository, store.eventBus);
      const disconnect = new api.DisconnectProviderHandler(store.repository, store.eventBus);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
      return Promise.all(ids.map((connectionId, n) => ((n + role) % 2 === 0
        ? refresh.handle({ userId, connectionId, credentials: { encryptedData: crypto.getRandomValues(new Uint8Array(48)), credentialType: "oauth2", expiresAt: null } })
        : disconnect.handle({ userId, connectionId }))));
    }, { userId, ids, role, startAt });
    const [first, other] = await Promise.all([race(page, 0), race(second, 1)]);
    const answers = ids.map((_, n) => (n % 2 === 0 ? [first[n], other[n]] : [other[n], first[n]]));
    const outcome = await page.evaluate(async ({ userId, ids, answers }) => {
      const { checkRacedPairs } = window.storeTools;
      const store = window.twoTabs;
      try {
        const log = await store.events({ userId, limit: 10_000 });
        const records = await store.repository.findByUserId(userId);
        return { refreshedFirst: checkRacedPairs({ ids, answers, log, records }) };
      } catch (error) {
        return { failure: String(error?.message ?? error) };
      }
    }, { userId, ids, answers });
    if (outcome.failure) throw new Error(outcome.failure);
    console.log(`two tabs: of 100 racing pairs, ${outcome.refreshedFirst} refreshed before the disconnect`);
    await second.evaluate(() => window.twoTabs.close());
    await page.evaluate(async (name) => {
      window.twoTabs.close();
      await window.storeTools.deleteDatabase(name);
    }, name);
    if (pageErrors.length) throw new Error(`page errors: ${pageErrors.splice(0).join("; ")}`);
  } finally {
    await second.close();
  }
});

test("a record an older store kept, without a version, reads back as version 1 and takes version 2", async () => {
  const outcome = await page.evaluate(async () => {
    const { indexedDbStore, setStoredVersion, deleteDatabase } = window.storeTools;
    const { conformanceRecord } = await import("connect-provider/stores/conformance");
    const name = `unversioned-${crypto.randomUUID()}`;
    const store = indexedDbStore({ name });
    try {
      const record = conformanceRecord();
      await store.repository.save(record);
      await setStoredVersion(name, record.id, undefined);
      const found = await store.repository.findById(record.id);
      const saved = await store.repository.save({ ...record, alias: "Next", version: 2 });
      return { version: found.version, keys: Object.keys(found), saved, alias: (await store.repository.findById(record.id)).alias };
    } finally {
      store.close();
      await deleteDatabase(name);
    }
  });
  const expected = {
    version: 1,
    keys: ["id", "userId", "providerId", "providerSlug", "status", "alias", "credentials", "connectedAt", "lastSyncAt", "createdAt", "updatedAt", "version"],
    saved: true,
    alias: "Next",
  };
  if (JSON.stringify(outcome) !== JSON.stringify(expected)) throw new Error(`${JSON.stringify(outcome)} against ${JSON.stringify(expected)}`);
});

test("replaceUser swaps one user's connections and events for the given ones in one transaction, and leaves other users alone", async () => {
  const outcome = await page.evaluate(async () => {
    const { indexedDbStore, deleteDatabase } = window.storeTools;
    const name = `rebase-${crypto.randomUUID()}`;
    const store = indexedDbStore({ name });
    const [me, other] = [crypto.randomUUID(), crypto.randomUUID()];
    const record = (userId, id, version = 1) => ({
      id, userId, providerId: crypto.randomUUID(), providerSlug: "schwab", status: "active", alias: null,
      credentials: { encryptedData: Uint8Array.of(7), credentialType: "api_key", expiresAt: null },
      connectedAt: "2026-01-01T00:00:00Z", lastSyncAt: null, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z", version,
    });
    const event = (userId, connectionId) => ({ eventType: "ProviderConnectionSucceeded", eventId: crypto.randomUUID(), occurredAt: "2026-01-01T00:00:00Z", userId, connectionId, providerId: crypto.randomUUID(), providerSlug: "schwab" });
    const [mineBefore, theirs, mineAfter] = [record(me, crypto.randomUUID()), record(other, crypto.randomUUID()), record(me, crypto.randomUUID(), 3)];
    await store.repository.commit(mineBefore, [event(me, mineBefore.id)]);
    await store.repository.commit(theirs, [event(other, theirs.id)]);
    const serverEvent = event(me, mineAfter.id);
    await store.replaceUser(me, { records: [mineAfter], events: [serverEvent] });
    const refused = [];
    const takingTheirs = { records: [{ ...record(me, theirs.id), alias: "taken" }], events: [event(me, theirs.id)] };
    const theirEvent = (await store.events({ userId: other }))[0];
    const refusals = [
      { records: [theirs], events: [] },
      { records: [{ ...mineAfter, version: 0 }], events: [] },
      { records: [], events: [event(other, theirs.id)] },
      takingTheirs,
      { records: [mineAfter, { ...mineAfter, alias: "twice" }], events: [] },
      { records: [mineAfter], events: [serverEvent, { ...theirEvent, userId: me }] },
      { records: [mineAfter], events: [serverEvent, serverEvent] },
    ];
    for (const state of refusals) {
      await store.replaceUser(me, state).then(() => refused.push("accepted"), (error) => refused.push(error.message));
    }
    const result = {
      mine: (await store.repository.findByUserId(me)).map((r) => [r.id === mineAfter.id, r.version]),
      myEvents: (await store.events({ userId: me })).map((e) => e.eventId === serverEvent.eventId),
      theirs: (await store.repository.findByUserId(other)).map((r) => [r.id === theirs.id, r.alias]),
      theirEvents: (await store.events({ userId: other })).length,
      refused,
    };
    store.close();
    await deleteDatabase(name);
    return result;
  });
  assert.deepEqual(outcome.mine, [[true, 3]], "the refused rebases changed nothing of mine");
  assert.deepEqual(outcome.myEvents, [true]);
  assert.deepEqual(outcome.theirs, [[true, null]], "a record under another user's connection id did not take it over");
  assert.equal(outcome.theirEvents, 1);
  assert.equal(outcome.refused.length, 7);
  assert.match(outcome.refused[0], /replaceUser: records\[0\]\.userId is not/);
  assert.match(outcome.refused[1], /record\.version must be a whole number/);
  assert.match(outcome.refused[2], /replaceUser: events\[0\]\.userId is not/);
  assert.equal(outcome.refused[3], "indexeddb store: replaceUser: records[0].id is another user's connection, or given twice");
  assert.equal(outcome.refused[4], "indexeddb store: replaceUser: records[1].id is given twice");
  assert.equal(outcome.refused[5], "indexeddb store: replaceUser: events[1].eventId is in another user's log");
  assert.equal(outcome.refused[6], "indexeddb store: replaceUser: events holds two events with the same eventId");
});

test("replaceUser keeps the log's events that agree with the given ones from its start, and replaces the rest: the log is then exactly the given events, in order", async () => {
  const outcome = await page.evaluate(async () => {
    const { indexedDbStore, deleteDatabase } = window.storeTools;
    const name = `rebase-keep-${crypto.randomUUID()}`;
    const store = indexedDbStore({ name });
    const [me, other] = [crypto.randomUUID(), crypto.randomUUID()];
    const record = (userId) => ({
      id: crypto.randomUUID(), userId, providerId: crypto.randomUUID(), providerSlug: "schwab", status: "active", alias: null,
      credentials: { encryptedData: Uint8Array.of(7), credentialType: "api_key", expiresAt: null },
      connectedAt: "2026-01-01T00:00:00Z", lastSyncAt: null, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z", version: 1,
    });
    const mine = record(me);
    const event = (userId, reason) => ({ eventType: "ProviderConnectionFailed", eventId: crypto.randomUUID(), occurredAt: "2026-01-01T00:00:00Z", userId, connectionId: mine.id, providerId: mine.providerId, providerSlug: "schwab", reason });
    const ids = async () => (await store.events({ userId: me })).map((e) => e.eventId);
    const [s1, s2, s3, s4, x] = ["one", "two", "three", "four", "in two's place"].map((reason) => event(me, reason));
    const steps = {};
    await store.replaceUser(me, { records: [mine], events: [s1, s2, s3] });
    await store.eventBus.publish(event(other, "theirs"));
    // The page's own events, after the service's: a rebase drops them.
    await store.eventBus.publish(event(me, "made here"));
    await store.eventBus.publish(event(me, "made here too"));
    await store.replaceUser(me, { records: [mine], events: [s1, s2, s3, s4] });
    steps.appended = (await ids()).join() === [s1, s2, s3, s4].map((e) => e.eventId).join();
    steps.afterTwo = (await store.events({ userId: me, after: s2.eventId })).map((e) => e.reason);
    // One in the middle replaced, and one with its id kept but its text changed: the log follows the given events.
    const s3Changed = { ...s3, reason: "Database error occurred" };
    await store.replaceUser(me, { records: [mine], events: [s1, x, s3Changed] });
    steps.replaced = JSON.stringify(await store.events({ userId: me })) === JSON.stringify([s1, x, s3Changed]);
    // A refused rebase (another user's connection taken) leaves the log as it was.
    const theirs = record(other);
    await store.repository.save(theirs);
    steps.refused = await store.replaceUser(me, { records: [{ ...theirs, userId: me }], events: [s1] }).then(() => "accepted", (error) => error.message);
    steps.afterRefusal = JSON.stringify(await store.events({ userId: me })) === JSON.stringify([s1, x, s3Changed]);
    await store.replaceUser(me, { records: [], events: [] });
    steps.emptied = await ids();
    steps.theirs = (await store.events({ userId: other })).map((e) => e.reason);
    store.close();
    await deleteDatabase(name);
    return steps;
  });
  assert.deepEqual(outcome, {
    appended: true,
    afterTwo: ["three", "four"],
    replaced: true,
    refused: "indexeddb store: replaceUser: records[0].id is another user's connection, or given twice",
    afterRefusal: true,
    emptied: [],
    theirs: ["theirs"],
  });
});

test("an expiry saved in another form Date.parse reads is kept as toISOString writes it, as the SQL stores keep it, and findExpiringBefore finds it", async () => {
  const outcome = await page.evaluate(async () => {
    const { indexedDbStore, deleteDatabase } = window.storeTools;
    const name = `expiry-${crypto.randomUUID()}`;
    const store = indexedDbStore({ name });
    const record = (expiresAt) => ({
      id: crypto.randomUUID(), userId: crypto.randomUUID(), providerId: crypto.randomUUID(), providerSlug: "schwab", status: "active", alias: null,
      credentials: { encryptedData: Uint8Array.of(7), credentialType: "api_key", expiresAt },
      connectedAt: "2026-01-01T00:00:00Z", lastSyncAt: null, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z", version: 1,
    });
    const [http, offset] = [record("Tue, 01 Dec 2026 11:00:00 GMT"), record("2026-12-01T12:30:00+02:00")];
    await store.repository.save(http);
    await store.repository.save(offset);
    const result = {
      found: (await store.repository.findExpiringBefore("2026-12-01T11:00:00.000Z")).map((r) => [r.id === http.id, r.credentials.expiresAt]).sort(),
      read: (await store.repository.findById(http.id)).credentials.expiresAt,
    };
    store.close();
    await deleteDatabase(name);
    return result;
  });
  assert.deepEqual(outcome, {
    found: [[false, "2026-12-01T10:30:00.000Z"], [true, "2026-12-01T11:00:00.000Z"]],
    read: "2026-12-01T11:00:00.000Z",
  });
});

test("a commit asked to keep an idempotency answer or a sync mutation, which IndexedDB keeps no table for, is refused whole", async () => {
  const outcome = await page.evaluate(async () => {
    const { indexedDbStore, deleteDatabase } = window.storeTools;
    const name = `options-${crypto.randomUUID()}`;
    const store = indexedDbStore({ name });
    const userId = crypto.randomUUID();
    const record = {
      id: crypto.randomUUID(), userId, providerId: crypto.randomUUID(), providerSlug: "schwab", status: "active", alias: null,
      credentials: { encryptedData: Uint8Array.of(7), credentialType: "api_key", expiresAt: null },
      connectedAt: "2026-01-01T00:00:00.000Z", lastSyncAt: null, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z", version: 1,
    };
    const event = { eventType: "ProviderConnectionSucceeded", eventId: crypto.randomUUID(), occurredAt: "2026-01-01T00:00:00.000Z", userId, connectionId: record.id, providerId: record.providerId, providerSlug: "schwab" };
    const refused = [];
    for (const options of [{ idempotency: { userId, key: "k", token: "t", response: { status: 201 } } }, { mutation: { clientId: "c", from: 0, to: 1 } }]) {
      await store.repository.commit(record, [event], options).then(() => refused.push("accepted"), (error) => refused.push(`${error.name}: ${error.message}`));
    }
    const result = { refused, saved: await store.repository.findById(record.id), events: (await store.events({ userId })).length, plain: await store.repository.commit(record, [event], {}) };
    store.close();
    await deleteDatabase(name);
    return result;
  });
  const message = "TypeError: indexeddb store: commit keeps no idempotency key or sync mutation (options.idempotency, options.mutation)";
  assert.deepEqual(outcome, { refused: [message, message], saved: null, events: 0, plain: true });
});
