// What every service does for a well-behaved client, asserted over HTTP (and, where the test can
// read the store, at rest): connect, list, get, refresh, disconnect and events for the token's
// user, the handlers' refusals as statuses, the headers and the log line of every answer. The
// Node service (node_service.test.mjs), the Worker in Miniflare (cloudflare_worker.test.mjs) and
// under wrangler dev (wrangler_worker.test.mjs), and the Deno service (service_attacks.test.mjs)
// register these same tests.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, test } from "node:test";
import { createSealer, createSyncKey, keyIdOf } from "connect-provider/service";
import { sealToService } from "../../../www/src/crypto/service-sealer.js";
import { bearerCalls } from "./bearer-calls.mjs";
import { tokenFactory } from "./tokens.mjs";

const PROVIDER_ID = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c";
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const VIEW_KEYS = [
  "id", "userId", "providerId", "providerSlug", "alias", "status", "isConnected", "needsReauthentication", "canSync",
  "credentialType", "credentialsExpireAt", "credentialExpiry", "connectedAt", "lastSyncAt", "createdAt", "updatedAt", "version",
].sort();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {{
 *   service: () => { url: string, output: () => string },
 *   vars: Record<string, string>,
 *   readSealed?: (connectionId: string) => Promise<Uint8Array | null>,
 *   expiringRun?: () => Promise<void>,
 * }} options `service` answers the running service; `readSealed` the stored sealed credentials of
 *   a connection (null when there are none); `expiringRun` makes the expiring job run once now
 *   (for a service that runs it on its own timer, waits for the next run)
 */
export function serviceContract({ service, vars, readSealed, expiringRun }) {
  const key = Uint8Array.from(Buffer.from(vars.CREDENTIALS_KEY, "base64"));
  let tokens;
  let sealer;
  before(async () => {
    tokens = await tokenFactory(vars);
    sealer = await createSealer({ key });
  });

  /** A client for one user. */
  async function as(userId) {
    return bearerCalls(service().url, await tokens.valid(userId));
  }
  const connectBody = (secret, overrides = {}) => ({
    providerId: PROVIDER_ID,
    providerSlug: "schwab",
    alias: "Brokerage",
    credentials: { secret, credentialType: "oauth2", expiresAt: "2099-01-01T00:00:00Z" },
    ...overrides,
  });

  test("POST /connections seals the secret for the token's user and answers 201 { id } with the connection's Location", async () => {
    const userId = randomUUID();
    const call = await as(userId);
    const connected = await call("POST", "/connections", connectBody("sk_live_contract_connect"));
    assert.equal(connected.status, 201);
    assert.match(connected.json.id, UUID_V7);
    assert.equal(connected.headers.get("location"), `/providers/${connected.json.id}`);
    const view = (await call("GET", connected.headers.get("location"))).json;
    assert.deepEqual(Object.keys(view).sort(), VIEW_KEYS, "a view, never the credentials");
    assert.deepEqual(
      { ...view, createdAt: undefined, connectedAt: undefined, updatedAt: undefined },
      {
        id: connected.json.id, userId, providerId: PROVIDER_ID, providerSlug: "schwab", alias: "Brokerage", status: "active",
        isConnected: true, needsReauthentication: false, canSync: true, credentialType: "oauth2",
        credentialsExpireAt: "2099-01-01T00:00:00.000Z", credentialExpiry: "valid", lastSyncAt: null,
        createdAt: undefined, connectedAt: undefined, updatedAt: undefined, version: 1,
      },
    );
    assert.match(view.createdAt, ISO);
    if (readSealed) {
      const sealed = await readSealed(connected.json.id);
      assert.equal(sealed[0], 1, "version 1");
      assert.deepEqual(sealed.subarray(1, 9), await keyIdOf(key), "the current key's id");
      assert.equal(sealed.length, 1 + 8 + 12 + Buffer.byteLength("sk_live_contract_connect") + 16);
      assert.equal(await sealer.open(sealed, userId), "sk_live_contract_connect", "it opens, for its user");
      await assert.rejects(sealer.open(sealed, randomUUID()), /does not open/, "and for no other user");
    }
  });

  test("GET /providers lists the user's connections newest first with counts; active_only=true only the active ones", async () => {
    const call = await as(randomUUID());
    const ids = [];
    for (const slug of ["first", "second", "third"]) {
      ids.push((await call("POST", "/connections", connectBody(`sk_${slug}`, { providerSlug: slug }))).json.id);
      await sleep(3);
    }
    assert.equal((await call("DELETE", `/providers/${ids[1]}`)).status, 204);
    const all = (await call("GET", "/providers")).json;
    assert.deepEqual(all.connections.map((connection) => connection.id), [...ids].reverse());
    assert.deepEqual([all.totalCount, all.activeCount], [3, 2]);
    const active = (await call("GET", "/providers?active_only=true")).json;
    assert.deepEqual(active.connections.map((connection) => connection.id), [ids[2], ids[0]]);
    assert.deepEqual([active.totalCount, active.activeCount], [2, 2]);
    assert.equal((await call("GET", "/providers?active_only=yes")).status, 400);
  });

  test("POST /providers/:id/token-refreshes seals the new secret afresh and answers 201 { connectionId }; the view has the new expiry", async () => {
    const userId = randomUUID();
    const call = await as(userId);
    const { id } = (await call("POST", "/connections", connectBody("sk_before"))).json;
    const before = readSealed ? await readSealed(id) : null;
    const refreshed = await call("POST", `/providers/${id}/token-refreshes`, { credentials: { secret: "sk_before", credentialType: "api_key", expiresAt: "2099-03-01T12:00:00+02:00" } });
    assert.equal(refreshed.status, 201);
    assert.deepEqual(refreshed.json, { connectionId: id });
    assert.equal(refreshed.headers.get("location"), `/providers/${id}`);
    const view = (await call("GET", `/providers/${id}`)).json;
    assert.deepEqual([view.credentialType, view.credentialsExpireAt, view.status], ["api_key", "2099-03-01T10:00:00.000Z", "active"]);
    if (readSealed) {
      const after = await readSealed(id);
      assert.notDeepEqual(after, before, "the same secret sealed again is other bytes (a fresh nonce)");
      assert.equal(await sealer.open(after, userId), "sk_before");
    }
  });

  test("DELETE /providers/:id answers 204 and forgets the credentials; a refresh after it is 403, a second disconnect 204", async () => {
    const call = await as(randomUUID());
    const { id } = (await call("POST", "/connections", connectBody("sk_to_forget"))).json;
    const deleted = await call("DELETE", `/providers/${id}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.json, undefined);
    const view = (await call("GET", `/providers/${id}`)).json;
    assert.deepEqual([view.status, view.isConnected, view.credentialType, view.credentialsExpireAt], ["disconnected", false, null, null]);
    if (readSealed) assert.equal(await readSealed(id), null, "no sealed secret is kept");
    const refresh = await call("POST", `/providers/${id}/token-refreshes`, { credentials: { secret: "sk_too_late", credentialType: "oauth2" } });
    assert.deepEqual([refresh.status, refresh.json], [403, { error: "Connection is not active" }]);
    assert.equal((await call("DELETE", `/providers/${id}`)).status, 204);
  });

  test("GET /providers/:id answers the version as a strong ETag; If-Match on DELETE and token-refreshes: a stale one is 412 and changes nothing, the current one writes, * and none write whatever the version", async () => {
    const call = await as(randomUUID());
    const { json } = await call("POST", "/connections", connectBody("etag-1"));
    const path = `/providers/${json.id}`;
    const read = async () => {
      const { status, headers, json: view } = await call("GET", path);
      assert.equal(status, 200);
      assert.equal(headers.get("etag"), `"${view.version}"`, "the ETag is the view's version");
      return view;
    };
    const first = await read();
    assert.equal(first.version, 1);

    const refresh = { credentials: { secret: "etag-2", credentialType: "oauth2", expiresAt: "2099-06-01T00:00:00Z" } };
    const refreshed = await call("POST", `${path}/token-refreshes`, refresh, { "if-match": '"1"' });
    assert.equal(refreshed.status, 201, JSON.stringify(refreshed.json));
    const second = await read();
    assert.deepEqual([second.version, second.credentialsExpireAt], [2, "2099-06-01T00:00:00.000Z"]);

    for (const [method, route, body] of [["DELETE", path, undefined], ["POST", `${path}/token-refreshes`, refresh]]) {
      const stale = await call(method, route, body, { "if-match": '"1"' });
      assert.deepEqual([stale.status, stale.json], [412, { error: "Precondition failed: the connection has changed" }], `${method} with a stale If-Match`);
    }
    assert.deepEqual(await read(), second, "nothing changed");

    for (const bad of ['W/"2"', '"2", "3"', "2", '"two"', '"0"']) {
      const refused = await call("DELETE", path, undefined, { "if-match": bad });
      assert.equal(refused.status, 400, `If-Match ${bad}`);
      assert.match(refused.json.error, /^If-Match must be one version's entity tag/);
    }
    assert.equal((await read()).status, "active", "a malformed If-Match disconnects nothing");

    const current = await call("DELETE", path, undefined, { "if-match": '"2"' });
    assert.equal(current.status, 204);
    const third = await read();
    assert.deepEqual([third.status, third.version], ["disconnected", 3]);
    assert.equal((await call("DELETE", path, undefined, { "if-match": "*" })).status, 204, "* matches any version");
    assert.equal((await call("DELETE", path)).status, 204, "no If-Match: whatever the version");
    assert.equal((await call("DELETE", path, undefined, { "if-match": "" })).status, 204, "an empty If-Match is none (wrangler drops it)");
    assert.equal((await read()).version, 6);
  });

  test("sync: a push applies each mutation once, in order, with the client's own connection id; a repeated push applies nothing; a refusal is consumed with its code, and told again to a push sent again; a pull gives the state and the client's last mutation", async () => {
    const userId = randomUUID();
    const call = await as(userId);
    const connectionId = "0190f5b2-3c4d-7e8f-9a0b-" + randomUUID().slice(-12);
    const clientId = `phone-${randomUUID()}`;
    const credentials = (secret) => ({ secret, credentialType: "oauth2", expiresAt: "2099-01-01T00:00:00Z" });
    const mutations = [
      { id: 1, name: "connect", args: { connectionId, providerId: PROVIDER_ID, providerSlug: "schwab", alias: "Offline", credentials: credentials("sk_sync_1") } },
      { id: 2, name: "refresh", args: { connectionId, credentials: credentials("sk_sync_2"), expectedVersion: 1 } },
      { id: 3, name: "disconnect", args: { connectionId } },
    ];
    const pushed = await call("POST", "/sync/push", { clientId, mutations });
    assert.deepEqual([pushed.status, pushed.json], [200, { lastMutationId: 3, results: [{ id: 1, ok: true, value: connectionId }, { id: 2, ok: true }, { id: 3, ok: true }] }]);
    const again = await call("POST", "/sync/push", { clientId, mutations });
    assert.deepEqual(again.json, { lastMutationId: 3, results: mutations.map(({ id }) => ({ id, applied: "before" })) }, "a push sent again applies nothing");
    const refused = await call("POST", "/sync/push", { clientId, mutations: [{ id: 5, name: "refresh", args: { connectionId, credentials: credentials("sk_sync_3") } }] });
    assert.deepEqual(refused.json, { lastMutationId: 5, results: [{ id: 5, ok: false, code: "NOT_ACTIVE", error: "Connection is not active" }] }, "a refusal is consumed, with its code");
    // Its answer lost, the client pushes its queue again: told the refusal again, and nothing runs.
    const refusedMutation = { id: 5, name: "refresh", args: { connectionId, credentials: credentials("sk_sync_3") } };
    const toldAgain = await call("POST", "/sync/push", { clientId, mutations: [...mutations, refusedMutation] });
    assert.deepEqual(toldAgain.json, {
      lastMutationId: 5,
      results: [...mutations.map(({ id }) => ({ id, applied: "before" })), { id: 5, ok: false, code: "NOT_ACTIVE", error: "Connection is not active" }],
    }, "a refusal pushed again is told again, as first answered");

    const pulled = await call("GET", `/sync/pull?clientId=${encodeURIComponent(clientId)}`);
    assert.equal(pulled.status, 200);
    assert.deepEqual(pulled.json.connections.map(({ id, status, version, alias }) => ({ id, status, version, alias })), [{ id: connectionId, status: "disconnected", version: 3, alias: "Offline" }]);
    assert.deepEqual(pulled.json.events.map((e) => e.eventType), [
      "ProviderConnectionAttempted", "ProviderConnectionSucceeded",
      "ProviderTokenRefreshAttempted", "ProviderTokenRefreshSucceeded",
      "ProviderDisconnectionAttempted", "ProviderDisconnectionSucceeded",
      "ProviderTokenRefreshAttempted", "ProviderTokenRefreshFailed",
    ]);
    assert.deepEqual([pulled.json.lastMutationId, pulled.json.cursor, pulled.json.more], [5, pulled.json.events.at(-1).eventId, false]);
    const later = await call("GET", `/sync/pull?clientId=${encodeURIComponent(clientId)}&cursor=${pulled.json.cursor}`);
    assert.deepEqual([later.json.events, later.json.cursor], [[], pulled.json.cursor], "nothing after the cursor");
    assert.equal((await call("GET", `/sync/pull?clientId=laptop`)).json.lastMutationId, 0, "the user's other client");
    assert.doesNotMatch(JSON.stringify([pushed.json, pulled.json]), /sk_sync/, "no secret comes back");

    const other = await as(randomUUID());
    assert.equal((await other("GET", `/sync/pull?clientId=${encodeURIComponent(clientId)}`)).json.lastMutationId, 0, "another user's same client id is another client");
    const foreign = await other("POST", "/sync/push", { clientId, mutations: [{ id: 1, name: "disconnect", args: { connectionId } }] });
    assert.deepEqual(foreign.json.results, [{ id: 1, ok: false, code: "CONNECTION_NOT_FOUND", error: "Connection not found" }], "another user's connection is not found");
    assert.deepEqual((await other("GET", `/sync/pull?clientId=x&cursor=${pulled.json.cursor}`)).status, 400, "nor are its events a cursor");

    for (const [body, error] of [
      [{ mutations: [] }, "clientId must be 1 to 100 visible ASCII characters"],
      [{ clientId, mutations: "no" }, "mutations must be an array of at most 100"],
      [{ clientId, mutations: [{ id: 0, name: "connect", args: {} }] }, "mutations[0].id must be a whole number from 1"],
      [{ clientId, mutations: [{ id: 9, name: "delete", args: {} }] }, "mutations[0].name must be connect, refresh or disconnect"],
      [{ clientId, mutations: [{ id: 9, name: "connect", args: [] }] }, "mutations[0].args must be an object"],
      [{ clientId, mutations: [{ id: 9, name: "disconnect", args: { connectionId } }, { id: 7, name: "disconnect", args: { connectionId } }] }, "mutations[1].id must be greater than mutations[0].id"],
      [{ clientId, mutations: [{ id: 9, name: "disconnect", args: { connectionId } }, { id: 9, name: "disconnect", args: { connectionId } }] }, "mutations[1].id must be greater than mutations[0].id"],
    ]) {
      const bad = await call("POST", "/sync/push", body);
      assert.deepEqual([bad.status, bad.json], [400, { error }]);
    }
    assert.equal((await call("GET", "/sync/pull?clientId=" + encodeURIComponent(clientId))).json.lastMutationId, 5, "no bad push moved the client");
    const nul = await call("POST", "/sync/push", {
      clientId,
      mutations: [
        { id: 6, name: "connect", args: { providerId: PROVIDER_ID, providerSlug: "nul\u0000slug", credentials: credentials("sk_sync_4") } },
        { id: 7, name: "connect", args: { providerId: PROVIDER_ID, providerSlug: "schwab", alias: "nul \u0000 alias", credentials: credentials("sk_sync_5") } },
      ],
    });
    assert.deepEqual(
      nul.json,
      { lastMutationId: 7, results: [{ id: 6, ok: false, code: "INVALID_PROVIDER_SLUG", error: "Invalid provider slug" }, { id: 7, ok: false, code: "INVALID_COMMAND", error: "Invalid command: alias contains U+0000" }] },
      "U+0000 is refused at the edge with the code the domain gives such a field, and consumed",
    );
  });

  test("sync: GET /sync/key answers the public key derived from CREDENTIALS_KEY; a secret sealed to it opens for the token's user only, and is stored sealed under CREDENTIALS_KEY", async () => {
    const userId = randomUUID();
    const call = await as(userId);
    const published = await call("GET", "/sync/key");
    assert.equal(published.status, 200);
    assert.deepEqual(published.json, await createSyncKey([key]).published(), "the pair of the credentials key, and only its public part");
    const clientId = `tablet-${randomUUID()}`;
    const connectionId = "0190f5b2-3c4d-7e8f-9a0b-" + randomUUID().slice(-12);
    const sealedFor = async (secret, forUser = userId) => Buffer.from(await sealToService(published.json, secret, forUser)).toString("base64");
    const credentials = async (secret, forUser) => ({ sealedSecret: await sealedFor(secret, forUser), credentialType: "api_key" });
    const mutations = [
      // Sealed for another user (a queue carried to another account): refused as missing credentials, and consumed.
      { id: 1, name: "connect", args: { connectionId, providerId: PROVIDER_ID, providerSlug: "schwab", credentials: await credentials("sk_sealed_other", randomUUID()) } },
      // A plain secret beside the sealed one: which one was meant is not guessed.
      { id: 2, name: "connect", args: { connectionId, providerId: PROVIDER_ID, providerSlug: "schwab", credentials: { ...(await credentials("sk_sealed_both")), secret: "sk_plain_both" } } },
      { id: 3, name: "connect", args: { connectionId, providerId: PROVIDER_ID, providerSlug: "schwab", credentials: { sealedSecret: "not base64!", credentialType: "api_key" } } },
      // A real seal longer than that of the longest secret (32 KiB and the seal's 102 bytes, 43,828 characters
      // of base64): refused (not decoded: the route's bound; not opened: sync-key's, which sync_sealing tests).
      { id: 4, name: "connect", args: { connectionId, providerId: PROVIDER_ID, providerSlug: "schwab", credentials: await credentials(`sk_${"s".repeat(32_767)}`) } },
      { id: 5, name: "connect", args: { connectionId, providerId: PROVIDER_ID, providerSlug: "schwab", credentials: await credentials("sk_sealed_offline_1") } },
      { id: 6, name: "refresh", args: { connectionId, credentials: await credentials("sk_sealed_offline_2"), expectedVersion: 1 } },
    ];
    const missing = { ok: false, code: "INVALID_CREDENTIALS", error: "Invalid or missing credentials" };
    const pushed = await call("POST", "/sync/push", { clientId, mutations });
    assert.deepEqual([pushed.status, pushed.json], [200, { lastMutationId: 6, results: [1, 2, 3, 4].map((id) => ({ id, ...missing })).concat([{ id: 5, ok: true, value: connectionId }, { id: 6, ok: true }]) }]);
    const pulled = await call("GET", `/sync/pull?clientId=${encodeURIComponent(clientId)}`);
    assert.deepEqual(pulled.json.connections.map(({ id, version, credentialType }) => ({ id, version, credentialType })), [{ id: connectionId, version: 2, credentialType: "api_key" }]);
    /** The request's log line, parsed. */
    const logged = async (response) => {
      const requestId = response.headers.get("x-request-id");
      let line;
      for (let waited = 0; !(line = service().output().split("\n").find((text) => text.includes(requestId))) && waited < 3000; waited += 20) await sleep(20);
      return JSON.parse(line.slice(line.indexOf("{")));
    };
    assert.equal((await logged(pushed)).sealedSecretRefused, true, "the push's log line says a sealed secret was refused");
    assert.equal((await logged(pulled)).clientId, clientId, "a pull's log line names its client, as a push's does");
    for (const { sealedSecret } of mutations.map(({ args }) => args.credentials)) assert.ok(!service().output().includes(sealedSecret.slice(0, 40)), "no sealed bytes are logged");
    assert.doesNotMatch(JSON.stringify([pushed.json, pulled.json, service().output()]), /sk_sealed|sk_plain/, "no secret comes back or is logged");
    if (readSealed) {
      const stored = await readSealed(connectionId);
      assert.equal(await sealer.open(stored, userId), "sk_sealed_offline_2", "stored sealed under CREDENTIALS_KEY, as any secret");
    }

    // The bounds, one push each (two 32 KiB secrets would pass the 64 KiB body): 32 KiB sealed is taken; a byte more, or none, is refused.
    // Each an sk_ secret: the deployments' own tests read every active secret back (wrangler_worker's last test).
    // Each push's log line says whether a sealed secret was refused: the seal of one over 32 KiB is not opened, and an empty one is refused once opened.
    const refresh = async (id, secret) => {
      const response = await call("POST", "/sync/push", { clientId, mutations: [{ id, name: "refresh", args: { connectionId, credentials: await credentials(secret) } }] });
      return [response.json, (await logged(response)).sealedSecretRefused ?? false];
    };
    assert.deepEqual(await refresh(7, `sk_${"s".repeat(32_765)}`), [{ lastMutationId: 7, results: [{ id: 7, ok: true }] }, false]);
    assert.deepEqual(await refresh(8, `sk_${"s".repeat(32_766)}`), [{ lastMutationId: 8, results: [{ id: 8, ...missing }] }, true]);
    assert.deepEqual(await refresh(9, ""), [{ lastMutationId: 9, results: [{ id: 9, ...missing }] }, true]);

    // Sealed to a pair this deployment does not hold (a rollout of a new CREDENTIALS_KEY under way): the
    // push stops there and consumes nothing, to be sent again; the log names the key.
    const elsewhere = await createSyncKey([crypto.getRandomValues(new Uint8Array(32))]).published();
    const notHeld = { id: 10, name: "refresh", args: { connectionId, credentials: { sealedSecret: Buffer.from(await sealToService(elsewhere, "sk_sealed_elsewhere", userId)).toString("base64"), credentialType: "api_key" } } };
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const stopped = await call("POST", "/sync/push", { clientId, mutations: [notHeld, { id: 11, name: "disconnect", args: { connectionId } }] });
      assert.deepEqual([stopped.status, stopped.json], [200, { lastMutationId: 9, results: [] }], "nothing consumed, however often it is pushed");
      const stoppedId = stopped.headers.get("x-request-id");
      let logged;
      for (let waited = 0; !(logged = service().output().split("\n").find((text) => text.includes(stoppedId) && text.includes(elsewhere.keyId))) && waited < 3000; waited += 20) await sleep(20);
      assert.ok(logged, "the log names the key it does not hold");
    }
    assert.equal((await call("GET", `/providers/${connectionId}`)).json.status, "active", "the disconnect after it did not run");
  });

  test("sync: a push sent again while the first still runs waits its turn, finds every mutation applied, and publishes nothing", async () => {
    const call = await as(randomUUID());
    const clientId = `retrying-${randomUUID()}`;
    const mutations = Array.from({ length: 8 }, (_, i) => ({
      id: i + 1,
      name: "connect",
      args: {
        connectionId: "0190f5b2-3c4d-7e8f-9a0b-" + randomUUID().slice(-12),
        providerId: PROVIDER_ID,
        providerSlug: "schwab",
        alias: `Retried ${i}`,
        credentials: { secret: `sk_retried_${i}`, credentialType: "oauth2" },
      },
    }));
    const answers = await Promise.all([call("POST", "/sync/push", { clientId, mutations }), call("POST", "/sync/push", { clientId, mutations })]);
    const applied = { lastMutationId: 8, results: mutations.map(({ id, args }) => ({ id, ok: true, value: args.connectionId })) };
    const before = { lastMutationId: 8, results: mutations.map(({ id }) => ({ id, applied: "before" })) };
    const [one, other] = answers.map((answer) => answer.json);
    assert.deepEqual(one.results[0].applied ? [other, one] : [one, other], [applied, before], "one push applied all eight, the other none");
    const events = (await call("GET", "/events?limit=1000")).json;
    assert.deepEqual(
      events.map((event) => [event.eventType, event.connectionId ?? null]),
      mutations.flatMap(({ args }) => [["ProviderConnectionAttempted", null], ["ProviderConnectionSucceeded", args.connectionId]]),
      "each connect attempted and succeeded once, and nothing failed",
    );
  });

  test("GET /events answers the user's events oldest first, paged by after and limit", async () => {
    const call = await as(randomUUID());
    const { id } = (await call("POST", "/connections", connectBody("sk_events"))).json;
    await call("DELETE", `/providers/${id}`);
    const events = (await call("GET", "/events")).json;
    assert.deepEqual(events.map((event) => event.eventType), [
      "ProviderConnectionAttempted", "ProviderConnectionSucceeded", "ProviderDisconnectionAttempted", "ProviderDisconnectionSucceeded",
    ]);
    assert.equal(events[1].connectionId, id);
    assert.ok(!JSON.stringify(events).includes("sk_events"), "events never carry a secret");
    const page = (await call("GET", `/events?after=${events[0].eventId}&limit=2`)).json;
    assert.deepEqual(page.map((event) => event.eventId), [events[1].eventId, events[2].eventId]);
    for (const query of ["limit=0", "limit=1001", "limit=two", "after=not-an-id"]) assert.equal((await call("GET", `/events?${query}`)).status, 400, query);
  });

  test("the handlers' refusals answer 400 with their message; unknown paths 404, other methods 405 with Allow", async () => {
    const call = await as(randomUUID());
    const refusals = [
      [connectBody("sk_x", { providerSlug: "" }), "Invalid provider slug"],
      [connectBody("sk_x", { alias: "x".repeat(101) }), "Alias exceeds maximum length"],
      [connectBody("sk_x", { credentials: { secret: "sk_x", credentialType: "password" } }), "Invalid or missing credentials"],
      [connectBody("sk_x", { credentials: { credentialType: "oauth2" } }), "Invalid or missing credentials"],
      [connectBody("sk_x", { credentials: { secret: "", credentialType: "oauth2" } }), "Invalid or missing credentials"],
      [connectBody("sk_x", { credentials: { secret: "x".repeat(33 * 1024), credentialType: "oauth2" } }), "Invalid or missing credentials"],
      [connectBody("sk_x", { credentials: { encryptedData: "c2VhbGVk", credentialType: "oauth2" } }), "Invalid or missing credentials"],
      [connectBody("sk_x", { providerId: "not-a-uuid" }), /^Invalid command: /],
      [connectBody("sk_x", { providerSlug: "nul\u0000slug" }), "Invalid provider slug"],
      [connectBody("sk_x", { alias: "nul \u0000 alias" }), "Invalid command: alias contains U+0000"],
    ];
    for (const [body, error] of refusals) {
      const response = await call("POST", "/connections", body);
      assert.equal(response.status, 400, JSON.stringify(response.json));
      if (typeof error === "string") assert.deepEqual(response.json, { error });
      else assert.match(response.json.error, error);
    }
    assert.deepEqual((await call("GET", "/providers")).json, { connections: [], totalCount: 0, activeCount: 0 }, "no refusal stored anything");
    assert.equal((await call("GET", "/providers/not-a-uuid")).status, 400);
    assert.deepEqual((await call("GET", `/providers/${randomUUID()}`)).json, { error: "Connection not found" });
    assert.deepEqual([(await call("GET", "/providers/x/y")).status, (await call("GET", "/connections/")).status], [404, 404]);
    const wrong = await call("PUT", "/providers");
    assert.deepEqual([wrong.status, wrong.headers.get("allow")], [405, "GET"]);
    assert.equal((await call("PATCH", `/providers/${randomUUID()}`)).headers.get("allow"), "GET, DELETE");
  });

  test("a slug past the domain's 50 is the handler's refusal, logged with the slug as sent; one past 256 units the edge refuses first, the same 400 (or the same refusal in a push), logging nothing", async () => {
    const call = await as(randomUUID());
    const long = "s".repeat(51);
    const huge = "h".repeat(257);
    for (const providerSlug of [long, huge]) {
      const refused = await call("POST", "/connections", connectBody("sk_slug", { providerSlug }));
      assert.deepEqual([refused.status, refused.json], [400, { error: "Invalid provider slug" }], `${providerSlug.length} units`);
    }
    const pushed = await call("POST", "/sync/push", {
      clientId: "slugs",
      mutations: [{ id: 1, name: "connect", args: { providerId: PROVIDER_ID, providerSlug: huge, credentials: { secret: "sk_slug_sync", credentialType: "oauth2" } } }],
    });
    assert.deepEqual(pushed.json, { lastMutationId: 1, results: [{ id: 1, ok: false, code: "INVALID_PROVIDER_SLUG", error: "Invalid provider slug" }] });
    const events = (await call("GET", "/events")).json;
    assert.deepEqual(events.map((event) => [event.eventType, event.providerSlug]), [["ProviderConnectionAttempted", long], ["ProviderConnectionFailed", long]], "only the 51-unit slug's connect was attempted");
  });

  test("every answer is JSON (or empty), never cached or sniffed, with a request id; each request is one log line without body or token", async () => {
    const call = await as(randomUUID());
    const response = await call("POST", "/connections", connectBody("sk_live_logged", { alias: "alias-not-logged" }));
    assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
    for (const [name, value] of [["cache-control", "no-store"], ["x-content-type-options", "nosniff"], ["x-frame-options", "DENY"], ["referrer-policy", "no-referrer"]]) {
      assert.equal(response.headers.get(name), value, name);
    }
    const requestId = response.headers.get("x-request-id");
    let line;
    for (let waited = 0; !(line = service().output().split("\n").find((text) => text.includes(requestId))) && waited < 3000; waited += 20) await sleep(20);
    assert.ok(line, "the request's log line");
    const entry = JSON.parse(line.slice(line.indexOf("{")));
    assert.deepEqual(
      { ...entry, time: undefined, durationMs: undefined, userId: undefined },
      { time: undefined, level: "info", msg: "request", requestId, method: "POST", route: "/connections", status: 201, durationMs: undefined, userId: undefined },
    );
    assert.equal(typeof entry.durationMs, "number");
    assert.ok(!service().output().includes("sk_live_logged") && !service().output().includes("alias-not-logged"));
  });

  if (expiringRun) {
    test("the expiring job logs the active connections whose credentials expire within 30 minutes", async () => {
      const call = await as(randomUUID());
      const soon = new Date(Date.now() + 10 * 60_000).toISOString();
      const { id } = (await call("POST", "/connections", connectBody("sk_soon", { credentials: { secret: "sk_soon", credentialType: "oauth2", expiresAt: soon } }))).json;
      const later = (await call("POST", "/connections", connectBody("sk_later"))).json.id;
      const from = service().output().length;
      await expiringRun();
      let line;
      for (let waited = 0; !(line = service().output().slice(from).split("\n").find((text) => text.includes('"msg":"expiring connections"') && text.includes(id))) && waited < 5000; waited += 20) {
        await sleep(20);
      }
      assert.ok(line, "a run lists the connection that expires soon");
      const run = JSON.parse(line.slice(line.indexOf("{")));
      assert.equal(run.withinMinutes, 30);
      assert.ok(!run.connectionIds.includes(later), "not the one that expires in 2099");
      assert.ok(!line.includes("sk_soon"));
    });
  }
}
