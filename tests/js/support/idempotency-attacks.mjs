// The retry rules of the writes (Idempotency-Key: the two POSTs and DELETE), in the attack table every deployment runs
// (registered by service-attacks.mjs's attackSuite): ten identical requests at once, a reused key,
// another user's key, malformed keys, a retry while the first request runs and after its lease ran
// out, a replay after a restart on the same database, keys past their retention removed, and
// records that hold no secret. What another instance of the service would do to the database (a
// claim still running, one whose process died, keys a day old) is done through the package's own
// store.idempotency on the deployment's database (`openDatabase`).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { MALFORMED_KEY, requestFingerprinter } from "../../../node_modules/connect-provider/service/idempotency-key.js";
import { KEY_REUSED, LEASE_MS, STILL_RUNNING } from "../../../node_modules/connect-provider/service/idempotent-routes.js";
import { findSecrets } from "./at-rest.mjs";

const HOUR = 3_600_000;
const CONNECT_EVENTS = ["ProviderConnectionAttempted", "ProviderConnectionSucceeded"];

/**
 * @param {{
 *   service: () => import("./services.mjs").RunningService,
 *   restart: () => Promise<void>,
 *   call: (method: string, path: string, options?: { token?: string, headers?: Record<string, string>, body?: unknown }) => Promise<{ status: number, headers: Headers, text: string, json: any }>,
 *   user: () => Promise<{ id: string, token: string }>,
 *   credentials: (label: string) => { secret: string, credentialType: string, expiresAt: string },
 *   connectBody: (label: string, overrides?: Record<string, unknown>) => Record<string, any>,
 *   sent: Set<string>,
 *   vars: Record<string, string>,
 * }} suite the attack suite's service, its restart, its calls (every answer is scanned for secrets)
 *   and the secrets it sent
 */
export function idempotencyAttacks({ service, restart, call, user, credentials, connectBody, sent, vars }) {
  const fingerprints = requestFingerprinter([Uint8Array.from(Buffer.from(vars.CREDENTIALS_KEY, "base64"))]);
  /** The fingerprint the service computes for a connect with `body`. @param {unknown} body */
  const connectPrint = async (body) => (await (await fingerprints).of({ route: "connect", id: undefined, ifMatch: null, body }))[0];

  const keyed = (/** @type {string} */ key, headers = {}) => ({ "idempotency-key": key, ...headers });
  const connect = (/** @type {string} */ token, /** @type {string} */ key, /** @type {unknown} */ body) => call("POST", "/connections", { token, body, headers: keyed(key) });
  const refresh = (/** @type {string} */ token, /** @type {string} */ key, /** @type {string} */ id, /** @type {unknown} */ body, headers = {}) =>
    call("POST", `/providers/${id}/token-refreshes`, { token, body, headers: keyed(key, headers) });
  /** What a client sees of an answer, to compare a replay with the first. */
  const seen = (/** @type {{ status: number, text: string, headers: Headers }} */ response) => ({
    status: response.status,
    text: response.text,
    location: response.headers.get("location"),
    replayed: response.headers.get("idempotent-replayed"),
  });
  /** How the service's log line for a request says its key ended. @param {{ headers: Headers }} response */
  async function loggedOutcome(response) {
    const requestId = response.headers.get("x-request-id");
    for (let waited = 0; waited < 5_000; waited += 20) {
      const line = service().output().split("\n").find((text) => text.includes(`"requestId":"${requestId}"`) && text.includes('"msg":"request"'));
      if (line) return JSON.parse(line.slice(line.indexOf("{"))).idempotency;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no log line for request ${requestId}`);
  }
  const eventTypes = async (/** @type {string} */ token) => (await call("GET", "/events?limit=1000", { token })).json.map((/** @type {{ eventType: string }} */ e) => e.eventType);
  const connectionIds = async (/** @type {string} */ token) => (await call("GET", "/providers", { token })).json.connections.map((/** @type {{ id: string }} */ c) => c.id);

  /**
   * Answers to identical requests sent at once: exactly one ran (201, not replayed); each other is
   * that answer replayed or a 409 with Retry-After: 1. Answers the one that ran.
   * @param {{ status: number, text: string, headers: Headers, json: any }[]} answers
   */
  function assertOneRan(answers, what) {
    const ran = answers.filter((response) => response.status === 201 && response.headers.get("idempotent-replayed") === null);
    assert.equal(ran.length, 1, `${what}: ${answers.map((response) => `${response.status} ${response.headers.get("idempotent-replayed")}`).join(", ")}`);
    const first = seen(ran[0]);
    for (const response of answers) {
      if (response === ran[0]) continue;
      if (response.status === 409) {
        assert.deepEqual(response.json, { error: STILL_RUNNING }, what);
        assert.equal(response.headers.get("retry-after"), "1", what);
      } else {
        assert.deepEqual(seen(response), { ...first, replayed: "true" }, what);
      }
    }
    return first;
  }

  test("Idempotency-Key: ten identical POST /connections at once make one connection (one 201; each other answer that 201 replayed or 409 with Retry-After: 1); three refreshes at once, one refresh", async () => {
    const { token } = await user();
    const key = randomUUID();
    const body = connectBody("ten-at-once");
    const first = assertOneRan(await Promise.all(Array.from({ length: 10 }, () => connect(token, key, body))), "ten connects");
    const id = JSON.parse(first.text).id;
    assert.deepEqual(first, { status: 201, text: JSON.stringify({ id }), location: `/providers/${id}`, replayed: null });
    assert.deepEqual(seen(await connect(token, key, body)), { ...first, replayed: "true" }, "a retry afterwards");
    assert.deepEqual(await connectionIds(token), [id]);

    const refreshKey = randomUUID();
    const refreshBody = { credentials: credentials("three-refreshes") };
    const refreshed = assertOneRan(await Promise.all(Array.from({ length: 3 }, () => refresh(token, refreshKey, id, refreshBody))), "three refreshes");
    assert.deepEqual(refreshed, { status: 201, text: JSON.stringify({ connectionId: id }), location: `/providers/${id}`, replayed: null });
    assert.deepEqual(await eventTypes(token), [...CONNECT_EVENTS, "ProviderTokenRefreshAttempted", "ProviderTokenRefreshSucceeded"], "one connect and one refresh ran");
  });

  test("Idempotency-Key: another request with the key is 422 (another body, the other route); the same body in another JSON order, or the key as the draft's quoted string, is a replay; a refusal is kept too", async () => {
    const { token } = await user();
    const key = randomUUID();
    const body = connectBody("key-reuse", { alias: "First" });
    const created = await connect(token, key, body);
    assert.equal(created.status, 201, created.text);
    const id = created.json.id;
    for (const [what, again] of /** @type {[string, () => ReturnType<typeof call>][]} */ ([
      ["another alias", () => connect(token, key, { ...body, alias: "Second" })],
      ["another secret", () => connect(token, key, { ...body, credentials: credentials("key-reuse-other") })],
      ["the refresh route", () => refresh(token, key, id, { credentials: body.credentials })],
    ])) {
      const refused = await again();
      assert.equal(refused.status, 422, `${what}: ${refused.text}`);
      assert.deepEqual(refused.json, { error: KEY_REUSED }, what);
    }
    const reordered = JSON.stringify(reversed(body), null, 2);
    assert.deepEqual(seen(await call("POST", "/connections", { token, body: reordered, headers: keyed(key, { "content-type": "application/json" }) })), { ...seen(created), replayed: "true" }, "reordered");
    assert.deepEqual(seen(await connect(token, `"${key}"`, body)), { ...seen(created), replayed: "true" }, "quoted");

    // A refresh under If-Match "1" ran; its retry is a replay, not the 412 that running it again would be.
    const refreshKey = randomUUID();
    const refreshBody = { credentials: credentials("key-reuse-refresh") };
    const refreshed = await refresh(token, refreshKey, id, refreshBody, { "if-match": '"1"' });
    assert.equal(refreshed.status, 201, refreshed.text);
    assert.deepEqual(seen(await refresh(token, refreshKey, id, refreshBody, { "if-match": '"1"' })), { ...seen(refreshed), replayed: "true" });
    assert.equal((await refresh(token, refreshKey, id, refreshBody, { "if-match": '"2"' })).status, 422, "another If-Match is another request");
    // A refusal of the route is kept and replayed as it was.
    const staleKey = randomUUID();
    const stale = await refresh(token, staleKey, id, refreshBody, { "if-match": '"1"' });
    assert.equal(stale.status, 412, stale.text);
    assert.equal(await loggedOutcome(stale), "kept", "a refusal is kept after it is answered");
    assert.deepEqual(seen(await refresh(token, staleKey, id, refreshBody, { "if-match": '"1"' })), { ...seen(stale), replayed: "true" });
    assert.deepEqual(await eventTypes(token), [...CONNECT_EVENTS, "ProviderTokenRefreshAttempted", "ProviderTokenRefreshSucceeded", "ProviderTokenRefreshAttempted", "ProviderTokenRefreshFailed"]);
  });

  test("Idempotency-Key: five identical DELETEs at once disconnect once; one sent with If-Match whose 204 was lost: its retry replays the 204 (not the 412 running it again would be) and runs nothing; the key on another connection or route is 422", async () => {
    const { token } = await user();
    const [first, second] = [await connect(token, randomUUID(), connectBody("delete-first")), await connect(token, randomUUID(), connectBody("delete-second"))];
    assert.deepEqual([first.status, second.status], [201, 201]);
    const key = randomUUID();
    const disconnect = (/** @type {string} */ id, headers = {}) => call("DELETE", `/providers/${id}`, { token, headers: keyed(key, headers) });
    // Five at once: one runs; each other is its 204 replayed, or 409 while it runs.
    const answers = await Promise.all(Array.from({ length: 5 }, () => disconnect(first.json.id, { "if-match": '"1"' })));
    const ran = answers.filter((answer) => answer.status === 204 && answer.headers.get("idempotent-replayed") === null);
    assert.equal(ran.length, 1, answers.map((answer) => `${answer.status} ${answer.headers.get("idempotent-replayed")}`).join(", "));
    for (const answer of answers) {
      if (answer === ran[0]) continue;
      if (answer.status === 409) {
        assert.deepEqual([answer.json, answer.headers.get("retry-after")], [{ error: STILL_RUNNING }, "1"]);
      } else {
        assert.deepEqual([answer.status, answer.text, answer.headers.get("idempotent-replayed")], [204, "", "true"]);
      }
    }
    for (let retry = 0; retry < 2; retry += 1) {
      const again = await disconnect(first.json.id, { "if-match": '"1"' });
      assert.deepEqual([again.status, again.text, again.headers.get("idempotent-replayed")], [204, "", "true"], again.text);
    }
    for (const [what, other] of /** @type {[string, () => ReturnType<typeof call>][]} */ ([
      ["no If-Match", () => disconnect(first.json.id)],
      ["another connection", () => disconnect(second.json.id, { "if-match": '"1"' })],
      ["the refresh route", () => refresh(token, key, first.json.id, { credentials: credentials("delete-key-reused") }, { "if-match": '"1"' })],
    ])) {
      const refused = await other();
      assert.equal(refused.status, 422, `${what}: ${refused.text}`);
      assert.deepEqual(refused.json, { error: KEY_REUSED }, what);
    }
    const shown = (await call("GET", `/providers/${first.json.id}`, { token })).json;
    assert.deepEqual([shown.status, shown.version], ["disconnected", 2], "disconnected once");
    assert.deepEqual((await call("GET", `/providers/${second.json.id}`, { token })).json.status, "active");
    assert.deepEqual(await eventTypes(token), [...CONNECT_EVENTS, ...CONNECT_EVENTS, "ProviderDisconnectionAttempted", "ProviderDisconnectionSucceeded"], "one disconnect ran");
  });

  test("Idempotency-Key: another user's same key and body is that user's own request", async () => {
    const [a, b] = [await user(), await user()];
    const key = randomUUID();
    const body = connectBody("two-users");
    const mine = await connect(a.token, key, body);
    const theirs = await connect(b.token, key, body);
    assert.equal(mine.status, 201, mine.text);
    assert.equal(theirs.status, 201, theirs.text);
    assert.equal(theirs.headers.get("idempotent-replayed"), null);
    assert.notEqual(theirs.json.id, mine.json.id);
    assert.deepEqual(await connectionIds(a.token), [mine.json.id]);
    assert.deepEqual(await connectionIds(b.token), [theirs.json.id]);
  });

  test("Idempotency-Key: a malformed key is 400 naming the header, and nothing runs; 255 characters, bare or quoted, are a key", async () => {
    const { token } = await user();
    const body = connectBody("malformed-key");
    for (const key of ["k".repeat(256), "two words", "tab\tinside", '""', '"two words"', `"${"k".repeat(256)}"`, "caf\u00e9"]) {
      const refused = await connect(token, key, body);
      assert.equal(refused.status, 400, `${JSON.stringify(key)}: ${refused.status} ${refused.text}`);
      assert.deepEqual(refused.json, { error: MALFORMED_KEY }, JSON.stringify(key));
    }
    // Two header fields reach the service joined by ", ": not a key.
    const twice = await fetch(`${service().url}/connections`, {
      method: "POST",
      headers: [["authorization", `Bearer ${token}`], ["content-type", "application/json"], ["idempotency-key", "one"], ["idempotency-key", "two"]],
      body: JSON.stringify(body),
    });
    assert.equal(twice.status, 400);
    assert.deepEqual(await twice.json(), { error: MALFORMED_KEY });
    assert.deepEqual(await connectionIds(token), [], "no refused request ran");
    const long = await connect(token, "k".repeat(255), body);
    assert.equal(long.status, 201, long.text);
    const quoted = await connect(token, `"${"q".repeat(255)}"`, body);
    assert.equal(quoted.status, 201, quoted.text);
    assert.deepEqual(seen(await connect(token, "q".repeat(255), body)), { ...seen(quoted), replayed: "true" }, "the bare key of the quoted one");
    assert.deepEqual((await connectionIds(token)).sort(), [long.json.id, quoted.json.id].sort());
  });

  test("Idempotency-Key: while another instance runs the request it is 409 with Retry-After: 1 and runs nothing; once that claim's lease ran out (its process died) the retry runs, once; a claim past 15 s is 409 with Retry-After: the rest of its lease", async () => {
    const { id: userId, token } = await user();
    const db = await service().openDatabase();
    try {
      const body = connectBody("running-elsewhere");
      const key = randomUUID();
      const running = await db.idempotency.claim(userId, key, await connectPrint(body), Date.now(), LEASE_MS);
      assert.equal(running.state, "claimed");
      const busy = await connect(token, key, body);
      assert.equal(busy.status, 409, busy.text);
      assert.deepEqual(busy.json, { error: STILL_RUNNING });
      assert.equal(busy.headers.get("retry-after"), "1");
      assert.equal((await connect(token, key, connectBody("running-elsewhere-other"))).status, 422, "another request meanwhile");
      assert.deepEqual(await connectionIds(token), [], "nothing ran");
      // The other instance gave up without an answer worth keeping: the key is free for the retry.
      assert.equal(await db.idempotency.release(userId, key, /** @type {any} */ (running).token), true);
      const retried = await connect(token, key, body);
      assert.equal(retried.status, 201, retried.text);
      assert.equal(retried.headers.get("idempotent-replayed"), null);

      const diedBody = connectBody("died-mid-way");
      const diedKey = randomUUID();
      const died = await db.idempotency.claim(userId, diedKey, await connectPrint(diedBody), Date.now() - LEASE_MS - 1_000, LEASE_MS);
      assert.equal(died.state, "claimed");
      const takenOver = await connect(token, diedKey, diedBody);
      assert.equal(takenOver.status, 201, takenOver.text);
      assert.equal(takenOver.headers.get("idempotent-replayed"), null);
      assert.deepEqual(seen(await connect(token, diedKey, diedBody)), { ...seen(takenOver), replayed: "true" });
      assert.equal(await db.idempotency.complete(userId, diedKey, /** @type {any} */ (died).token, { status: 500 }), false, "the dead claim's token completes nothing");
      assert.deepEqual((await connectionIds(token)).sort(), [retried.json.id, takenOver.json.id].sort());

      // A claim 40 s old has most likely lost its request: the retry is told when its lease ends.
      const stuckBody = connectBody("stuck");
      const stuckKey = randomUUID();
      assert.equal((await db.idempotency.claim(userId, stuckKey, await connectPrint(stuckBody), Date.now() - 40_000, LEASE_MS)).state, "claimed");
      const wait = await connect(token, stuckKey, stuckBody);
      assert.deepEqual([wait.status, wait.json], [409, { error: STILL_RUNNING }]);
      const seconds = Number(wait.headers.get("retry-after"));
      assert.ok(seconds >= 18 && seconds <= 20, `Retry-After: the 20 s left of its lease: ${seconds}`);
      assert.deepEqual((await connectionIds(token)).sort(), [retried.json.id, takenOver.json.id].sort(), "nothing ran");
    } finally {
      await db.close();
    }
  });

  test("Idempotency-Key: after a restart of the service on its database, both POSTs and a DELETE replay their first answers and run nothing", async () => {
    const { token } = await user();
    const key = randomUUID();
    const body = connectBody("restart");
    const created = await connect(token, key, body);
    assert.equal(created.status, 201, created.text);
    const refreshKey = randomUUID();
    const refreshBody = { credentials: credentials("restart-refresh") };
    const refreshed = await refresh(token, refreshKey, created.json.id, refreshBody);
    assert.equal(refreshed.status, 201, refreshed.text);
    // Each answer was kept in the commit of its change, so a crash before the route answered loses neither.
    const deleteKey = randomUUID();
    const disconnect = () => call("DELETE", `/providers/${created.json.id}`, { token, headers: keyed(deleteKey, { "if-match": '"2"' }) });
    const deleted = await disconnect();
    assert.equal(deleted.status, 204, deleted.text);
    assert.deepEqual([await loggedOutcome(created), await loggedOutcome(refreshed), await loggedOutcome(deleted)], ["committed", "committed", "committed"]);
    const before = service().url;
    await restart();
    assert.notEqual(service().url, before, "another process (or isolate) on another port");
    assert.deepEqual(seen(await connect(token, key, body)), { ...seen(created), replayed: "true" });
    assert.deepEqual(seen(await refresh(token, refreshKey, created.json.id, refreshBody)), { ...seen(refreshed), replayed: "true" });
    assert.deepEqual(seen(await disconnect()), { ...seen(deleted), replayed: "true" });
    assert.deepEqual(await connectionIds(token), [created.json.id]);
    assert.deepEqual(await eventTypes(token), [...CONNECT_EVENTS, "ProviderTokenRefreshAttempted", "ProviderTokenRefreshSucceeded", "ProviderDisconnectionAttempted", "ProviderDisconnectionSucceeded"]);
  });

  test("Idempotency-Key: keys claimed over 24 hours ago are removed after a new key's request; a younger one stays; an expired key is a new key", async () => {
    const { id: userId, token } = await user();
    const db = await service().openDatabase();
    try {
      const now = Date.now();
      const answer = { status: 201, body: { id: randomUUID() } };
      for (const [key, age] of /** @type {[string, number][]} */ ([["day-old", 25 * HOUR], ["just-past", 24 * HOUR + 60_000], ["younger", 23 * HOUR]])) {
        const claim = await db.idempotency.claim(userId, key, "f".repeat(64), now - age, LEASE_MS);
        assert.equal(claim.state, "claimed", key);
        assert.equal(await db.idempotency.complete(userId, key, /** @type {any} */ (claim).token, answer), true, key);
      }
      const newKey = randomUUID();
      assert.equal((await connect(token, newKey, connectBody("expiry"))).status, 201);
      const keys = (await db.records()).filter((record) => record.userId === userId).map((record) => record.key);
      assert.deepEqual(keys.sort(), [newKey, "younger"].sort());
      assert.equal((await connect(token, "younger", connectBody("expiry-younger"))).status, 422, "a kept key");
      const again = await connect(token, "day-old", connectBody("expiry-day-old"));
      assert.equal(again.status, 201, again.text);
      assert.equal(again.headers.get("idempotent-replayed"), null);
    } finally {
      await db.close();
    }
  });

  test("Idempotency-Key: the records hold no secret: every fingerprint an HMAC under a key derived from CREDENTIALS_KEY, every kept answer a status, a body without credentials and a Location", async () => {
    const { id: userId, token } = await user();
    const body = connectBody("records");
    const key = randomUUID();
    assert.equal((await connect(token, key, body)).status, 201);
    const db = await service().openDatabase();
    let records;
    try {
      records = await db.records();
    } finally {
      await db.close();
    }
    const mine = records.find((record) => record.userId === userId && record.key === key);
    assert.equal(mine?.fingerprint, await connectPrint(body), "this request's record, its fingerprint the service's HMAC of the request");
    for (const record of records) {
      assert.match(String(record.fingerprint), /^[0-9a-f]{64}$/);
      if (record.response === null) continue;
      const kept = JSON.parse(String(record.response));
      assert.deepEqual(Object.keys(kept).filter((name) => !["status", "body", "headers"].includes(name)), []);
      assert.ok(!JSON.stringify(kept.body ?? null).includes("credentials"), JSON.stringify(kept));
    }
    assert.deepEqual(findSecrets(sent, { texts: { "the idempotency records": JSON.stringify(records) } }), []);
  });
}

/** A JSON value with every object's keys in the reverse order. @param {unknown} value @returns {unknown} */
function reversed(value) {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(reversed);
  return Object.fromEntries(Object.entries(value).reverse().map(([name, item]) => [name, reversed(item)]));
}
