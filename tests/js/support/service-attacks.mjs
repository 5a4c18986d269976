// The attack table every service is held to, whatever runs it (Node on SQLite or PostgreSQL, Deno
// on KV, the Worker in Miniflare or under wrangler dev): registered as node:test tests by
// `attackSuite`, against one service started by `start` with the configuration of `attackVars`.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { findSecrets } from "./at-rest.mjs";
import { idempotencyAttacks } from "./idempotency-attacks.mjs";
import { checkRacedHttpPairs } from "./raced-http-pairs.mjs";
import { exchange, rawRequest } from "./raw-http.mjs";
import { serviceSecrets } from "./services.mjs";
import { tokenFactory } from "./tokens.mjs";

export const ISSUER = "https://issuer.connect-provider.test/";
export const AUDIENCE = "connect-provider-service";
export const ALLOWED_ORIGIN = "https://app.connect-provider.test";
export const WRITES_PER_MINUTE = 40;
const PROVIDER_ID = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c";
const MAX_BODY = 64 * 1024;
const UNAUTHORIZED_BODY = '{"error":"invalid_token"}';
const CHALLENGE = 'Bearer error="invalid_token"';
/** The kinds of bad credentials that send no Bearer token at all: a bare challenge (RFC 6750, 3.1). */
const NO_BEARER_TOKEN = new Set(["no Authorization header", "an empty Authorization header", "another scheme (Basic)", "the token without its scheme"]);
/** The API's description, as the repository has it: every service serves this. */
const OPENAPI = JSON.parse(readFileSync(new URL("../../../pkg-template/service/openapi.json", import.meta.url), "utf8"));
/** The methods a client may try on a path; each one a path lacks is 405 (QUERY is the draft safe method with a body). */
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "QUERY"];

/** The configuration the attacks run under: issuer and audience checked, one allowed origin, a limit of 40. */
export const attackVars = () =>
  serviceSecrets({ AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, ALLOWED_ORIGINS: ALLOWED_ORIGIN, RATE_LIMIT_WRITES_PER_MINUTE: String(WRITES_PER_MINUTE) });

/** The headers every answer carries. @param {Headers} headers */
function assertHardened(headers, what) {
  assert.equal(headers.get("cache-control"), "no-store", `${what}: Cache-Control`);
  assert.equal(headers.get("x-content-type-options"), "nosniff", `${what}: X-Content-Type-Options`);
  assert.match(headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/, `${what}: X-Request-Id`);
}

/**
 * @param {{
 *   start: (options: { dir: string, vars: Record<string, string> }) => Promise<import("./services.mjs").RunningService>,
 *   atRest?: (service: any) => Promise<string[]>,
 *   name: string,
 *   overlaps?: boolean,
 * }} runtime `atRest` answers the files to scan once the service has stopped (its restFiles by
 *   default); they are scanned while it runs too. `name` is the deployment's, for the log.
 *   `overlaps` says that commands sent at once overlap in its store (true by default): a refresh
 *   and a disconnect raced on one connection are then seen to, the later one reading before the
 *   earlier one is stored. The Node service on SQLite runs a command between two of its events
 *   (the driver is synchronous), so they seldom do there; the store's own conformance suite races
 *   two clients.
 */
export function attackSuite({ start, atRest = async (service) => service.restFiles(), name, overlaps = true }) {
  const dir = mkdtempSync(join(tmpdir(), "connect-provider-attacks-"));
  const vars = attackVars();
  /** Every secret and token sent, none of which may be found at rest or in a log. */
  const sent = new Set();
  /** Every answer's body, for the check that none carries a stack or an internal message. */
  const bodies = [];
  const CANARY = `canary-alias-${randomBytes(6).toString("hex")}`;
  const userA = randomUUID();
  const userB = randomUUID();
  let service;
  let tokens;
  let tokenA;
  let tokenB;
  /** A's connections (one with the canary alias) and the events A had before the attacks. */
  const a = { ids: /** @type {string[]} */ ([]), views: /** @type {any[]} */ ([]), events: /** @type {any[]} */ ([]) };
  let idB;

  const secret = (label) => {
    const value = `sk_live_${label}_${randomBytes(12).toString("hex")}`;
    sent.add(value);
    return value;
  };
  const credentials = (label, expiresAt = "2099-01-01T00:00:00Z") => ({ secret: secret(label), credentialType: "oauth2", expiresAt });
  const connectBody = (label, overrides = {}) => ({ providerId: PROVIDER_ID, providerSlug: "schwab", credentials: credentials(label), ...overrides });

  /**
   * One request. A body that is an object is sent as JSON (with its Content-Type unless `headers`
   * has one); a string or bytes as they are.
   * @returns {Promise<{ status: number, headers: Headers, text: string, json: any }>}
   */
  async function call(method, path, { token, headers = {}, body } = {}) {
    const sentHeaders = { ...headers };
    if (token) sentHeaders.authorization = `Bearer ${token}`;
    let payload = body;
    if (body !== undefined && typeof body === "object" && !(body instanceof Uint8Array) && !(body instanceof ReadableStream)) {
      payload = JSON.stringify(body);
      if (!Object.keys(sentHeaders).some((name) => name.toLowerCase() === "content-type")) sentHeaders["content-type"] = "application/json";
    }
    const response = await fetch(`${service.url}${path}`, { method, headers: sentHeaders, body: payload, duplex: "half" });
    const text = await response.text();
    bodies.push(text);
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  /**
   * One request on a socket of its own, for the methods fetch will not send (TRACE) and the others
   * alike, without a body; the answer's status, headers and body.
   * @returns {Promise<{ status: number, headers: Headers, text: string }>}
   */
  async function rawCall(method, path, headers) {
    const { responses } = await exchange(service.url, [rawRequest(method, path, { ...headers, connection: "close" })]);
    assert.equal(responses.length, 1, `${method} ${path}: no answer`);
    const [head, ...rest] = responses[0].split("\r\n\r\n");
    const [statusLine, ...lines] = head.split("\r\n");
    const parsed = new Headers(lines.map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]));
    let text = rest.join("\r\n\r\n");
    if (parsed.get("transfer-encoding") === "chunked") text = unchunk(text);
    bodies.push(text);
    return { status: Number(statusLine.slice(9, 12)), headers: parsed, text };
  }

  /** What a client can observe of an answer, to compare two of them. */
  const observable = (response) => ({
    status: response.status,
    text: response.text,
    contentType: response.headers.get("content-type"),
    location: response.headers.get("location"),
    challenge: response.headers.get("www-authenticate"),
  });
  const eventsOf = async (token) => (await call("GET", "/events?limit=1000", { token })).json;

  before(async () => {
    service = await start({ dir, vars });
    tokens = await tokenFactory(vars);
    tokenA = await tokens.valid(userA);
    tokenB = await tokens.valid(userB);
    sent.add(tokenA).add(tokenB);
    for (const body of [connectBody("a-first", { alias: CANARY }), connectBody("a-second")]) {
      const connected = await call("POST", "/connections", { token: tokenA, body });
      assert.equal(connected.status, 201, connected.text);
      a.ids.push(connected.json.id);
    }
    const refreshed = await call("POST", `/providers/${a.ids[0]}/token-refreshes`, { token: tokenA, body: { credentials: credentials("a-refresh", "2099-02-01T00:00:00Z") } });
    assert.equal(refreshed.status, 201, refreshed.text);
    const connectedB = await call("POST", "/connections", { token: tokenB, body: connectBody("b-first") });
    assert.equal(connectedB.status, 201, connectedB.text);
    idB = connectedB.json.id;
    for (const id of a.ids) a.views.push((await call("GET", `/providers/${id}`, { token: tokenA })).json);
    a.events = await eventsOf(tokenA);
    assert.equal(a.views[0].alias, CANARY);
    assert.equal(a.views[0].credentialsExpireAt, "2099-02-01T00:00:00.000Z");
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A's connections and events are as they were before the attacks. */
  async function assertAUntouched() {
    for (const [i, id] of a.ids.entries()) assert.deepEqual((await call("GET", `/providers/${id}`, { token: tokenA })).json, a.views[i]);
    assert.deepEqual(await eventsOf(tokenA), a.events);
  }

  /** Every route, as a well-formed request would call it (bodies carry a fresh secret). */
  const everyRoute = () => [
    ["POST", "/connections", connectBody("unauthenticated-connect")],
    ["GET", "/providers"],
    ["GET", `/providers/${a.ids[0]}`],
    ["DELETE", `/providers/${a.ids[0]}`],
    ["POST", `/providers/${a.ids[0]}/token-refreshes`, { credentials: credentials("unauthenticated-refresh") }],
    ["GET", "/events"],
    ["POST", "/sync/push", { clientId: "unauthenticated", mutations: [{ id: 1, name: "connect", args: connectBody("unauthenticated-push") }] }],
    ["GET", "/sync/pull?clientId=unauthenticated"],
    ["GET", "/sync/key"],
  ];

  test("every route, with each kind of bad token, answers 401 with WWW-Authenticate: Bearer error=\"invalid_token\" and nothing more; with no Bearer token, 401 with a bare Bearer challenge and missing_token", async () => {
    const kinds = await tokens.badCredentials(userA);
    // The tokens among them (the parts of a JWT, or a whole one) must not be logged either.
    for (const { headers } of kinds) for (const token of (headers.authorization ?? "").match(/[\w-]{20,}(\.[\w-]+)*/g) ?? []) sent.add(token);
    for (const { kind, headers } of kinds) {
      const answers = await Promise.all(everyRoute().map(([method, path, body]) => call(method, path, { headers, body }).then((response) => [method, path, response])));
      for (const [method, path, response] of answers) {
        const what = `${kind}: ${method} ${path}`;
        assert.equal(response.status, 401, `${what} answered ${response.status} ${response.text}`);
        const bare = NO_BEARER_TOKEN.has(kind);
        assert.equal(response.headers.get("www-authenticate"), bare ? "Bearer" : CHALLENGE, what);
        assert.equal(response.text, bare ? '{"error":"missing_token"}' : UNAUTHORIZED_BODY, what);
        assert.equal(response.headers.get("location"), null, what);
        assertHardened(response.headers, what);
      }
    }
    await assertAUntouched();
  });

  /** Each path and exactly the methods it has, as its `Allow` lists them (and openapi.json describes). */
  const paths = () => [
    ["/connections", "POST"],
    ["/providers", "GET"],
    [`/providers/${a.ids[0]}`, "GET, DELETE"],
    [`/providers/${a.ids[0]}/token-refreshes`, "POST"],
    ["/events", "GET"],
    ["/sync/push", "POST"],
    ["/sync/pull", "GET"],
    ["/sync/key", "GET"],
    ["/openapi.json", "GET"],
  ];

  test("a method a path does not have is 405 with the path's exact Allow (TRACE, QUERY, PUT, PATCH, OPTIONS without a preflight's headers), token or not; nothing changes", async () => {
    const callers = [["A's token", { authorization: `Bearer ${tokenA}` }], ["no token", {}], ["a bad token", { authorization: "Bearer not.a.jwt" }], ["the allowed origin", { origin: ALLOWED_ORIGIN }]];
    let probes = 0;
    for (const [path, allow] of paths()) {
      const lacking = METHODS.filter((method) => !allow.split(", ").includes(method));
      assert.ok(lacking.includes("TRACE") && lacking.includes("OPTIONS") && lacking.includes("PUT") && lacking.includes("PATCH"), path);
      for (const method of lacking) {
        for (const [who, headers] of callers) {
          const response = await rawCall(method, path, headers);
          const what = `${method} ${path} with ${who}`;
          assert.equal(response.status, 405, `${what}: ${response.status} ${response.text}`);
          assert.equal(response.headers.get("allow"), allow, what);
          assert.equal(response.text, '{"error":"Method not allowed"}', what);
          assert.equal(response.headers.get("www-authenticate"), null, what);
          assert.equal(response.headers.get("access-control-allow-origin"), headers.origin ?? null, what);
          assertHardened(response.headers, what);
          probes += 1;
        }
      }
    }
    assert.equal(probes, 4 * (8 * 7 + 6), "every path, every method it lacks, every caller");
    // A preflight stays a preflight, on any path; OPTIONS from an origin without Access-Control-Request-Method is not one.
    const preflight = await rawCall("OPTIONS", `/providers/${a.ids[0]}`, { origin: ALLOWED_ORIGIN, "access-control-request-method": "DELETE" });
    assert.equal(preflight.status, 204, preflight.text);
    assert.equal(preflight.headers.get("allow"), null);
    await assertAUntouched();
  });

  test("a path the service does not have is 404, token or not", async () => {
    for (const path of ["/nowhere", "/providers/", `/providers/${a.ids[0]}/`, `/providers/${a.ids[0]}/token-refreshes/1`, "/connections/1", "/openapi.yaml", "/OPENAPI.JSON"]) {
      for (const headers of [{ authorization: `Bearer ${tokenA}` }, {}]) {
        for (const method of ["GET", "POST", "TRACE"]) {
          const response = await rawCall(method, path, headers);
          assert.equal(response.status, 404, `${method} ${path}: ${response.status} ${response.text}`);
          assert.equal(response.text, '{"error":"Not found"}');
          assert.equal(response.headers.get("allow"), null);
        }
      }
    }
  });

  test("GET /openapi.json is the repository's openapi.json, without a token, as JSON; with a token too; an origin not allowed is 403", async () => {
    // Fetched apart from `call`: the document names the stores, which the scan of the answers for internal messages would flag.
    for (const headers of [{}, { authorization: `Bearer ${tokenA}` }, { authorization: "Bearer not.a.jwt" }, { origin: ALLOWED_ORIGIN }]) {
      const response = await fetch(`${service.url}/openapi.json`, { headers });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
      assert.deepEqual(await response.json(), OPENAPI);
      assertHardened(response.headers, "openapi.json");
    }
    const refused = await call("GET", "/openapi.json", { headers: { origin: "https://evil.example" } });
    assert.equal(refused.status, 403);
    assert.equal(refused.text, '{"error":"Origin not allowed"}');
    // The document lists exactly the paths the service routes, each with exactly the methods of its Allow.
    assert.deepEqual(
      Object.entries(OPENAPI.paths).map(([path, item]) => [path, Object.keys(item).filter((key) => METHODS.includes(key.toUpperCase())).map((key) => key.toUpperCase()).join(", ")]),
      paths().map(([path, allow]) => [path.replace(a.ids[0], "{id}"), allow]),
    );
  });

  test("a token anywhere but the Authorization header is no credential: query string, cookie, another header", async () => {
    for (const [path, headers] of [
      [`/providers?access_token=${tokenA}`, {}],
      ["/providers", { cookie: `token=${tokenA}; access_token=${tokenA}` }],
      ["/providers", { "x-access-token": tokenA, "x-user-id": userA }],
    ]) {
      const response = await call("GET", path, { headers });
      assert.equal(response.status, 401, path);
      // No Bearer token was sent: the bare challenge.
      assert.equal(response.text, '{"error":"missing_token"}', path);
      assert.equal(response.headers.get("www-authenticate"), "Bearer", path);
    }
  });

  test("user B cannot read A's connection: 404, answered exactly as for one that does not exist, by any id spelling or query", async () => {
    const missing = observable(await call("GET", `/providers/${randomUUID()}`, { token: tokenB }));
    assert.equal(missing.status, 404);
    assert.equal(missing.text, '{"error":"Connection not found"}');
    for (const path of [`/providers/${a.ids[0]}`, `/providers/${a.ids[0].toUpperCase()}`, `/providers/${a.ids[0]}?userId=${userA}`, `/providers/${a.ids[1]}?user_id=${userA}&userId=${userA}`]) {
      assert.deepEqual(observable(await call("GET", path, { token: tokenB, headers: { "x-user-id": userA } })), missing, path);
    }
  });

  test("user B cannot disconnect A's connection: 404 as for a missing one, whatever the query or body says; A's stays active", async () => {
    const missing = observable(await call("DELETE", `/providers/${randomUUID()}`, { token: tokenB }));
    assert.equal(missing.status, 404);
    for (const [path, body] of [
      [`/providers/${a.ids[1]}`, undefined],
      [`/providers/${a.ids[1]}?userId=${userA}`, undefined],
      [`/providers/${a.ids[1]}`, { userId: userA }],
    ]) {
      assert.deepEqual(observable(await call("DELETE", path, { token: tokenB, body })), missing, path);
    }
    await assertAUntouched();
  });

  test("user B cannot refresh A's connection, with any body: 404 as for a missing one; A's credentials stay as they were", async () => {
    const missing = observable(await call("POST", `/providers/${randomUUID()}/token-refreshes`, { token: tokenB, body: { credentials: credentials("b-refresh-missing") } }));
    assert.equal(missing.status, 404);
    for (const body of [
      { credentials: credentials("b-refresh-a") },
      { userId: userA, credentials: credentials("b-refresh-a-as-a") },
      { credentials: { ...credentials("b-refresh-a-userid"), userId: userA } },
    ]) {
      assert.deepEqual(observable(await call("POST", `/providers/${a.ids[0]}/token-refreshes?userId=${userA}`, { token: tokenB, body })), missing);
    }
    // Without usable credentials too: the connection is looked up (and not found) before they are judged.
    assert.deepEqual(
      observable(await call("POST", `/providers/${a.ids[0]}/token-refreshes`, { token: tokenB, body: { credentials: null } })),
      observable(await call("POST", `/providers/${randomUUID()}/token-refreshes`, { token: tokenB, body: { credentials: null } })),
    );
    await assertAUntouched();
  });

  test("lists and events are the caller's alone: B never sees A's connections or events, by any query, header or body field", async () => {
    const own = await call("GET", "/providers", { token: tokenB });
    assert.equal(own.status, 200);
    assert.deepEqual(own.json.connections.map((connection) => connection.userId), own.json.connections.map(() => userB));
    for (const path of [`/providers?userId=${userA}`, `/providers?active_only=true&userId=${userA}`, `/providers?user_id=${userA}`]) {
      const listed = (await call("GET", path, { token: tokenB, headers: { "x-user-id": userA } })).json;
      assert.ok(!listed.connections.some((connection) => a.ids.includes(connection.id)), path);
      assert.ok(listed.connections.every((connection) => connection.userId === userB), path);
    }
    const eventsB = await eventsOf(tokenB);
    assert.ok(eventsB.length > 0);
    assert.ok(eventsB.every((event) => event.userId === userB), "only B's events");
    assert.deepEqual((await call("GET", `/events?limit=1000&userId=${userA}`, { token: tokenB })).json, eventsB);
    // B's failed attempts on A's connection read exactly like B's attempts on a missing one.
    const shape = ({ eventId, occurredAt, connectionId, ...rest }) => rest;
    const probes = eventsB.filter((event) => a.ids.includes(event.connectionId));
    assert.ok(probes.length > 0, "B's probes are in B's log");
    for (const probe of probes) {
      assert.equal(probe.providerId, null, "A's provider is not in B's log");
      assert.equal(probe.providerSlug, null);
      if (probe.reason !== undefined) assert.equal(probe.reason, "Connection not found");
    }
    const missingProbes = eventsB.filter((event) => event.connectionId && !a.ids.includes(event.connectionId) && event.connectionId !== idB && event.providerId === null);
    assert.deepEqual(new Set(probes.map((event) => JSON.stringify(shape(event)))), new Set(missingProbes.map((event) => JSON.stringify(shape(event)))));
    // An `after` that is one of A's events is as unknown to B as any other id.
    const afterA = observable(await call("GET", `/events?after=${a.events[0].eventId}`, { token: tokenB }));
    assert.equal(afterA.status, 400);
    assert.deepEqual(afterA, observable(await call("GET", `/events?after=${randomUUID()}`, { token: tokenB })));
  });

  test("a userId in a body or a token's other claims changes nothing: the connection is the token's sub's", async () => {
    const connected = await call("POST", `/connections?userId=${userA}`, { token: tokenB, body: connectBody("b-as-a", { userId: userA, user_id: userA }) });
    assert.equal(connected.status, 201, connected.text);
    const view = (await call("GET", `/providers/${connected.json.id}`, { token: tokenB })).json;
    assert.equal(view.userId, userB);
    assert.equal((await call("GET", `/providers/${connected.json.id}`, { token: tokenA })).status, 404);
    const claimsA = await tokens.valid(userB, { claims: { userId: userA, uid: userA, user_id: userA } });
    sent.add(claimsA);
    assert.ok((await call("GET", "/providers", { token: claimsA })).json.connections.every((connection) => connection.userId === userB));
    await assertAUntouched();
  });

  const payloadUser = randomUUID();
  test("415 for a body of another content type than JSON, on both routes that take one", async () => {
    const token = await tokens.valid(payloadUser);
    sent.add(token);
    for (const type of [undefined, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "application/json; charset=latin1", "text/json"]) {
      for (const path of ["/connections", `/providers/${randomUUID()}/token-refreshes`]) {
        const headers = type === undefined ? {} : { "content-type": type };
        const body = JSON.stringify(connectBody("wrong-type"));
        const response = await call("POST", path, { token, headers, body: type === undefined ? new TextEncoder().encode(body) : body });
        assert.equal(response.status, 415, `${type} on ${path}: ${response.text}`);
        assertHardened(response.headers, `${type}`);
      }
    }
    const accepted = await call("POST", "/connections", { token, headers: { "content-type": "Application/JSON; Charset=UTF-8" }, body: JSON.stringify(connectBody("right-type")) });
    assert.equal(accepted.status, 201, accepted.text);
  });

  test("413 for a body over 64 KiB, declared or streamed; a body of exactly 64 KiB is read", async () => {
    const token = await tokens.valid(payloadUser);
    const padded = (size, label) => {
      const json = JSON.stringify(connectBody(label));
      return json.slice(0, -1) + " ".repeat(size - Buffer.byteLength(json)) + "}";
    };
    const exactly = await call("POST", "/connections", { token, body: padded(MAX_BODY, "exactly-64k"), headers: { "content-type": "application/json" } });
    assert.equal(exactly.status, 201, exactly.text);
    const declared = await call("POST", "/connections", { token, body: padded(MAX_BODY + 1, "declared-64k-plus-1"), headers: { "content-type": "application/json" } });
    assert.equal(declared.status, 413, declared.text);
    const big = padded(4 * MAX_BODY, "streamed");
    const stream = new ReadableStream({
      start(controller) {
        for (let at = 0; at < big.length; at += 8192) controller.enqueue(new TextEncoder().encode(big.slice(at, at + 8192)));
        controller.close();
      },
    });
    const streamed = await call("POST", "/connections", { token, body: stream, headers: { "content-type": "application/json" } });
    assert.equal(streamed.status, 413, streamed.text);
    const refresh = await call("POST", `/providers/${randomUUID()}/token-refreshes`, { token, body: padded(MAX_BODY + 100, "refresh-too-big"), headers: { "content-type": "application/json" } });
    assert.equal(refresh.status, 413);
  });

  test("400 for a body that is not a JSON object: malformed, an array, a string, null, not UTF-8, empty", async () => {
    const token = await tokens.valid(payloadUser);
    const leaked = secret("malformed");
    for (const body of [`{"credentials": {"secret": "${leaked}"`, `[{"secret":"${leaked}"}]`, '"a string"', "null", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), ""]) {
      const response = await call("POST", "/connections", { token, body, headers: { "content-type": "application/json" } });
      assert.equal(response.status, 400, `${body}: ${response.status} ${response.text}`);
      assert.ok(!response.text.includes(leaked), "the refusal does not echo the body");
    }
  });

  test("a refused request leaves its connection usable, or closes it cleanly, at once", async () => {
    const token = await tokens.valid(payloadUser);
    const next = rawRequest("GET", "/providers", { authorization: `Bearer ${token}` });
    const overBody = Buffer.from(`{"credentials":{"secret":"${secret("raw-413")}"}}`.padEnd(MAX_BODY + 36 * 1024, " "));
    const cases = [
      ["413, declared", rawRequest("POST", "/connections", { authorization: `Bearer ${token}`, "content-type": "application/json" }, overBody), 413],
      ["413, chunked", rawRequest("POST", "/connections", { authorization: `Bearer ${token}`, "content-type": "application/json" }, overBody, { chunked: true }), 413],
      ["401 with a body", rawRequest("POST", "/connections", { "content-type": "application/json" }, overBody), 401],
      ["415 with a body", rawRequest("POST", "/connections", { authorization: `Bearer ${token}`, "content-type": "text/plain" }, overBody), 415],
    ];
    for (const [what, request, status] of cases) {
      const { statuses, ended, ms } = await exchange(service.url, [request, next]);
      assert.equal(statuses[0], status, `${what}: ${statuses}`);
      assert.ok(statuses[1] === 200 || ended === "fin", `${what}: the next request answered (${statuses}) or the connection closed cleanly (${ended})`);
      assert.ok(ms < 3000, `${what}: ${ms} ms`);
    }
  });

  test("429 with Retry-After once a user's writes pass the limit; other users' writes and the user's reads go on", async () => {
    const flooder = randomUUID();
    const token = await tokens.valid(flooder);
    sent.add(token);
    const writes = [
      () => call("POST", "/connections", { token, body: connectBody("flood") }),
      () => call("DELETE", `/providers/${randomUUID()}`, { token }),
      () => call("POST", `/providers/${randomUUID()}/token-refreshes`, { token, body: { credentials: credentials("flood-refresh") } }),
    ];
    let connected = 0;
    for (let i = 0; i < WRITES_PER_MINUTE; i += 1) {
      const response = await writes[i % 3]();
      assert.notEqual(response.status, 429, `write ${i + 1} of ${WRITES_PER_MINUTE}`);
      if (response.status === 201 && i % 3 === 0) connected += 1;
    }
    for (const write of writes) {
      const refused = await write();
      assert.equal(refused.status, 429, refused.text);
      assert.deepEqual(refused.json, { error: "Too many requests" });
      const retryAfter = refused.headers.get("retry-after");
      assert.match(retryAfter ?? "", /^\d+$/);
      assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60, retryAfter);
      assertHardened(refused.headers, "429");
    }
    const listed = await call("GET", "/providers", { token });
    assert.equal(listed.status, 200, "reads are not limited");
    assert.equal(listed.json.totalCount, connected, "a refused connect made nothing");
    const other = await call("POST", "/connections", { token: await tokens.valid(randomUUID()), body: connectBody("other-user") });
    assert.equal(other.status, 201, "another user's write goes on");
  });

  test("a sync push counts each mutation it runs as a write: with the limit at 40, a push of 100 runs the first 40 and stops there (the rest to be pushed again), and the next push is 429", async () => {
    const token = await tokens.valid(randomUUID());
    sent.add(token);
    const clientId = "flood-tab";
    const mutations = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, name: "disconnect", args: { connectionId: randomUUID() } }));
    const pushed = await call("POST", "/sync/push", { token, body: { clientId, mutations } });
    assert.equal(pushed.status, 200, pushed.text);
    assert.equal(pushed.json.lastMutationId, WRITES_PER_MINUTE);
    assert.deepEqual(
      pushed.json.results,
      mutations.slice(0, WRITES_PER_MINUTE).map(({ id }) => ({ id, ok: false, code: "CONNECTION_NOT_FOUND", error: "Connection not found" })),
    );
    const next = await call("POST", "/sync/push", { token, body: { clientId, mutations: mutations.slice(WRITES_PER_MINUTE) } });
    assert.equal(next.status, 429, next.text);
    const pulled = await call("GET", `/sync/pull?clientId=${clientId}`, { token });
    assert.equal(pulled.json.lastMutationId, WRITES_PER_MINUTE, "no mutation past the limit ran");
  });

  test(`a refresh and a disconnect sent at once on each of eight connections: each pair ends as if its two ran one after the other (answers, log, view and version agree)${overlaps ? "; the two of some pair overlapped in the database" : ""}`, async () => {
    // Rounds of eight pairs, each by a user of its own (the write limit is 40 a minute), until the
    // two of some pair overlapped (at most five rounds) where they can.
    const raced = { pairs: 0, overlapped: 0, refreshedFirst: 0 };
    for (let round = 0; round < (overlaps ? 5 : 1) && raced.overlapped === 0; round += 1) {
      const token = await tokens.valid(randomUUID());
      sent.add(token);
      const ids = [];
      for (let i = 0; i < 8; i += 1) {
        const connected = await call("POST", "/connections", { token, body: connectBody(`race-${i}`) });
        assert.equal(connected.status, 201, connected.text);
        ids.push(connected.json.id);
      }
      const answers = await Promise.all(ids.flatMap((id, i) => [
        call("POST", `/providers/${id}/token-refreshes`, { token, body: { credentials: credentials(`race-refresh-${i}`) } }),
        call("DELETE", `/providers/${id}`, { token }),
      ]));
      const views = new Map();
      for (const id of ids) views.set(id, (await call("GET", `/providers/${id}`, { token })).json);
      const checked = checkRacedHttpPairs({ ids, answers, views, events: await eventsOf(token) });
      raced.pairs += ids.length;
      for (const key of ["overlapped", "refreshedFirst"]) raced[key] += checked[key];
    }
    const { pairs, overlapped, refreshedFirst } = raced;
    console.log(`${name}: of ${pairs} racing pairs, ${overlapped} overlapped (one read before the other was stored), ${refreshedFirst} refreshed first`);
    if (overlaps) assert.ok(overlapped > 0, "the two of some pair overlapped in the database");
  });

  test("cross-origin access only for ALLOWED_ORIGINS: its preflight and answers carry CORS headers, any other origin is refused", async () => {
    const preflight = (origin) =>
      call("OPTIONS", "/providers", { headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "authorization" } });
    const allowed = await preflight(ALLOWED_ORIGIN);
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN);
    assert.equal(allowed.headers.get("access-control-allow-headers"), "authorization, content-type, idempotency-key, if-match");
    assert.equal(allowed.headers.get("access-control-allow-methods"), "GET, POST, DELETE");
    assert.equal(allowed.headers.get("access-control-allow-credentials"), null);
    for (const origin of ["https://evil.example", "null", `${ALLOWED_ORIGIN}.evil.example`, ALLOWED_ORIGIN.replace("https", "http")]) {
      const refused = await preflight(origin);
      assert.equal(refused.status, 403, origin);
      assert.equal(refused.headers.get("access-control-allow-origin"), null, origin);
      const read = await call("GET", "/providers", { token: tokenA, headers: { origin } });
      assert.equal(read.status, 403, origin);
      assert.equal(read.headers.get("access-control-allow-origin"), null);
      assert.ok(!read.text.includes(a.ids[0]));
    }
    const read = await call("GET", "/providers", { token: tokenA, headers: { origin: ALLOWED_ORIGIN } });
    assert.equal(read.status, 200);
    assert.equal(read.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN);
    assert.equal(read.headers.get("access-control-expose-headers"), "location, retry-after, x-request-id, www-authenticate, etag, idempotent-replayed");
    assert.match(read.headers.get("vary") ?? "", /Origin/i);
  });

  idempotencyAttacks({
    service: () => service,
    // The same deployment again on its data; what the suite's start added (a database's name) is kept.
    restart: async () => {
      service = Object.assign({ ...service }, await service.restart());
    },
    call,
    async user() {
      const id = randomUUID();
      const token = await tokens.valid(id);
      sent.add(token);
      return { id, token };
    },
    credentials,
    connectBody,
    sent,
    vars,
  });

  test("no answer carries a stack trace, an internal message or a secret", async () => {
    for (const text of bodies) {
      assert.doesNotMatch(text, /\bat [\w.<>]+ \(|node:internal|file:\/\/|Database error occurred|deno-kv store|SQLITE|postgres/i, text.slice(0, 200));
    }
    assert.deepEqual(findSecrets(sent, { texts: { "the answers": bodies.join("\n") } }), []);
  });

  test("no secret sent, in any encoding, is found at rest (the store's files) or in the service's logs; the alias canary is, so the scan sees the data", async () => {
    const whileRunning = service.restFiles();
    const beforeStop = findSecrets(sent, { files: whileRunning });
    await service.stop();
    const files = [...new Set([...whileRunning.filter((file) => existsSync(file)), ...(await atRest(service))])];
    assert.deepEqual(beforeStop, [], "nothing sent is in the files of the running service");
    assert.ok(files.length > 0, "there are files to scan");
    assert.deepEqual(findSecrets([CANARY], { files }).length > 0, true, `the canary alias is in ${files.join(", ")}`);
    assert.deepEqual(findSecrets(sent, { files }), [], "nothing sent is at rest");
    const logs = service.output();
    assert.match(logs, /"msg":"request"/, "the service logged its requests");
    assert.deepEqual(findSecrets(sent, { texts: { "the service's logs": logs } }), [], "nothing sent is in the logs");
    assert.ok(!logs.includes(CANARY), "no body reaches the logs");
  });
}

/** A chunked body's content (sizes are bytes: the bodies read this way are ASCII). @param {string} chunked */
function unchunk(chunked) {
  let text = "";
  let at = 0;
  for (;;) {
    const lineEnd = chunked.indexOf("\r\n", at);
    const size = parseInt(chunked.slice(at, lineEnd), 16);
    if (!(size > 0)) return text;
    text += chunked.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}
