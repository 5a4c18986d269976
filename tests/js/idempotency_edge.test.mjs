// The services' Idempotency-Key in one process, over an in-memory SQLite store, for what the attack
// suite cannot make happen on a running deployment: the header's forms, a 5xx, a handler's 409 and
// an exception each releasing the key (and the route's own 400 kept), a retry across a key
// rotation, and the periodic purge.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import Database from "better-sqlite3";
import { SignJWT } from "jose";
import { sqliteStore } from "connect-provider/stores/sqlite";
import {
  readConfig,
  runKeyExpiry,
  HttpError,
  inProcessLimiter,
  createService,
} from "connect-provider/service";
import { canonicalJson, idempotencyKeyOf, MALFORMED_KEY } from "../../node_modules/connect-provider/service/idempotency-key.js";
import { KEY_REUSED, LEASE_MS, RUNNING_FOR_MS, retryAfterSeconds } from "../../node_modules/connect-provider/service/idempotent-routes.js";

const HOUR = 3_600_000;
/** The Idempotency-Key header's pattern in the API's description. */
const OPENAPI_KEY = new RegExp(JSON.parse(readFileSync(new URL("../../pkg-template/service/openapi.json", import.meta.url), "utf8")).components.parameters.IdempotencyKey.schema.pattern);
const key32 = () => randomBytes(32).toString("base64");

/** A log that keeps its lines. */
function memoryLog() {
  const lines = [];
  return { lines, request: (fields) => lines.push(fields), info: (fields) => lines.push(fields), error: (fields) => lines.push({ level: "error", ...fields }) };
}

/** A store on a fresh in-memory database, migrated. */
async function freshStore() {
  const store = sqliteStore(new Database(":memory:"));
  await store.migrate();
  return store;
}

/**
 * The service's app over `store`, and a keyed POST as one user.
 * @param {import("connect-provider/stores/sqlite").IdempotentConnectionStore} store
 */
async function serviceOver(store, env = { AUTH_JWT_SECRET: SECRET, CREDENTIALS_KEY: key32() }) {
  const log = memoryLog();
  const app = await createService({ config: readConfig(env), store, limiter: inProcessLimiter({ limit: 1_000 }), log });
  return {
    log,
    /** @param {string} path @param {string} key @param {unknown} body JSON text as it is, anything else stringified @param {Record<string, string>} [headers] */
    async post(path, key, body, headers = {}) {
      const response = await app(new Request(`http://service.test${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "idempotency-key": key, ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }));
      return { status: response.status, replayed: response.headers.get("idempotent-replayed"), json: await response.json() };
    },
    /** A DELETE with `key`: its status, whether replayed, and its body's text. @param {string} path @param {string} key @param {Record<string, string>} [headers] */
    async delete(path, key, headers = {}) {
      const response = await app(new Request(`http://service.test${path}`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}`, "idempotency-key": key, ...headers } }));
      return { status: response.status, replayed: response.headers.get("idempotent-replayed"), text: await response.text() };
    },
  };
}

const SECRET = key32();
const USER = randomUUID();
const TOKEN = await new SignJWT({ sub: USER }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("10m").sign(new TextEncoder().encode(SECRET));
const connectBody = () => ({ providerId: randomUUID(), providerSlug: "schwab", credentials: { secret: `sk_${randomUUID()}`, credentialType: "oauth2" } });

test("Idempotency-Key: the bare form and the draft's sf-string are one key; empty is none; anything else not 1 to 255 visible ASCII characters is 400; openapi.json's pattern takes exactly the keys taken", () => {
  const keyOf = (/** @type {string | undefined} */ value) => idempotencyKeyOf(new Request("http://service.test/", { headers: value === undefined ? {} : { "idempotency-key": value } }));
  for (const [value, key] of /** @type {[string | undefined, string | null][]} */ ([
    [undefined, null], ["", null], ["abc", "abc"], ['"abc"', "abc"], ['"a\\"b\\\\c"', 'a"b\\c'], ['"a\\b"', '"a\\b"'], ['"', '"'], ['"abc', '"abc'],
    ["k".repeat(255), "k".repeat(255)], [`"${"k".repeat(255)}"`, "k".repeat(255)], [`"${'\\"'.repeat(255)}"`, '"'.repeat(255)],
  ])) {
    assert.equal(keyOf(value), key, JSON.stringify(value));
    if (value !== undefined) assert.match(value, OPENAPI_KEY, `openapi.json's pattern takes ${JSON.stringify(value)}`);
  }
  for (const value of ["k".repeat(256), `"${"k".repeat(256)}"`, `"${'\\"'.repeat(256)}"`, "a b", '"a b"', '""', "a\tb", "caf\u00e9", "one, two"]) {
    assert.throws(() => keyOf(value), (error) => error instanceof HttpError && error.status === 400 && error.message === MALFORMED_KEY, JSON.stringify(value));
    assert.doesNotMatch(value, OPENAPI_KEY, `openapi.json's pattern refuses ${JSON.stringify(value)}`);
  }
});

test("Idempotency-Key: a running claim's Retry-After is 1 s while it is younger than 15 s, then the seconds left of its lease", () => {
  const now = 1_000_000_000;
  const at = (/** @type {number} */ age) => retryAfterSeconds(now - age + LEASE_MS, now);
  assert.deepEqual([LEASE_MS, RUNNING_FOR_MS], [60_000, 15_000]);
  assert.deepEqual([at(0), at(1), at(14_999)], [1, 1, 1], "young: 1 s");
  assert.deepEqual([at(15_000), at(15_001), at(40_000), at(59_001), at(59_999)], [45, 45, 20, 1, 1], "older: the rest of the lease, rounded up");
  assert.equal(at(60_000), 1, "a lease just over: 1 s (the next claim takes it over)");
  assert.equal(retryAfterSeconds(now + 10 * LEASE_MS, now), 1, "a lease past this host's clock by more than a lease: taken as new");
  assert.equal(retryAfterSeconds(/** @type {any} */ (undefined), now), 1, "a store that answers no lockedUntil: 1 s, not NaN");
});

test("Idempotency-Key: the fingerprint's canonical JSON is the same for any key order, and refuses nesting over 64 levels", () => {
  assert.equal(canonicalJson({ b: [1, { d: null, c: "é" }], a: true }, 0), '{"a":true,"b":[1,{"c":"é","d":null}]}');
  assert.equal(canonicalJson(JSON.parse('{"x":1e2,"y":"\\u0041"}'), 0), '{"x":100,"y":"A"}');
  let deep = {};
  for (let i = 0; i < 64; i += 1) deep = { deep };
  assert.throws(() => canonicalJson(deep, 0), (error) => error instanceof HttpError && error.status === 400);
  assert.doesNotThrow(() => canonicalJson(deep.deep, 0));
});

test("Idempotency-Key: a number JSON text holds but JSON cannot write (1e400, read as Infinity) is not null in the fingerprint: the same key with it is another request, 422", async () => {
  assert.equal(canonicalJson(JSON.parse('{"a":1e400,"b":-1e400,"c":null}'), 0), '{"a":Infinity,"b":-Infinity,"c":null}');
  const service = await serviceOver(await freshStore());
  const body = { ...connectBody(), alias: null };
  const first = await service.post("/connections", "alias-once", body);
  assert.equal(first.status, 201);
  const again = await service.post("/connections", "alias-once", JSON.stringify(body).replace('"alias":null', '"alias":1e400'));
  assert.deepEqual([again.status, again.replayed, again.json], [422, null, { error: KEY_REUSED }], "not the first answer replayed");
  const fresh = await service.post("/connections", "alias-other", JSON.stringify(body).replace('"alias":null', '"alias":1e400'));
  assert.equal(fresh.status, 400, "under a key of its own, the route refuses it");
});

test("Idempotency-Key: a 5xx releases the key (the retry runs); so does a handler's 409 (writers kept racing) and an exception in the route; the route's own 400 is kept", async () => {
  const store = await freshStore();
  let failCommits = 0;
  let staleCommits = 0;
  let routeBroken = false;
  const flaky = {
    ...store,
    repository: {
      ...store.repository,
      // Read when a keyed request wraps the repository: undefined, the route's handler throws a TypeError.
      get findById() {
        return routeBroken ? undefined : store.repository.findById;
      },
      get findOwned() {
        return routeBroken ? undefined : store.repository.findOwned;
      },
      async commit(record, events, options) {
        if (failCommits > 0) {
          failCommits -= 1;
          throw new Error("database went away");
        }
        if (staleCommits > 0) {
          staleCommits -= 1;
          return false;
        }
        return store.repository.commit(record, events, options);
      },
    },
  };
  const service = await serviceOver(flaky);
  const body = connectBody();
  failCommits = 1;
  const failed = await service.post("/connections", "after-500", body);
  assert.equal(failed.status, 500);
  assert.deepEqual(await store.repository.findByUserId(USER), [], "the failed commit saved nothing");
  const ran = await service.post("/connections", "after-500", body);
  assert.deepEqual([ran.status, ran.replayed], [201, null], "the retry ran");
  assert.deepEqual(await service.post("/connections", "after-500", body), { status: 201, replayed: "true", json: ran.json });

  const refreshBody = { credentials: { secret: "sk_refresh", credentialType: "oauth2" } };
  staleCommits = 100;
  const conflict = await service.post(`/providers/${ran.json.id}/token-refreshes`, "after-409", refreshBody);
  assert.equal(conflict.status, 409, JSON.stringify(conflict.json));
  assert.deepEqual(conflict.json, { error: "Connection was changed by another command; try again" });
  staleCommits = 0;
  const refreshed = await service.post(`/providers/${ran.json.id}/token-refreshes`, "after-409", refreshBody);
  assert.deepEqual([refreshed.status, refreshed.replayed], [201, null], "the retry ran");
  // What was saved: one connection, at its second version, and each attempt's events, the failed ones' too.
  const id = ran.json.id;
  assert.deepEqual(
    (await store.events({ userId: USER })).map((e) => [e.eventType, e.reason ?? e.connectionId ?? null]),
    [
      ["ProviderConnectionAttempted", null],
      ["ProviderConnectionFailed", "Database error occurred: database went away"],
      ["ProviderConnectionAttempted", null],
      ["ProviderConnectionSucceeded", id],
      ["ProviderTokenRefreshAttempted", id],
      ["ProviderTokenRefreshFailed", "Connection was changed by another command; try again"],
      ["ProviderTokenRefreshAttempted", id],
      ["ProviderTokenRefreshSucceeded", id],
    ],
  );
  assert.deepEqual((await store.repository.findByUserId(USER)).map((r) => [r.id, r.version, r.status]), [[id, 2, "active"]]);

  // The route's own refusals (If-Match, a NUL) are answers like the handlers': kept, so the key runs no other body.
  const weak = { "if-match": 'W/"1"' };
  const refused = await service.post(`/providers/${ran.json.id}/token-refreshes`, "after-400", refreshBody, weak);
  assert.deepEqual(refused, { status: 400, replayed: null, json: { error: 'If-Match must be one version\'s entity tag, as ETag gives it ("3"), or *' } });
  assert.deepEqual(await service.post(`/providers/${ran.json.id}/token-refreshes`, "after-400", refreshBody, weak), { ...refused, replayed: "true" });
  const other = await service.post(`/providers/${ran.json.id}/token-refreshes`, "after-400", { credentials: { secret: "sk_other", credentialType: "oauth2" } });
  assert.equal(other.status, 422, "another request with the key");
  const nul = await service.post("/connections", "after-nul", { ...connectBody(), alias: "a\u0000" });
  assert.deepEqual([nul.status, nul.json], [400, { error: "Invalid command: alias contains U+0000" }]);
  assert.equal((await service.post("/connections", "after-nul", connectBody())).status, 422, "a valid body under the refused request's key");

  routeBroken = true;
  const thrown = await service.post(`/providers/${ran.json.id}/token-refreshes`, "after-exception", refreshBody);
  routeBroken = false;
  assert.equal(thrown.status, 500, "the route threw");
  const claim = await store.idempotency.claim(USER, "after-exception", "any", Date.now(), 1_000);
  assert.equal(claim.state, "claimed", "the key was released");
  assert.deepEqual(service.log.lines.filter((line) => line.level === "error" && String(line.msg).startsWith("idempotency")), []);
});

/**
 * `store` whose next commit, once `dropNext()` is called, lands and then throws, as a connection
 * dropped after its COMMIT would.
 * @param {any} store
 */
function droppingAfterCommit(store) {
  let drop = false;
  return {
    ...store,
    dropNext: () => void (drop = true),
    repository: {
      ...store.repository,
      async commit(record, events, options) {
        const written = await store.repository.commit(record, events, options);
        if (drop) {
          drop = false;
          throw new Error("connection lost after COMMIT");
        }
        return written;
      },
    },
  };
}

test("a Log that is a class instance (its methods use `this`) is called as one: a failed commit's error line reaches it, from the keyed route and the plain one", async () => {
  class KeptLog {
    #lines = [];
    get lines() {
      return this.#lines;
    }
    request(fields) {
      this.#lines.push({ level: "request", ...fields });
    }
    info(fields) {
      this.#lines.push({ level: "info", ...fields });
    }
    error(fields) {
      this.#lines.push({ level: "error", ...fields });
    }
  }
  const store = await freshStore();
  const failing = { ...store, repository: { ...store.repository, commit: async () => Promise.reject(new Error("database went away")) } };
  const log = new KeptLog();
  const app = await createService({ config: readConfig({ AUTH_JWT_SECRET: SECRET, CREDENTIALS_KEY: key32() }), store: failing, limiter: inProcessLimiter({ limit: 1_000 }), log });
  for (const key of [undefined, "class-log"]) {
    const response = await app(new Request("http://service.test/connections", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) },
      body: JSON.stringify(connectBody()),
    }));
    assert.equal(response.status, 500);
  }
  assert.deepEqual(
    log.lines.filter((line) => line.level === "error").map(({ msg, error }) => [msg, error]),
    [["handler failed", "Database error occurred: database went away"], ["handler failed", "Database error occurred: database went away"]],
  );
  assert.deepEqual(log.lines.filter((line) => line.level === "request").map((line) => line.status), [500, 500]);
});

test("Idempotency-Key: a commit that landed but whose answer was lost (the connection dropped after COMMIT) is a 500, and the retry with the key replays the kept answer: one connection", async () => {
  const store = await freshStore();
  const dropping = droppingAfterCommit(store);
  const service = await serviceOver(dropping);
  const body = connectBody();
  dropping.dropNext();
  const lost = await service.post("/connections", "landed", body);
  assert.deepEqual([lost.status, lost.json.error], [500, "Internal error"]);
  const retried = await service.post("/connections", "landed", body);
  const [saved] = await store.repository.findByUserId(USER);
  assert.deepEqual(retried, { status: 201, replayed: "true", json: { id: saved.id } }, "the kept answer, naming the connection the first request saved");
  assert.deepEqual((await store.repository.findByUserId(USER)).map((r) => [r.id, r.version]), [[saved.id, 1]], "one connection");
  assert.deepEqual(
    (await store.events({ userId: USER })).map((e) => [e.eventType, e.reason ?? e.connectionId ?? null]),
    [
      ["ProviderConnectionAttempted", null],
      ["ProviderConnectionSucceeded", saved.id],
      ["ProviderConnectionFailed", "Database error occurred: connection lost after COMMIT"],
    ],
    "the log: the commit's Succeeded, then the Failed the handler published on the error it saw (the retry ran nothing)",
  );
  assert.deepEqual(
    service.log.lines.filter((line) => line.level === "error").map((line) => line.msg),
    ["handler failed", "idempotency: the key was not released: its answer was kept by a commit that landed after all, or its claim was taken over after its lease ran out"],
    "the operator's log says why the key stayed",
  );
});

/** A service over a fresh store with one connection made, whose next commit lands and then throws (its answer lost). */
async function connectedWithNextAnswerLost() {
  const store = await freshStore();
  const dropping = droppingAfterCommit(store);
  const service = await serviceOver(dropping);
  const created = await service.post("/connections", randomUUID(), connectBody());
  assert.equal(created.status, 201);
  dropping.dropNext();
  return { store, service, id: created.json.id };
}

test("Idempotency-Key: a DELETE whose commit landed but whose answer was lost is a 500; its retry with the key replays the 204 (If-Match and all): one disconnect", async () => {
  const { store, service, id } = await connectedWithNextAnswerLost();
  const lost = await service.delete(`/providers/${id}`, "landed-delete", { "if-match": '"1"' });
  assert.deepEqual([lost.status, lost.replayed], [500, null]);
  const retried = await service.delete(`/providers/${id}`, "landed-delete", { "if-match": '"1"' });
  assert.deepEqual(retried, { status: 204, replayed: "true", text: "" }, "the kept 204, not the 412 a second run would answer");
  assert.deepEqual((await store.repository.findByUserId(USER)).filter((r) => r.id === id).map((r) => [r.status, r.version, r.credentials]), [["disconnected", 2, null]]);
  assert.deepEqual(
    (await store.events({ userId: USER })).filter((e) => e.connectionId === id || e.eventType.startsWith("ProviderDisconnection")).map((e) => [e.eventType, e.reason ?? null]),
    [
      ["ProviderConnectionSucceeded", null],
      ["ProviderDisconnectionAttempted", null],
      ["ProviderDisconnectionSucceeded", null],
      ["ProviderDisconnectionFailed", "Database error occurred: connection lost after COMMIT"],
    ],
    "one disconnect committed; the retry ran nothing",
  );
});

test("Idempotency-Key: an empty If-Match is none in the fingerprint too: a keyed DELETE sent with one, its 204 lost, retried without it (a proxy dropped the empty field) replays", async () => {
  const { service, id } = await connectedWithNextAnswerLost();
  assert.equal((await service.delete(`/providers/${id}`, "empty-if-match", { "if-match": "" })).status, 500, "the answer lost");
  assert.deepEqual(await service.delete(`/providers/${id}`, "empty-if-match"), { status: 204, replayed: "true", text: "" }, "replayed, not 422");
  assert.deepEqual(await service.delete(`/providers/${id}`, "empty-if-match", { "if-match": "  " }), { status: 204, replayed: "true", text: "" }, "blank is none as well");
  assert.deepEqual((await service.delete(`/providers/${id}`, "empty-if-match", { "if-match": "*" })).status, 422, "* is a header, another request");
});

test("Idempotency-Key: a store whose repository is a class instance (prototype methods, private fields), or a frozen one, works with a key as without one, and through a sync push", async () => {
  const inner = await freshStore();
  class Repository {
    #inner;
    constructor(repository) {
      this.#inner = repository;
      this.eventBus = repository.eventBus;
    }
    save(record) { return this.#inner.save(record); }
    commit(record, events, options) { return this.#inner.commit(record, events, options); }
    findById(id) { return this.#inner.findById(id); }
    findOwned(id, userId) { return this.#inner.findOwned(id, userId); }
    findByUserId(userId) { return this.#inner.findByUserId(userId); }
    findActiveByUser(userId) { return this.#inner.findActiveByUser(userId); }
    findExpiringBefore(instant) { return this.#inner.findExpiringBefore(instant); }
  }
  class Store {
    #inner;
    constructor(store) {
      this.#inner = store;
      this.repository = new Repository(store.repository);
      this.eventBus = store.eventBus;
      this.idempotency = store.idempotency;
      this.sync = store.sync;
    }
    events(query) { return this.#inner.events(query); }
  }
  const service = await serviceOver(/** @type {any} */ (new Store(inner)));
  const created = await service.post("/connections", "class-connect", connectBody());
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const id = created.json.id;
  assert.deepEqual(await service.post("/connections", "class-connect", connectBody()).then((r) => r.status), 422, "the key with another body");
  const refreshed = await service.post(`/providers/${id}/token-refreshes`, "class-refresh", { credentials: { secret: "sk_class", credentialType: "oauth2" } });
  assert.equal(refreshed.status, 201, JSON.stringify(refreshed.json));
  assert.deepEqual(await service.delete(`/providers/${id}`, "class-delete"), { status: 204, replayed: null, text: "" });
  assert.deepEqual(await service.delete(`/providers/${id}`, "class-delete"), { status: 204, replayed: "true", text: "" });
  assert.deepEqual((await inner.repository.findById(id)).status, "disconnected");
  // A frozen store, and a frozen repository in it, alike.
  const frozen = await serviceOver(/** @type {any} */ (Object.freeze({ ...inner, repository: Object.freeze(new Repository(inner.repository)) })));
  const again = await frozen.post("/connections", "frozen-connect", connectBody());
  assert.equal(again.status, 201, JSON.stringify(again.json));
  assert.deepEqual(await frozen.delete(`/providers/${again.json.id}`, "frozen-delete"), { status: 204, replayed: null, text: "" });
  // A sync push commits through the same kind of view of the store.
  const connectionId = "0190f5b2-3c4d-7e8f-9a0b-" + randomUUID().slice(-12);
  const pushed = await frozen.post("/sync/push", "", { clientId: "frozen", mutations: [{ id: 1, name: "connect", args: { connectionId, ...connectBody() } }] });
  assert.deepEqual([pushed.status, pushed.json], [200, { lastMutationId: 1, results: [{ id: 1, ok: true, value: connectionId }] }]);
  assert.deepEqual((await inner.events({ userId: USER })).filter((e) => e.connectionId === id).map((e) => e.eventType), ["ProviderConnectionSucceeded", "ProviderTokenRefreshAttempted", "ProviderTokenRefreshSucceeded", "ProviderDisconnectionAttempted", "ProviderDisconnectionSucceeded"]);
});

test("Idempotency-Key: a retry across a key rotation (the old key in CREDENTIALS_OLD_KEYS) replays; once the old key is dropped it is another request", async () => {
  const store = await freshStore();
  const [oldKey, newKey] = [key32(), key32()];
  const body = connectBody();
  const first = await (await serviceOver(store, { AUTH_JWT_SECRET: SECRET, CREDENTIALS_KEY: oldKey })).post("/connections", "rotated", body);
  assert.equal(first.status, 201);
  const rotated = await serviceOver(store, { AUTH_JWT_SECRET: SECRET, CREDENTIALS_KEY: newKey, CREDENTIALS_OLD_KEYS: oldKey });
  assert.deepEqual(await rotated.post("/connections", "rotated", body), { status: 201, replayed: "true", json: first.json });
  const dropped = await serviceOver(store, { AUTH_JWT_SECRET: SECRET, CREDENTIALS_KEY: newKey });
  assert.equal((await dropped.post("/connections", "rotated", body)).status, 422);
});

test("Idempotency-Key: the periodic job purges every key past the retention in batches, and logs the count", async () => {
  const store = await freshStore();
  const now = Date.now();
  for (let i = 0; i < 1_203; i += 1) await store.idempotency.claim(USER, `old-${i}`, "f", now - 25 * HOUR - i, 60_000);
  await store.idempotency.claim(USER, "young", "f", now - 23 * HOUR, 60_000);
  const log = memoryLog();
  assert.equal(await runKeyExpiry(store.idempotency, 24 * HOUR, log), 1_203);
  assert.deepEqual(log.lines, [{ msg: "idempotency keys purged", retentionHours: 24, count: 1_203 }]);
  assert.deepEqual(await store.idempotency.claim(USER, "young", "other", now, 60_000), { state: "mismatch" }, "the young key stays");
});

test("IDEMPOTENCY_RETENTION_HOURS: 24 by default, whole hours from 24 to 720, else the service refuses to start", () => {
  const base = { AUTH_JWT_SECRET: SECRET, CREDENTIALS_KEY: key32() };
  assert.equal(readConfig(base).idempotencyRetentionMs, 24 * HOUR);
  assert.equal(readConfig({ ...base, IDEMPOTENCY_RETENTION_HOURS: "72" }).idempotencyRetentionMs, 72 * HOUR);
  for (const value of ["23", "721", "1.5", "a day"]) {
    assert.throws(() => readConfig({ ...base, IDEMPOTENCY_RETENTION_HOURS: value }), /IDEMPOTENCY_RETENTION_HOURS must be a whole number of hours from 24 to 720/, value);
  }
});
