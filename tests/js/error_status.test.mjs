// The services' status for each failure code (connect-provider/service): every code the
// package declares has its status, and only a database error (or a code the edge does not know) is
// a 500 that shows the client nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCode } from "connect-provider";
import { statusOf } from "connect-provider/service";

const EXPECTED = {
  CONNECTION_NOT_FOUND: { status: 404, error: "Connection not found" },
  NOT_OWNED_BY_USER: { status: 404, error: "Connection not found" },
  NOT_ACTIVE: { status: 403, error: "Connection is not active" },
  INVALID_CREDENTIALS: { status: 400, error: "Invalid or missing credentials" },
  INVALID_PROVIDER_SLUG: { status: 400, error: "Invalid provider slug" },
  INVALID_ALIAS: { status: 400, error: "Alias exceeds maximum length" },
  INVALID_COMMAND: { status: 400, error: "Invalid command: userId must be a UUID string" },
  DATABASE_ERROR: { status: 500 },
  CONFLICT: { status: 409, error: "Connection was changed by another command; try again" },
  VERSION_MISMATCH: { status: 412, error: "Precondition failed: the connection has changed" },
  INVALID_CONNECTION_ID: { status: 400, error: "Connection id must be a UUID v7" },
  CONNECTION_ID_TAKEN: { status: 409, error: "Connection id already in use" },
};
const MESSAGES = {
  CONNECTION_NOT_FOUND: "Connection not found",
  NOT_OWNED_BY_USER: "Connection not owned by user",
  NOT_ACTIVE: "Connection is not active",
  INVALID_CREDENTIALS: "Invalid or missing credentials",
  INVALID_PROVIDER_SLUG: "Invalid provider slug",
  INVALID_ALIAS: "Alias exceeds maximum length",
  INVALID_COMMAND: "Invalid command: userId must be a UUID string",
  DATABASE_ERROR: "Database error occurred: connection reset",
  CONFLICT: "Connection was changed by another command; try again",
  VERSION_MISMATCH: "Connection has changed since the version expected",
  INVALID_CONNECTION_ID: "Connection id must be a UUID v7",
  CONNECTION_ID_TAKEN: "Connection id already in use",
};

test("every code the package declares maps to its status, another user's connection worded as a missing one", () => {
  assert.deepEqual(Object.keys(ErrorCode).sort(), Object.keys(EXPECTED).sort());
  for (const code of Object.values(ErrorCode)) {
    assert.deepEqual(statusOf({ ok: false, code, error: MESSAGES[code] }), EXPECTED[code], code);
  }
});

test("a code the edge does not know is a 500 that shows nothing", () => {
  assert.deepEqual(statusOf({ ok: false, code: "SOMETHING_NEW", error: "detail that must stay in the log" }), { status: 500 });
});

test("a database error's detail reaches neither the 500 nor the caller's events (GET /events, GET /sync/pull), which show the handlers' reason alone; the log keeps it whole", async () => {
  const { randomBytes, randomUUID } = await import("node:crypto");
  const { default: Database } = await import("better-sqlite3");
  const { SignJWT } = await import("jose");
  const { sqliteStore } = await import("connect-provider/stores/sqlite");
  const { createService, inProcessLimiter, readConfig } = await import("connect-provider/service");
  const store = sqliteStore(new Database(":memory:"));
  await store.migrate();
  const detail = "connection to db-7.internal:5432 refused for role app_rw";
  const failing = { ...store, repository: { ...store.repository, commit: async () => Promise.reject(new Error(detail)) } };
  const secret = randomBytes(32).toString("base64");
  const userId = randomUUID();
  const lines = [];
  const app = await createService({
    config: readConfig({ AUTH_JWT_SECRET: secret, CREDENTIALS_KEY: randomBytes(32).toString("base64") }),
    store: failing,
    limiter: inProcessLimiter({ limit: 1_000 }),
    log: { request: () => {}, info: () => {}, error: (fields) => lines.push(fields) },
  });
  const token = await new SignJWT({ sub: userId }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("10m").sign(new TextEncoder().encode(secret));
  const call = async (method, path, body) => {
    const response = await app(new Request(`http://service.test${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }));
    return { status: response.status, text: await response.text() };
  };
  const connect = await call("POST", "/connections", { providerId: randomUUID(), providerSlug: "schwab", credentials: { secret: "sk_live_1", credentialType: "api_key" } });
  assert.equal(connect.status, 500);
  assert.ok(!connect.text.includes("db-7"), connect.text);
  const shown = (events) => events.map(({ eventType, reason }) => [eventType, reason ?? null]);
  const listed = await call("GET", "/events");
  assert.equal(listed.status, 200);
  assert.deepEqual(shown(JSON.parse(listed.text)), [["ProviderConnectionAttempted", null], ["ProviderConnectionFailed", "Database error occurred"]]);
  const pulled = await call("GET", "/sync/pull?clientId=tab-1");
  assert.equal(pulled.status, 200);
  assert.deepEqual(shown(JSON.parse(pulled.text).events), [["ProviderConnectionAttempted", null], ["ProviderConnectionFailed", "Database error occurred"]]);
  assert.deepEqual(shown(await store.events({ userId })), [["ProviderConnectionAttempted", null], ["ProviderConnectionFailed", `Database error occurred: ${detail}`]], "the log keeps the reason whole");
  assert.ok(JSON.stringify(lines).includes(detail), "and the service's log has it under the request's id");
});
