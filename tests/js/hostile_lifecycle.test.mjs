// The lifecycle handlers against hostile commands and hostile repositories: every new field and
// every find gets the treatment ConnectProvider's decoding gets. Each answer is the documented
// result (an invalid command naming the field, or a database error saying what was wrong with
// the record), never a throw, a trap or a hang; nothing is saved; the handlers keep working.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DisconnectProviderHandler,
  GetProviderConnectionHandler,
  ListExpiringConnectionsHandler,
  ListProviderConnectionsHandler,
  RefreshProviderTokensHandler,
  wasmMemoryBytes,
} from "connect-provider";
import { CONNECTION_ID, LIFECYCLE_ERRORS as ERRORS, RECORD_KEYS, storedRecord, USER_ID } from "./contract/fixtures.mjs";

const DATABASE = `${ERRORS.DATABASE_ERROR}: `;
const databaseError = (why) => ({ ok: false, error: `${DATABASE}${why}`, code: "DATABASE_ERROR" });
const throwingGetter = (object, key) =>
  Object.defineProperty(object, key, {
    get() {
      throw new Error("getter says no");
    },
  });
/** A Proxy whose every trap the bridge could ask (its prototype, any property) throws the Proxy itself. */
const selfThrowingProxy = () => {
  const proxy = new Proxy({}, {
    getPrototypeOf() {
      throw proxy;
    },
    get() {
      throw proxy;
    },
  });
  return proxy;
};
const revokedProxy = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

/** Every lifecycle handler over a repository whose finds all answer `answer()`. */
function handlers(answer) {
  const saves = [];
  const events = [];
  const repository = {
    findById: () => answer(),
    findByUserId: () => answer(),
    findActiveByUser: () => answer(),
    findExpiringBefore: () => answer(),
    save: (record) => void saves.push(record),
  };
  const bus = { publish: (event) => void events.push(event) };
  return {
    saves,
    events,
    disconnect: new DisconnectProviderHandler(repository, bus),
    refresh: new RefreshProviderTokensHandler(repository, bus),
    get: new GetProviderConnectionHandler(repository),
    list: new ListProviderConnectionsHandler(repository),
    expiring: new ListExpiringConnectionsHandler(repository),
  };
}

const ref = { userId: USER_ID, connectionId: CONNECTION_ID };
const credentials = { encryptedData: new Uint8Array([1]), credentialType: "api_key" };

const invalidCommands = [
  ["disconnect", "a throwing connectionId getter", () => throwingGetter({ ...ref }, "connectionId"), "connectionId could not be read"],
  ["disconnect", "a Proxy whose get trap throws", () => new Proxy(ref, { get: () => { throw new Error("trap"); } }), "userId could not be read"],
  ["disconnect", "a revoked Proxy", revokedProxy, "command must be an object"],
  ["disconnect", "connectionId a megabyte string", () => ({ ...ref, connectionId: "c".repeat(1 << 20) }), "connectionId must be a UUID string"],
  ["disconnect", "connectionId a String object", () => ({ ...ref, connectionId: Object(CONNECTION_ID) }), "connectionId must be a UUID string"],
  ["refresh", "a throwing userId getter", () => throwingGetter({ ...ref, credentials }, "userId"), "userId could not be read"],
  ["refresh", "a Symbol", () => Symbol("refresh"), "command must be an object"],
  ["get", "connectionId a BigInt", () => ({ ...ref, connectionId: 1n }), "connectionId must be a UUID string"],
  ["list", "a throwing activeOnly getter", () => throwingGetter({ userId: USER_ID }, "activeOnly"), "activeOnly could not be read"],
  ["list", "activeOnly a Boolean object", () => ({ userId: USER_ID, activeOnly: Object(true) }), "activeOnly must be a boolean"],
  ["list", "activeOnly 1", () => ({ userId: USER_ID, activeOnly: 1 }), "activeOnly must be a boolean"],
  ["expiring", "a throwing withinMinutes getter", () => throwingGetter({}, "withinMinutes"), "withinMinutes could not be read"],
  ["expiring", "withinMinutes Infinity", () => ({ withinMinutes: Infinity }), "withinMinutes must be a whole number from 0 to 10080"],
  ["expiring", "withinMinutes -0.5", () => ({ withinMinutes: -0.5 }), "withinMinutes must be a whole number from 0 to 10080"],
  ["expiring", "withinMinutes a BigInt", () => ({ withinMinutes: 30n }), "withinMinutes must be a whole number from 0 to 10080"],
  ["expiring", "a number", () => 30, "command must be an object"],
];

for (const [handler, name, make, why] of invalidCommands) {
  test(`${handler}, invalid command: ${name}`, async () => {
    const all = handlers(() => [storedRecord()]);
    const refusal = { ok: false, error: `${ERRORS.INVALID_COMMAND}: ${why}`, code: "INVALID_COMMAND" };
    assert.deepEqual(await all[handler].handle(make()), handler === "refresh" ? { ...refusal, needsUserAction: false } : refusal);
    assert.deepEqual([all.events.length, all.saves.length], [0, 0]);
  });
}

test("refresh with hostile credentials is refused as invalid credentials after the lookup", async () => {
  for (const hostile of [
    throwingGetter({ ...credentials }, "encryptedData"),
    new Proxy(credentials, { get: () => { throw new Error("trap"); } }),
    { ...credentials, encryptedData: new Uint8Array(64 * 1024 + 1) },
    { ...credentials, credentialType: "o".repeat(1 << 20) },
    revokedProxy(),
  ]) {
    const all = handlers(() => storedRecord());
    assert.deepEqual(await all.refresh.handle({ ...ref, credentials: hostile }), { ok: false, error: ERRORS.INVALID_CREDENTIALS, code: "INVALID_CREDENTIALS", needsUserAction: false });
    assert.deepEqual(all.events.map((e) => [e.eventType, e.needsUserAction]), [["ProviderTokenRefreshAttempted", undefined], ["ProviderTokenRefreshFailed", false]]);
    assert.equal(all.saves.length, 0);
  }
});

/** Records a repository might hand back, and what the handlers say of each. */
const hostileRecords = [
  ["a string", () => "row", "invalid stored connection: not an object"],
  ["an array", () => [storedRecord()], "invalid stored connection: not an object"],
  ["a function", () => () => storedRecord(), "invalid stored connection: not an object"],
  ["a Symbol", () => Symbol("row"), "invalid stored connection: not an object"],
  // Awaiting what findById returned reads its `then`, which throws here: the find rejected.
  ["a revoked Proxy", revokedProxy, "Cannot perform 'get' on a proxy that has been revoked"],
  ["a Proxy whose get trap throws", () => new Proxy(storedRecord(), { get: () => { throw new Error("trap"); } }), "trap"],
  ["a Proxy whose ownKeys trap throws", () => new Proxy(storedRecord(), { ownKeys: () => { throw new Error("keys"); } }), "invalid stored connection: could not be read (keys)"],
  ["a throwing status getter", () => throwingGetter(storedRecord(), "status"), "invalid stored connection: could not be read (getter says no)"],
  // What the getter throws has no words, and asking its prototype throws too: still a refusal, never a trap.
  ["a getter that throws a Proxy whose every trap throws", () => Object.defineProperty(storedRecord(), "id", { enumerable: true, get: () => { throw selfThrowingProxy(); } }), "invalid stored connection: could not be read (unknown error)"],
  ["a cycle", () => { const r = storedRecord(); r.self = r; return r; }, "invalid stored connection: self.self.self.self.credentials.encryptedData is nested too deeply"],
  ["a million keys", () => Object.fromEntries(Array.from({ length: 1_000_000 }, (_, i) => [`k${i}`, i])), "invalid stored connection: has more than 64 properties"],
  ["a megabyte of credential bytes", () => storedRecord({ credentials: { ...storedRecord().credentials, encryptedData: new Uint8Array(1 << 20) } }), "invalid stored connection: credentials.encryptedData holds more than 65536 bytes"],
  ["encryptedData a Proxy of a Uint8Array", () => storedRecord({ credentials: { ...storedRecord().credentials, encryptedData: new Proxy(new Uint8Array([1]), {}) } }), "invalid stored connection: credentials.encryptedData: expected a Uint8Array"],
  ["credentials an array", () => storedRecord({ credentials: [1, 2, 3] }), "invalid stored connection: credentials: invalid type: an array, expected struct ProviderCredentialsRecord"],
  ["a record that is an object with the secret as its value", () => storedRecord({ status: { secret: [222, 173] } }), "invalid stored connection: status: invalid type: an object, expected a string"],
  ["a BigInt field", () => storedRecord({ lastSyncAt: 1n }), "invalid stored connection: lastSyncAt is a bigint"],
  ["a slug of a megabyte", () => storedRecord({ providerSlug: "s".repeat(1 << 20) }), "invalid stored connection: providerSlug is longer than 1024 characters"],
  ["a lone surrogate in the alias", () => storedRecord({ alias: "\ud800" }), "invalid stored connection: alias contains a lone UTF-16 surrogate"],
  ["a timestamp of the year 20000", () => storedRecord({ createdAt: "+020000-01-01T00:00:00.000Z" }), 'invalid stored connection: createdAt: "+020000-01-01T00:00:00.000Z" is not an RFC 3339 timestamp'],
  ["a version of -1", () => storedRecord({ version: -1 }), "invalid stored connection: version: invalid value: a number that is not a whole number from 0 to 2^53 - 1, expected u64"],
  ["a version of NaN", () => storedRecord({ version: Number.NaN }), "invalid stored connection: version: invalid value: a number that is not a whole number from 0 to 2^53 - 1, expected u64"],
  ["a version of Infinity", () => storedRecord({ version: Infinity }), "invalid stored connection: version: invalid value: a number that is not a whole number from 0 to 2^53 - 1, expected u64"],
  ["a version of 2 ** 53, past the safe integers", () => storedRecord({ version: 2 ** 53 }), "invalid stored connection: version: invalid value: a number that is not a whole number from 0 to 2^53 - 1, expected u64"],
  ["a version that is a BigInt", () => storedRecord({ version: 2n }), "invalid stored connection: version is a bigint"],
  ["a version that is true", () => storedRecord({ version: true }), "invalid stored connection: version: invalid type: boolean `true`, expected u64"],
  ["a version that is a Number object", () => storedRecord({ version: Object(2) }), "invalid stored connection: version: invalid type: an object, expected u64"],
];

for (const [name, make, why] of hostileRecords) {
  test(`a stored record that is ${name}: a database error for each handler, nothing saved`, async () => {
    const single = handlers(make);
    const error = { ok: false, error: `${DATABASE}${why}`, code: "DATABASE_ERROR" };
    assert.deepEqual(await single.get.handle(ref), error);
    assert.deepEqual(await single.disconnect.handle(ref), error);
    assert.deepEqual(await single.refresh.handle({ ...ref, credentials }), { ...error, needsUserAction: false });
    assert.equal(single.saves.length, 0);
    assert.deepEqual(single.events.map((e) => [e.eventType, e.providerId, e.reason]), [
      ["ProviderDisconnectionAttempted", null, undefined],
      ["ProviderDisconnectionFailed", null, error.error],
      ["ProviderTokenRefreshAttempted", null, undefined],
      ["ProviderTokenRefreshFailed", null, error.error],
    ]);
  });
}

test("a stored secret in an unexpected form is never quoted in the error or the events", async () => {
  const secret = [0xde, 0xad, 0xbe, 0xef, 0x42];
  for (const encryptedData of [{ type: "Buffer", data: secret }, Object.fromEntries(secret.map((b, i) => [i, b])), secret.map(String)]) {
    const record = () => storedRecord({ credentials: { encryptedData, credentialType: "oauth2", expiresAt: null } });
    const all = handlers(record);
    const list = handlers(() => [record()]).list;
    const results = [await all.get.handle(ref), await all.disconnect.handle(ref), await list.handle({ userId: USER_ID })];
    const said = JSON.stringify([results, all.events]);
    for (const form of [secret.join(","), secret.join(", "), `"222"`, "222,173"]) assert.ok(!said.includes(form), `${form} in ${said}`);
    assert.ok(results.every((result) => result.ok === false && result.error.includes("encryptedData")), said);
  }
});

test("stored bytes in a Uint8Array subclass whose length getter throws, or detached, are read through internal slots", async () => {
  class Lying extends Uint8Array {
    get length() {
      throw new Error("lying getter");
    }
  }
  const lying = storedRecord({ credentials: { ...storedRecord().credentials, encryptedData: new Lying([9, 8, 7]) } });
  const { get, disconnect, saves } = handlers(() => lying);
  assert.deepEqual([(await get.handle(ref)).ok, (await disconnect.handle(ref)).ok, saves.length], [true, true, 1]);
  const detached = new Uint8Array([1, 2]);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  const emptied = storedRecord({ credentials: { ...storedRecord().credentials, encryptedData: detached } });
  assert.deepEqual(await handlers(() => emptied).get.handle(ref), {
    ok: false,
    error: `${DATABASE}invalid stored connection: credentials: encrypted_data cannot be empty`,
    code: "DATABASE_ERROR",
  });
});

test("a stored record whose timestamps are Date objects is read as their ISO strings", async () => {
  const record = storedRecord({ createdAt: new Date("2026-11-26T15:21:29.123Z"), updatedAt: new Date("2026-11-27T00:00:00Z") });
  const { value } = await handlers(() => record).get.handle(ref);
  assert.deepEqual([value.createdAt, value.updatedAt], ["2026-11-26T15:21:29.123Z", "2026-11-27T00:00:00.000Z"]);
});

test("a list of a million records is refused before any is read, and memory does not grow", async () => {
  const million = new Array(1_000_000).fill(storedRecord());
  const all = handlers(() => million);
  await all.list.handle({ userId: USER_ID });
  const before = wasmMemoryBytes();
  for (let i = 0; i < 5; i++) {
    assert.deepEqual(await all.list.handle({ userId: USER_ID }), databaseError("findByUserId returned more than 10000 connections"));
    assert.deepEqual(await all.expiring.handle({}), databaseError("findExpiringBefore returned more than 10000 connections"));
  }
  assert.equal(wasmMemoryBytes(), before);
});

test("10,000 records are the most a list reads", async () => {
  const at = (i) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  const many = Array.from({ length: 10_000 }, (_, i) => storedRecord({ id: `0190f5b2-3c4d-7e8f-9a0b-${String(i).padStart(12, "0")}`, createdAt: at(i) }));
  const { ok, value } = await handlers(() => many).list.handle({ userId: USER_ID });
  assert.deepEqual([ok, value.totalCount, value.activeCount, value.connections[0].createdAt], [true, 10_000, 10_000, at(9_999)]);
  const one = await handlers(() => [...many, storedRecord()]).list.handle({ userId: USER_ID });
  assert.deepEqual(one, databaseError("findByUserId returned more than 10000 connections"));
});

test("lists whose answer is not a list of records", async () => {
  for (const [answer, why] of [
    [() => null, "findByUserId did not return an array"],
    [() => ({ length: 1, 0: storedRecord() }), "findByUserId did not return an array"],
    [() => revokedProxy(), "Cannot perform 'get' on a proxy that has been revoked"],
    [() => new Proxy([storedRecord()], { get: (t, k) => (k === "length" ? (() => { throw new Error("length"); })() : t[k]) }), "invalid stored connection: could not be read (length)"],
    // A Proxy of an array may answer a length that is no count: refused, and the pack's budget kept.
    ...[-1e12, Number.NaN, 1.5, "1", 2 ** 40].map((length) => [() => new Proxy([], { get: (t, k) => (k === "length" ? length : Reflect.get(t, k)) }), "findByUserId returned more than 10000 connections"]),
    [() => [storedRecord({ credentials: new Proxy([], { get: (t, k) => (k === "length" ? -1 : Reflect.get(t, k)) }) })], "invalid stored connection: [0].credentials has more than 64 items"],
    [() => [Object.defineProperty(storedRecord(), "alias", { enumerable: true, get: () => { throw selfThrowingProxy(); } })], "invalid stored connection: could not be read (unknown error)"],
    [() => [storedRecord(), null], "invalid stored connection: [1]: invalid type: unit value, expected struct ProviderConnectionRecord"],
    [() => [storedRecord(), 5], "invalid stored connection: [1]: invalid type: a number, expected struct ProviderConnectionRecord"],
    [() => [, storedRecord()], "invalid stored connection: [0]: invalid type: unit value, expected struct ProviderConnectionRecord"],
  ]) {
    assert.deepEqual(await handlers(answer).list.handle({ userId: USER_ID }), databaseError(why));
  }
});

test("repository methods that throw, reject oddly, never settle or vanish between calls", async () => {
  const symbol = await new GetProviderConnectionHandler({ findById: () => Promise.reject(Symbol("nope")) }).handle(ref);
  assert.deepEqual(symbol, databaseError("Symbol(nope)"));
  const thenable = await new GetProviderConnectionHandler({ findById: () => ({ get then() { throw new Error("then getter"); } }) }).handle(ref);
  assert.deepEqual(thenable, databaseError("then getter"));
  const late = await new ListExpiringConnectionsHandler({ findExpiringBefore: () => ({ then() {} }) }, { timeoutMs: 20 }).handle({});
  assert.deepEqual(late, databaseError("findExpiringBefore timed out after 20 ms"));
  const repository = { findByUserId: () => [], findActiveByUser: () => [] };
  const list = new ListProviderConnectionsHandler(repository);
  assert.equal((await list.handle({ userId: USER_ID })).ok, true);
  delete repository.findByUserId;
  const gone = await list.handle({ userId: USER_ID });
  assert.deepEqual([gone.ok, gone.code], [false, "DATABASE_ERROR"]);
  assert.match(gone.error, /^Database error occurred: .*findByUserId is not a function$/);
});

test("each handler's constructor names the one method it lacks, and needs no other", () => {
  const bus = { publish() {} };
  const cases = [
    [() => new DisconnectProviderHandler({ save() {} }, bus), "DisconnectProviderHandler: repository.findById must be a function"],
    [() => new DisconnectProviderHandler({ findById() {} }, bus), "DisconnectProviderHandler: repository.save must be a function"],
    [() => new RefreshProviderTokensHandler({ findById() {}, save() {} }, {}), "RefreshProviderTokensHandler: eventBus.publish must be a function"],
    [() => new GetProviderConnectionHandler({}), "GetProviderConnectionHandler: repository.findById must be a function"],
    [() => new ListProviderConnectionsHandler({ findByUserId() {} }), "ListProviderConnectionsHandler: repository.findActiveByUser must be a function"],
    [() => new ListExpiringConnectionsHandler(null), "ListExpiringConnectionsHandler: repository.findExpiringBefore must be a function"],
    [() => new ListExpiringConnectionsHandler({ findExpiringBefore() {} }, { timeoutMs: 0 }), "ListExpiringConnectionsHandler: options.timeoutMs must be a number of milliseconds from 1 to 2147483647"],
  ];
  for (const [make, message] of cases) assert.throws(make, { name: "TypeError", message });
  new DisconnectProviderHandler({ findById() {}, save() {} }, bus).free();
  new GetProviderConnectionHandler({ findById() {} }).free();
  new ListProviderConnectionsHandler({ findByUserId() {}, findActiveByUser() {} }).free();
});

/** What a read can make a query or a disconnection answer: its code, by its exact error (or how it starts). */
function codeOf(error) {
  if (error === ERRORS.CONNECTION_NOT_FOUND) return "CONNECTION_NOT_FOUND";
  if (error === ERRORS.NOT_OWNED_BY_USER) return "NOT_OWNED_BY_USER";
  if (error.startsWith(DATABASE)) return "DATABASE_ERROR";
  return `no code for ${error}`;
}

test("property: any JS value from findById or findByUserId gets a well-formed answer", async () => {
  const { default: fc } = await import("fast-check");
  const value = fc.anything({ withBigInt: true, withTypedArray: true, withSparseArray: true, withMap: true, withDate: true, withNullPrototype: true });
  const record = fc.oneof(value, fc.record({ key: fc.constantFrom(...Object.keys(storedRecord())), value }).map(({ key, value }) => storedRecord({ [key]: value })));
  await fc.assert(
    fc.asyncProperty(record, async (answer) => {
      const all = handlers(() => answer);
      const got = await all.get.handle(ref);
      if (!got.ok) assert.equal(got.code, codeOf(got.error), got.error);
      const listed = await handlers(() => [answer]).list.handle({ userId: USER_ID });
      if (!listed.ok) assert.deepEqual([listed.code, listed.error.startsWith(DATABASE)], ["DATABASE_ERROR", true], listed.error);
      const disconnected = await all.disconnect.handle(ref);
      if (disconnected.ok) {
        assert.equal(all.saves.length, 1);
        assert.deepEqual(Object.keys(all.saves[0]), RECORD_KEYS);
        assert.equal(all.saves[0].version, (answer.version ?? 1) + 1);
      } else {
        assert.equal(disconnected.code, codeOf(disconnected.error), disconnected.error);
        assert.equal(all.saves.length, 0);
      }
    }),
    { numRuns: 400 },
  );
  const { ok } = await handlers(() => storedRecord()).get.handle(ref);
  assert.equal(ok, true);
});

test("findById answering another id's record is no connection: nothing is changed or saved, and Get shows nothing", async () => {
  const OTHER_ID = "0190f5b2-3c4d-7e8f-9a0b-0000000000ff";
  const all = handlers(() => storedRecord({ id: OTHER_ID }));
  const notFound = { ok: false, error: ERRORS.CONNECTION_NOT_FOUND, code: "CONNECTION_NOT_FOUND" };
  assert.deepEqual(await all.disconnect.handle(ref), notFound);
  assert.deepEqual(await all.refresh.handle({ ...ref, credentials: { encryptedData: new Uint8Array([1]), credentialType: "api_key" } }), { ...notFound, needsUserAction: false });
  assert.deepEqual(await all.get.handle(ref), notFound);
  assert.deepEqual(all.saves, [], "nothing saved");
  assert.deepEqual(all.events.map((e) => [e.eventType, e.connectionId, e.reason]), [
    ["ProviderDisconnectionAttempted", CONNECTION_ID, undefined],
    ["ProviderDisconnectionFailed", CONNECTION_ID, ERRORS.CONNECTION_NOT_FOUND],
    ["ProviderTokenRefreshAttempted", CONNECTION_ID, undefined],
    ["ProviderTokenRefreshFailed", CONNECTION_ID, ERRORS.CONNECTION_NOT_FOUND],
  ]);
});
