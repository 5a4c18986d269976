// What the /providers routes of both service examples do, asserted over HTTP and in the database
// they write: the Worker over D1 (cloudflare_worker.test.mjs) and the node:http service over SQLite
// (node_service.test.mjs) register these same tests, each with its own way in.
import assert from "node:assert/strict";
import { test } from "node:test";
import { OTHER_USER_ID, PROVIDER_ID, isoIn } from "../contract/fixtures.mjs";
import { eventBodies, sleep, stampsOf } from "./provider-http.mjs";

/**
 * @typedef {object} ServiceUnderTest
 * @property {(method: string, path: string, body?: unknown) => Promise<Response>} call a request; a
 *   body that is not a string is sent as JSON
 * @property {(sql: string, ...params: unknown[]) => Promise<Record<string, any>[]>} query a read of
 *   the service's database
 * @property {(sql: string) => Promise<void>} exec a schema change to the service's database
 * @property {() => Promise<Record<string, any>>} expiringRun the `refresh_runs` row of a run of the
 *   expiring job that starts after the call (its runtime's own columns already checked)
 * @property {{ byUser: string, activeByUser: string, expiringBefore: string }} finds the
 *   repository's SQL, for its query plans
 */

// Each test has a user of its own, so one test's connections never show in another's lists.
const user = (n) => `0190f5b2-3c4d-7e8f-9a0b-00000000a00${n}`;
const UNKNOWN_ID = "0190f5b2-3c4d-7e8f-9a0b-0000000000ff";
const credentials = (secret, credentialType = "oauth2", expiresAt = "2099-01-01T00:00:00Z") => ({
  encryptedData: Buffer.from(secret).toString("base64"),
  credentialType,
  expiresAt,
});

/** @param {ServiceUnderTest} service */
export function testProviderRoutes(service) {
  const { call, query } = service;
  const row = async (id) => (await query("SELECT * FROM provider_connections WHERE id = ?", id))[0];

  /** Connects through the API and answers the new id. */
  async function connectAs(userId, overrides = {}) {
    const response = await call("POST", "/connections", {
      userId, providerId: PROVIDER_ID, providerSlug: "schwab", alias: "Brokerage", credentials: credentials("secret"), ...overrides,
    });
    assert.equal(response.status, 201, await response.clone().text());
    return (await response.json()).id;
  }

  /** Runs `action`, answering its result and the events it published, read from the outbox. */
  async function published(action) {
    const [{ mark }] = await query("SELECT coalesce(max(rowid), 0) AS mark FROM domain_events");
    const result = await action();
    const stored = await query("SELECT event_type, payload FROM domain_events WHERE rowid > ? ORDER BY rowid", mark);
    const events = stored.map(({ event_type, payload }) => {
      const event = JSON.parse(payload);
      assert.equal(event_type, event.eventType);
      return event;
    });
    return [result, eventBodies(events)];
  }

  test("the migrations leave the original service's indexes, and each find is served by its own", async () => {
    const indexes = await query(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'provider_connections' AND sql IS NOT NULL ORDER BY name",
    );
    assert.deepEqual(indexes.map((index) => index.name), [
      "idx_provider_connections_active",
      "idx_provider_connections_expiring",
      "idx_provider_connections_user_provider",
    ]);
    // The first step of each plan: a SEARCH through the named index (the sort after it is SQLite's business).
    const plan = async (sql) => (await query(`EXPLAIN QUERY PLAN ${sql}`, "x"))[0].detail;
    assert.equal(await plan(service.finds.byUser), "SEARCH provider_connections USING INDEX idx_provider_connections_user_provider (user_id=?)");
    assert.equal(await plan(service.finds.activeByUser), "SEARCH provider_connections USING INDEX idx_provider_connections_active (user_id=? AND status=?)");
    assert.equal(
      await plan(service.finds.expiringBefore),
      "SEARCH provider_connections USING INDEX idx_provider_connections_expiring (expires_at>? AND expires_at<?)",
    );
  });

  test("GET /providers lists the user's connections newest first with counts; active_only=true the active ones", async () => {
    const owner = user(1);
    const first = await connectAs(owner);
    await sleep(3); // three different milliseconds, so newest-first is the whole order
    const second = await connectAs(owner, { providerSlug: "fidelity", alias: null, credentials: credentials("b", "api_key", null) });
    await sleep(3);
    const third = await connectAs(owner, { providerSlug: "vanguard", alias: "IRA", credentials: credentials("c", "api_key", null) });
    assert.equal((await call("DELETE", `/providers/${second}?userId=${owner}`)).status, 204);

    const [firstRow, secondRow, thirdRow] = await Promise.all([first, second, third].map(row));
    assert.ok(firstRow.created_at < secondRow.created_at && secondRow.created_at < thirdRow.created_at);
    const base = { userId: owner, providerId: PROVIDER_ID, lastSyncAt: null, needsReauthentication: false };
    const views = {
      third: { ...base, ...stampsOf(thirdRow), providerSlug: "vanguard", alias: "IRA", status: "active", isConnected: true, canSync: true,
        credentialType: "api_key", credentialsExpireAt: null, credentialExpiry: "never" },
      second: { ...base, ...stampsOf(secondRow), providerSlug: "fidelity", alias: null, status: "disconnected", isConnected: false, canSync: false,
        credentialType: null, credentialsExpireAt: null, credentialExpiry: null },
      first: { ...base, ...stampsOf(firstRow), providerSlug: "schwab", alias: "Brokerage", status: "active", isConnected: true, canSync: true,
        credentialType: "oauth2", credentialsExpireAt: "2099-01-01T00:00:00.000Z", credentialExpiry: "valid" },
    };

    const [all, events] = await published(() => call("GET", `/providers?userId=${owner}`));
    assert.equal(all.status, 200);
    assert.equal(all.headers.get("content-type"), "application/json");
    assert.deepEqual(await all.json(), { connections: [views.third, views.second, views.first], totalCount: 3, activeCount: 2 });
    assert.deepEqual(events, [], "a query publishes nothing");

    const active = await call("GET", `/providers?userId=${owner}&active_only=true`);
    assert.equal(active.status, 200);
    assert.deepEqual(await active.json(), { connections: [views.third, views.first], totalCount: 2, activeCount: 2 });
    const notOnlyActive = await call("GET", `/providers?userId=${owner}&active_only=false`);
    assert.deepEqual(await notOnlyActive.json(), { connections: [views.third, views.second, views.first], totalCount: 3, activeCount: 2 });

    const none = await call("GET", `/providers?userId=${OTHER_USER_ID}`);
    assert.equal(none.status, 200);
    assert.deepEqual(await none.json(), { connections: [], totalCount: 0, activeCount: 0 });

    const badFlag = await call("GET", `/providers?userId=${owner}&active_only=yes`);
    assert.equal(badFlag.status, 400);
    assert.deepEqual(await badFlag.json(), { error: "active_only must be true or false" });
    const noUser = await call("GET", "/providers");
    assert.equal(noUser.status, 400);
    assert.deepEqual(await noUser.json(), { error: "Invalid command: userId must be a UUID string" });
  });

  test("GET /providers/:id answers the owner the view, another user 403, an unknown id 404, a malformed one 400", async () => {
    const owner = user(2);
    const id = await connectAs(owner, { alias: null, credentials: credentials("s", "link_token", null) });

    const [response, events] = await published(() => call("GET", `/providers/${id}?userId=${owner}`));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      ...stampsOf(await row(id)),
      userId: owner, providerId: PROVIDER_ID, providerSlug: "schwab", alias: null, status: "active",
      isConnected: true, needsReauthentication: false, canSync: true,
      credentialType: "link_token", credentialsExpireAt: null, credentialExpiry: "never",
    });
    assert.deepEqual(events, []);

    const notOwned = await call("GET", `/providers/${id}?userId=${OTHER_USER_ID}`);
    assert.equal(notOwned.status, 403);
    assert.deepEqual(await notOwned.json(), { error: "Connection not owned by user" });
    const unknown = await call("GET", `/providers/${UNKNOWN_ID}?userId=${owner}`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), { error: "Connection not found" });
    const malformed = await call("GET", `/providers/not-a-uuid?userId=${owner}`);
    assert.equal(malformed.status, 400);
    assert.deepEqual(await malformed.json(), { error: "Invalid command: connectionId must be a UUID string" });
  });

  test("DELETE /providers/:id answers 204 and keeps the row, disconnected and without credentials", async () => {
    const owner = user(3);
    const id = await connectAs(owner);
    const before = await row(id);
    await sleep(3); // so the disconnection's updated_at is a later millisecond

    const [response, events] = await published(() => call("DELETE", `/providers/${id}?userId=${owner}`));
    assert.equal(response.status, 204);
    assert.equal(await response.text(), "");
    const subject = { userId: owner, connectionId: id, providerId: PROVIDER_ID, providerSlug: "schwab" };
    assert.deepEqual(events, [
      { eventType: "ProviderDisconnectionAttempted", ...subject },
      { eventType: "ProviderDisconnectionSucceeded", ...subject },
    ]);
    const after = await row(id);
    assert.ok(after.updated_at > before.updated_at, `${after.updated_at} after ${before.updated_at}`);
    assert.deepEqual(after, { ...before, status: "disconnected", credential_type: null, encrypted_data: null, expires_at: null, updated_at: after.updated_at });

    // Disconnecting again succeeds again (the original's idempotence).
    const [again, againEvents] = await published(() => call("DELETE", `/providers/${id}?userId=${owner}`));
    assert.equal(again.status, 204);
    assert.deepEqual(againEvents, [
      { eventType: "ProviderDisconnectionAttempted", ...subject },
      { eventType: "ProviderDisconnectionSucceeded", ...subject },
    ]);
    assert.equal((await row(id)).status, "disconnected");
  });

  test("DELETE refusals: another user's connection 403, an unknown id 404, each with a Failed event; no userId 400", async () => {
    const owner = user(4);
    const id = await connectAs(owner);
    const before = await row(id);

    const [notOwned, notOwnedEvents] = await published(() => call("DELETE", `/providers/${id}?userId=${OTHER_USER_ID}`));
    assert.equal(notOwned.status, 403);
    assert.deepEqual(await notOwned.json(), { error: "Connection not owned by user" });
    const subject = { userId: OTHER_USER_ID, connectionId: id, providerId: PROVIDER_ID, providerSlug: "schwab" };
    assert.deepEqual(notOwnedEvents, [
      { eventType: "ProviderDisconnectionAttempted", ...subject },
      { eventType: "ProviderDisconnectionFailed", ...subject, reason: "Connection not owned by user" },
    ]);
    assert.deepEqual(await row(id), before, "the row is untouched");

    const [unknown, unknownEvents] = await published(() => call("DELETE", `/providers/${UNKNOWN_ID}?userId=${owner}`));
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), { error: "Connection not found" });
    const nobody = { userId: owner, connectionId: UNKNOWN_ID, providerId: null, providerSlug: null };
    assert.deepEqual(unknownEvents, [
      { eventType: "ProviderDisconnectionAttempted", ...nobody },
      { eventType: "ProviderDisconnectionFailed", ...nobody, reason: "Connection not found" },
    ]);

    const [noUser, noUserEvents] = await published(() => call("DELETE", `/providers/${id}`));
    assert.equal(noUser.status, 400);
    assert.deepEqual(await noUser.json(), { error: "Invalid command: userId must be a UUID string" });
    assert.deepEqual(noUserEvents, [], "an invalid command is refused before the handler runs");
  });

  test("POST /providers/:id/token-refreshes answers 201 and replaces the credential columns and updated_at", async () => {
    const owner = user(5);
    const id = await connectAs(owner, { credentials: credentials("old-secret") });
    const before = await row(id);
    await sleep(3);

    const fresh = credentials("new-secret", "oauth2", "2099-02-01T00:00:00+01:00");
    const [response, events] = await published(() => call("POST", `/providers/${id}/token-refreshes`, { userId: owner, credentials: fresh }));
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("location"), `/providers/${id}`);
    assert.deepEqual(await response.json(), { connectionId: id });
    const subject = { userId: owner, connectionId: id, providerId: PROVIDER_ID, providerSlug: "schwab" };
    assert.deepEqual(events, [
      { eventType: "ProviderTokenRefreshAttempted", ...subject },
      { eventType: "ProviderTokenRefreshSucceeded", ...subject },
    ]);

    const after = await row(id);
    assert.equal(Buffer.from(after.encrypted_data).toString(), "new-secret");
    assert.ok(after.updated_at > before.updated_at, `${after.updated_at} after ${before.updated_at}`);
    assert.deepEqual(after, { ...before, encrypted_data: after.encrypted_data, expires_at: "2099-01-31T23:00:00.000Z", updated_at: after.updated_at });
    const view = await (await call("GET", `/providers/${id}?userId=${owner}`)).json();
    assert.deepEqual([view.credentialsExpireAt, view.credentialExpiry, view.updatedAt], ["2099-01-31T23:00:00.000Z", "valid", after.updated_at]);
  });

  test("a refused token refresh: missing credentials 400, another user 403, unknown 404, bad base64 or body 400", async () => {
    const owner = user(6);
    const id = await connectAs(owner);
    const before = await row(id);
    const subject = { userId: owner, connectionId: id, providerId: PROVIDER_ID, providerSlug: "schwab" };
    const refresh = (body, connectionId = id) => call("POST", `/providers/${connectionId}/token-refreshes`, body);

    const [missing, missingEvents] = await published(() => refresh({ userId: owner }));
    assert.equal(missing.status, 400);
    assert.deepEqual(await missing.json(), { error: "Invalid or missing credentials" });
    assert.deepEqual(missingEvents, [
      { eventType: "ProviderTokenRefreshAttempted", ...subject },
      { eventType: "ProviderTokenRefreshFailed", ...subject, reason: "Invalid or missing credentials", needsUserAction: false },
    ]);

    const fresh = credentials("new");
    const [notOwned, notOwnedEvents] = await published(() => refresh({ userId: OTHER_USER_ID, credentials: fresh }));
    assert.equal(notOwned.status, 403);
    assert.deepEqual(await notOwned.json(), { error: "Connection not owned by user" });
    const stranger = { ...subject, userId: OTHER_USER_ID };
    assert.deepEqual(notOwnedEvents, [
      { eventType: "ProviderTokenRefreshAttempted", ...stranger },
      { eventType: "ProviderTokenRefreshFailed", ...stranger, reason: "Connection not owned by user", needsUserAction: false },
    ]);

    const unknown = await refresh({ userId: owner, credentials: fresh }, UNKNOWN_ID);
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), { error: "Connection not found" });

    const [badBase64, badBase64Events] = await published(() => refresh({ userId: owner, credentials: { ...fresh, encryptedData: "not base64!" } }));
    assert.equal(badBase64.status, 400);
    assert.deepEqual(await badBase64.json(), { error: "credentials.encryptedData must be base64" });
    assert.deepEqual(badBase64Events, [], "refused before the handler runs");
    const notJson = await refresh("{not json");
    assert.equal(notJson.status, 400);
    assert.deepEqual(await notJson.json(), { error: "Request body must be JSON" });

    assert.deepEqual(await row(id), before, "no refusal touched the row");
  });

  test("refreshing a disconnected connection answers 403 and publishes a Failed event that needs the user", async () => {
    const owner = user(7);
    const id = await connectAs(owner);
    assert.equal((await call("DELETE", `/providers/${id}?userId=${owner}`)).status, 204);
    const before = await row(id);

    const body = { userId: owner, credentials: credentials("new", "oauth2", null) };
    const [response, events] = await published(() => call("POST", `/providers/${id}/token-refreshes`, body));
    assert.equal(response.status, 403);
    assert.deepEqual(await response.json(), { error: "Connection is not active" });
    const subject = { userId: owner, connectionId: id, providerId: PROVIDER_ID, providerSlug: "schwab" };
    assert.deepEqual(events, [
      { eventType: "ProviderTokenRefreshAttempted", ...subject },
      { eventType: "ProviderTokenRefreshFailed", ...subject, reason: "Connection is not active", needsUserAction: true },
    ]);
    assert.deepEqual(await row(id), before, "still disconnected");
    assert.deepEqual([before.status, before.credential_type, before.encrypted_data, before.expires_at], ["disconnected", null, null, null]);
  });

  test("the expiring job records the active connections expiring within 30 minutes, the expired first", async () => {
    const owner = user(8);
    const soon = await connectAs(owner, { credentials: credentials("1", "oauth2", isoIn(10 * 60_000)) });
    const expired = await connectAs(owner, { credentials: credentials("2", "oauth2", isoIn(-60 * 60_000)) });
    await connectAs(owner, { credentials: credentials("3", "oauth2", isoIn(120 * 60_000)) });
    await connectAs(owner, { credentials: credentials("4", "api_key", null) });
    const gone = await connectAs(owner, { credentials: credentials("5", "oauth2", isoIn(5 * 60_000)) });
    assert.equal((await call("DELETE", `/providers/${gone}?userId=${owner}`)).status, 204);

    const [run, events] = await published(() => service.expiringRun());
    const { within_minutes, connection_ids, error } = run;
    assert.deepEqual({ within_minutes, connection_ids, error }, { within_minutes: 30, connection_ids: JSON.stringify([expired, soon]), error: null });
    assert.deepEqual(events, [], "listing publishes nothing");

    const view = await (await call("GET", `/providers/${expired}?userId=${owner}`)).json();
    assert.deepEqual([view.isConnected, view.canSync, view.credentialExpiry], [true, false, "expired"]);
  });

  test("a database error answers 500 with the constant, not the database's message", async () => {
    await service.exec("ALTER TABLE provider_connections RENAME TO provider_connections_away");
    try {
      const response = await call("GET", `/providers?userId=${user(1)}`);
      assert.equal(response.status, 500);
      assert.deepEqual(await response.json(), { error: "Database error occurred" });
    } finally {
      await service.exec("ALTER TABLE provider_connections_away RENAME TO provider_connections");
    }
    assert.equal((await call("GET", `/providers?userId=${user(1)}`)).status, 200);
  });

  test("an unknown path answers 404, a known one with another method 405", async () => {
    const nowhere = await call("GET", "/nowhere");
    assert.equal(nowhere.status, 404);
    assert.deepEqual(await nowhere.json(), { error: "Not found" });
    const put = await call("PUT", `/providers/${UNKNOWN_ID}`);
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, DELETE");
    const getRefreshes = await call("GET", `/providers/${UNKNOWN_ID}/token-refreshes`);
    assert.equal(getRefreshes.status, 405);
    assert.equal(getRefreshes.headers.get("allow"), "POST");
  });
}
