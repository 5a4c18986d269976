// examples/node-service as its own process, as its README starts it: the service contract
// (support/service-contract.mjs) on SQLite and on a real PostgreSQL, with the sealed secrets read
// back from each store; key rotation across a restart; the dev-token script; HOST, PORT and SIGTERM.
// Then the edge modules it shares with the Deno service and the Worker (connect-provider/service),
// directly: configuration, sealing and rotation, the rate limit's window, the body's media type.
// The attacks on it are in service_attacks.test.mjs.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import {
  ConfigError,
  readConfig,
  readListenAddress,
  SealError,
  createSealer,
  keyIdOf,
  inProcessLimiter,
  takeFromLog,
} from "connect-provider/service";
import { isJson } from "../../node_modules/connect-provider/service/body.js";
import { startPostgres } from "./support/postgres.mjs";
import { serviceContract } from "./support/service-contract.mjs";
import { EXAMPLES, assertReadmeRun, runReadme, runToEnd, serviceSecrets, startNodeService } from "./support/services.mjs";
import { freePort } from "./support/wrangler.mjs";

/** A fresh HS256 secret for a service's config, a user, and a token of theirs it signs. */
async function signedUser() {
  const { SignJWT } = await import("jose");
  const secret = randomBytes(32).toString("base64");
  const userId = randomUUID();
  const token = await new SignJWT({ sub: userId }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("10m").sign(new TextEncoder().encode(secret));
  return { secret, userId, token };
}

const home = mkdtempSync(join(tmpdir(), "connect-provider-node-service-"));
after(() => rmSync(home, { recursive: true, force: true }));
const PROVIDER_ID = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c";

describe("on SQLite (DATABASE)", () => {
  const vars = serviceSecrets({ EXPIRING_JOB_INTERVAL_MS: "200" });
  let service;
  let reader;
  before(async () => {
    service = await startNodeService({ dir: join(home, "sqlite"), vars });
    reader = new Database(service.database, { readonly: true });
  });
  after(async () => {
    if (reader?.open) reader.close();
    await service?.stop();
  });
  serviceContract({
    service: () => service,
    vars,
    async readSealed(id) {
      const row = reader.prepare("SELECT encrypted_credentials FROM provider_connections WHERE id = ?").get(id);
      return row.encrypted_credentials === null ? null : new Uint8Array(row.encrypted_credentials);
    },
    expiringRun: async () => {}, // the service's timer runs it every 200 ms here
  });

  test("it prints the address it listens on; the database file is the service user's alone", () => {
    assert.match(service.output(), /^connect-provider service listening on http:\/\/127\.0\.0\.1:\d+ \(store: sqlite\)$/m);
    assert.notEqual(service.url, "http://127.0.0.1:0", "PORT=0 picked a free port");
    assert.equal(statSync(service.database).mode & 0o777, 0o600);
    assert.equal(statSync(`${service.database}-wal`).mode & 0o777, 0o600, "SQLite gives its WAL the database's mode");
  });

  test("an absolute-form request target (RFC 9112 has servers accept it) is answered as its path and query, whatever host it names; `*` and an authority are 400", async () => {
    const { exchange, rawRequest } = await import("./support/raw-http.mjs");
    const { tokenFactory } = await import("./support/tokens.mjs");
    const token = await (await tokenFactory(vars)).valid(randomUUID());
    const ask = async (method, target) => {
      const { responses } = await exchange(service.url, [rawRequest(method, target, { authorization: `Bearer ${token}`, connection: "close" })]);
      const [head, ...body] = responses[0].split("\r\n\r\n");
      return [Number(head.slice(9, 12)), body.join("\r\n\r\n")];
    };
    const origin = await ask("GET", "/providers?active_only=true");
    assert.equal(origin[0], 200);
    assert.deepEqual(await ask("GET", "http://evil.example/providers?active_only=true"), origin);
    assert.deepEqual(await ask("GET", `${service.url}/providers?active_only=true`), origin);
    assert.equal((await ask("OPTIONS", "*"))[0], 400);
    assert.equal((await ask("GET", "evil.example:443"))[0], 400);
  });

  test("SIGTERM stops the server and the job, closes the database (its WAL checkpointed away) and exits 0", async () => {
    reader.close(); // the last connection to close checkpoints the WAL
    await service.stop();
    assert.deepEqual(await service.exited, { code: 0, signal: null });
    assert.equal(existsSync(`${service.database}-wal`), false);
  });
});

describe("on PostgreSQL (DATABASE_URL)", () => {
  const vars = serviceSecrets();
  let postgres;
  let service;
  let client;
  before(async () => {
    postgres = startPostgres();
    const database = await postgres.createDatabase("node_service");
    service = await startNodeService({ dir: join(home, "postgres"), vars, databaseUrl: postgres.url(database) });
    client = new pg.Client(postgres.config(database));
    await client.connect();
  });
  after(async () => {
    await client?.end();
    await service?.stop();
    await postgres?.stop();
  });
  serviceContract({
    service: () => service,
    vars,
    async readSealed(id) {
      const { rows } = await client.query("SELECT encrypted_credentials FROM provider_connections WHERE id = $1", [id]);
      return rows[0].encrypted_credentials === null ? null : new Uint8Array(rows[0].encrypted_credentials);
    },
  });

  test("it names its store, never the connection string", () => {
    assert.match(service.output(), /listening on http:\/\/127\.0\.0\.1:\d+ \(store: postgresql\)/);
    assert.ok(!service.output().includes(postgres.socketDir));
  });
});

describe("key rotation across a restart", () => {
  test("a new CREDENTIALS_KEY seals from then on; what the old one sealed still opens with it in CREDENTIALS_OLD_KEYS", async () => {
    const dir = join(home, "rotation");
    const first = serviceSecrets();
    const userId = randomUUID();
    const { tokenFactory } = await import("./support/tokens.mjs");
    const token = await (await tokenFactory(first)).valid(userId);
    const call = (service, method, path, body) =>
      fetch(`${service.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body && JSON.stringify(body) });
    const sealedOf = (database, id) => {
      const db = new Database(database, { readonly: true });
      try {
        return new Uint8Array(db.prepare("SELECT encrypted_credentials FROM provider_connections WHERE id = ?").get(id).encrypted_credentials);
      } finally {
        db.close();
      }
    };
    const credentials = (secret) => ({ secret, credentialType: "oauth2" });

    let service = await startNodeService({ dir, vars: first });
    const ids = [];
    for (const secret of ["sk_old_one", "sk_old_two"]) {
      ids.push((await (await call(service, "POST", "/connections", { providerId: PROVIDER_ID, providerSlug: "schwab", credentials: credentials(secret) })).json()).id);
    }
    await service.stop();

    const second = { ...first, CREDENTIALS_KEY: randomBytes(32).toString("base64"), CREDENTIALS_OLD_KEYS: first.CREDENTIALS_KEY };
    service = await startNodeService({ dir, vars: second });
    try {
      assert.equal((await call(service, "GET", `/providers/${ids[0]}`)).status, 200, "connections survive the rotation");
      assert.equal((await call(service, "POST", `/providers/${ids[1]}/token-refreshes`, { credentials: credentials("sk_new_two") })).status, 201);
    } finally {
      await service.stop();
    }
    const oldKey = Buffer.from(first.CREDENTIALS_KEY, "base64");
    const newKey = Buffer.from(second.CREDENTIALS_KEY, "base64");
    const [untouched, resealed] = ids.map((id) => sealedOf(service.database, id));
    assert.deepEqual(untouched.subarray(1, 9), await keyIdOf(oldKey));
    assert.deepEqual(resealed.subarray(1, 9), await keyIdOf(newKey));
    const rotating = await createSealer({ key: newKey, oldKeys: [oldKey] });
    assert.equal(await rotating.open(untouched, userId), "sk_old_one");
    assert.equal(await rotating.open(resealed, userId), "sk_new_two");
    assert.equal(rotating.isCurrent(untouched), false);
    const moved = await rotating.reseal(untouched, userId);
    assert.equal(rotating.isCurrent(moved), true);
    assert.equal(await (await createSealer({ key: newKey })).open(moved, userId), "sk_old_one", "resealed, it needs only the new key");
    await assert.rejects((await createSealer({ key: newKey })).open(untouched, userId), SealError, "without the old key, the old seal does not open");
  });
});

describe("dev-token.mjs", () => {
  test("prints a token for the user that the service accepts, under the configured secret, issuer and audience", async () => {
    const vars = serviceSecrets({ AUTH_ISSUER: "https://issuer.example/", AUTH_AUDIENCE: "connect-provider" });
    const service = await startNodeService({ dir: join(home, "dev-token"), vars });
    try {
      const userId = randomUUID();
      const minted = await runToEnd(process.execPath, [EXAMPLES.nodeDevToken, userId], vars);
      assert.equal(minted.code, 0, minted.stderr);
      assert.match(minted.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      const token = minted.stdout.trim();
      const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
      assert.deepEqual([claims.sub, claims.iss, claims.aud, claims.exp - claims.iat], [userId, "https://issuer.example/", "connect-provider", 3600]);
      const listed = await fetch(`${service.url}/providers`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(listed.status, 200);
      const fresh = await runToEnd(process.execPath, [EXAMPLES.nodeDevToken], vars);
      assert.match(fresh.stderr, /^dev token for user [0-9a-f-]{36}\n$/, "a new user when none is given");
      assert.equal((await fetch(`${service.url}/providers`, { headers: { authorization: `Bearer ${fresh.stdout.trim()}` } })).status, 200);
    } finally {
      await service.stop();
    }
  });

  test("refuses without a secret, with a weak one, with a JWKS configuration, or for a user id that is not a UUID", async () => {
    const vars = serviceSecrets();
    for (const [env, args, pattern] of [
      [{}, [], /no authentication is configured/],
      [{ AUTH_JWT_SECRET: "short" }, [], /AUTH_JWT_SECRET is 5 bytes/],
      [{ AUTH_JWKS_URL: "https://idp.example/jwks", AUTH_ISSUER: "i", AUTH_AUDIENCE: "a" }, [], /tokens come from the identity provider/],
      [vars, ["admin"], /user id must be a UUID/],
      [vars, [randomUUID(), "100000"], /minutes must be/],
    ]) {
      const { code, stdout, stderr } = await runToEnd(process.execPath, [EXAMPLES.nodeDevToken, ...args], env);
      assert.equal(code, 1, stderr);
      assert.equal(stdout, "");
      assert.match(stderr, pattern);
    }
  });
});

test("copied alone into a project that installed only what its README names (connect-provider, jose, better-sqlite3), in a directory whose name has a space, it starts and answers without NATS_URL (the NATS client is loaded only for the relay) on its default SQLite file beside server.mjs", async () => {
  const project = join(home, "copied project");
  mkdirSync(join(project, "node_modules"), { recursive: true });
  for (const file of readdirSync(EXAMPLES.nodeDir).filter((name) => name.endsWith(".mjs"))) cpSync(join(EXAMPLES.nodeDir, file), join(project, file));
  for (const name of ["connect-provider", "jose", "better-sqlite3"]) symlinkSync(realpathSync(join(EXAMPLES.nodeDir, "../../node_modules", name)), join(project, "node_modules", name), "dir");
  await assert.rejects(import(join(project, "nats-events.mjs")), /Cannot find package '@nats-io\/jetstream'/, "the project has no NATS client");
  const { secret, token } = await signedUser();
  // DATABASE empty: the default file.
  const service = await startNodeService({ dir: project, vars: serviceSecrets({ AUTH_JWT_SECRET: secret, DATABASE: "" }), name: "node-copied", script: join(project, "server.mjs") });
  try {
    const response = await fetch(`${service.url}/providers`, { headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual([response.status, await response.json()], [200, { connections: [], totalCount: 0, activeCount: 0 }]);
    assert.equal((statSync(join(project, "service.sqlite")).mode & 0o777).toString(8), "600", "the default file, made readable by its owner alone");
  } finally {
    assert.deepEqual(await service.stop(), { code: 0, signal: null });
  }
});

test("the README's commands run as written: secrets, start, a dev token, connect, list, get, refresh, disconnect, events", async () => {
  const dir = mkdtempSync(join(home, "readme-"));
  const { stdout, stderr } = await runReadme(join(EXAMPLES.nodeDir, "README.md"), { port: await freePort(), vars: { DATABASE: join(dir, "readme.sqlite") } });
  assertReadmeRun(stdout, stderr, "sqlite");
});

describe("the edge modules (connect-provider/service)", () => {
  const key = () => randomBytes(32).toString("base64");

  test("readConfig takes HS256 or a JWKS with issuer and audience, the keys, the limit and the origins, and names every problem at once", () => {
    const secret = randomBytes(32).toString("base64");
    const config = readConfig({ AUTH_JWT_SECRET: secret, CREDENTIALS_KEY: key(), CREDENTIALS_OLD_KEYS: `${key()}, ${key()}`, ALLOWED_ORIGINS: "https://a.example, http://localhost:5173" });
    assert.equal(config.auth.kind, "hs256");
    assert.deepEqual(config.auth.secret, new TextEncoder().encode(secret));
    assert.equal(config.credentials.key.length, 32);
    assert.equal(config.credentials.oldKeys.length, 2);
    assert.equal(config.writesPerMinute, 60);
    assert.deepEqual(config.allowedOrigins, ["https://a.example", "http://localhost:5173"]);
    const jwks = readConfig({ AUTH_JWKS_URL: "https://idp.example/.well-known/jwks.json", AUTH_ISSUER: "https://idp.example/", AUTH_AUDIENCE: "api", CREDENTIALS_KEY: key(), RATE_LIMIT_WRITES_PER_MINUTE: "5" });
    assert.deepEqual([jwks.auth.kind, String(jwks.auth.url), jwks.writesPerMinute], ["jwks", "https://idp.example/.well-known/jwks.json", 5]);
    assert.throws(
      () => readConfig({ RATE_LIMIT_WRITES_PER_MINUTE: "0", ALLOWED_ORIGINS: "https://a.example/path" }),
      (error) => error instanceof ConfigError && error.problems.length === 4,
    );
    for (const limit of ["-1", "1.5", "10001", "many"]) assert.throws(() => readConfig({ AUTH_JWT_SECRET: secret, CREDENTIALS_KEY: key(), RATE_LIMIT_WRITES_PER_MINUTE: limit }), /RATE_LIMIT/);
    assert.deepEqual(readListenAddress({}), { host: "127.0.0.1", port: 8787 });
    assert.deepEqual(readListenAddress({ HOST: "0.0.0.0", PORT: "0" }), { host: "0.0.0.0", port: 0 });
    for (const port of ["-1", "65536", "http", "80.5"]) assert.throws(() => readListenAddress({ PORT: port }), ConfigError);
  });

  test("createService refuses a store whose repository publishes apart from its commit: a command's change would land without its key's answer or its sync advance, and a retry would run it again; and one whose sync lacks a method the sync routes call", async () => {
    const { createService } = await import("connect-provider/service");
    const store = (await import("connect-provider/stores/sqlite")).sqliteStore(new Database(":memory:"));
    await store.migrate();
    const parts = {
      config: readConfig({ AUTH_JWT_SECRET: randomBytes(32).toString("base64"), CREDENTIALS_KEY: key() }),
      limiter: inProcessLimiter({ limit: 10 }),
      log: { request: () => {}, info: () => {}, error: () => {} },
    };
    const message = "createService: store.repository.eventBus must be store.eventBus, and store.repository must have commit: a command's change, its events, its Idempotency-Key answer and its sync advance are written as one";
    const publishing = { publish: async () => {} };
    for (const odd of [{ ...store, repository: { ...store.repository, eventBus: publishing } }, { ...store, repository: { ...store.repository, commit: undefined } }]) {
      await assert.rejects(createService({ ...parts, store: odd }), (error) => error instanceof TypeError && error.message === message);
    }
    const { state: _, ...before } = store.sync;
    await assert.rejects(createService({ ...parts, store: { ...store, sync: before } }), (error) => error instanceof TypeError && error.message === "createService: store.sync must have state: the sync routes keep each client's last mutation and refusals in the store");
    await assert.rejects(createService({ ...parts, store: { ...store, sync: undefined } }), (error) => error instanceof TypeError && error.message === "createService: store.sync must have lastMutation, state, advance: the sync routes keep each client's last mutation and refusals in the store");
    assert.equal(typeof (await createService({ ...parts, store })), "function", "the shipped store is taken");
  });

  test("a sync push sent again while the first is held at its commit waits its turn in the process: it reads the client only after the first ended, and answers every mutation applied before, running none", async () => {
    const { createService } = await import("connect-provider/service");
    const { secret, userId, token } = await signedUser();
    const store = (await import("connect-provider/stores/sqlite")).sqliteStore(new Database(":memory:"));
    await store.migrate();
    let release;
    const gate = new Promise((resolve) => (release = resolve));
    let entered;
    const committing = new Promise((resolve) => (entered = resolve));
    let commits = 0;
    let reads = 0;
    const held = {
      ...store,
      repository: {
        ...store.repository,
        async commit(record, events, options) {
          commits += 1;
          entered();
          await gate;
          return store.repository.commit(record, events, options);
        },
      },
      sync: { ...store.sync, state: async (...args) => ((reads += 1), store.sync.state(...args)) },
    };
    const app = await createService({
      config: readConfig({ AUTH_JWT_SECRET: secret, CREDENTIALS_KEY: key() }),
      store: held,
      limiter: inProcessLimiter({ limit: 100 }),
      log: { request: () => {}, info: () => {}, error: () => {} },
    });
    const connectionId = "0190f5b2-3c4d-7e8f-9a0b-" + randomUUID().slice(-12);
    const body = JSON.stringify({ clientId: "phone", mutations: [{ id: 1, name: "connect", args: { connectionId, providerId: randomUUID(), providerSlug: "schwab", credentials: { secret: "sk_held", credentialType: "oauth2" } } }] });
    const push = () => app(new Request("http://service.test/sync/push", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body }));
    const first = push();
    await committing;
    let secondAnswered = false;
    const second = push().then((response) => ((secondAnswered = true), response));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual([reads, commits, secondAnswered], [1, 1, false], "the second push waits, without reading the client, while the first is held");
    release();
    const [one, other] = await Promise.all([first, second]);
    assert.deepEqual(await one.json(), { lastMutationId: 1, results: [{ id: 1, ok: true, value: connectionId }] });
    assert.deepEqual(await other.json(), { lastMutationId: 1, results: [{ id: 1, applied: "before" }] }, "the second: applied before");
    assert.deepEqual([reads, commits], [2, 1], "it read the client once its turn came, and committed nothing");
    assert.deepEqual((await store.events({ userId })).map((e) => e.eventType), ["ProviderConnectionAttempted", "ProviderConnectionSucceeded"], "one command ran");
  });

  test("a sync mutation that lost every race for its connection (CONFLICT) is not consumed: pushed again, it runs", async () => {
    const { createService } = await import("connect-provider/service");
    const { secret, userId, token } = await signedUser();
    const store = (await import("connect-provider/stores/sqlite")).sqliteStore(new Database(":memory:"));
    await store.migrate();
    let stale = false;
    const racing = { ...store, repository: { ...store.repository, commit: async (...args) => (stale ? false : store.repository.commit(...args)) } };
    const errors = [];
    const app = await createService({
      config: readConfig({ AUTH_JWT_SECRET: secret, CREDENTIALS_KEY: key() }),
      store: racing,
      limiter: inProcessLimiter({ limit: 100 }),
      log: { request: () => {}, info: () => {}, error: (fields) => errors.push(fields.msg) },
    });
    const connectionId = "0190f5b2-3c4d-7e8f-9a0b-" + randomUUID().slice(-12);
    const push = async (mutations) => {
      const response = await app(new Request("http://service.test/sync/push", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ clientId: "tablet", mutations }) }));
      return [response.status, await response.json()];
    };
    const connect = { id: 1, name: "connect", args: { connectionId, providerId: randomUUID(), providerSlug: "schwab", credentials: { secret: "sk_first", credentialType: "oauth2" } } };
    const refresh = { id: 2, name: "refresh", args: { connectionId, credentials: { secret: "sk_second", credentialType: "oauth2" } } };
    assert.deepEqual(await push([connect]), [200, { lastMutationId: 1, results: [{ id: 1, ok: true, value: connectionId }] }]);
    stale = true;
    assert.deepEqual(await push([refresh]), [200, { lastMutationId: 1, results: [] }], "not consumed: no result, lastMutationId unmoved");
    assert.deepEqual(errors, ["sync mutation failed"]);
    assert.equal(await store.sync.lastMutation(userId, "tablet"), 1);
    stale = false;
    assert.deepEqual(await push([refresh]), [200, { lastMutationId: 2, results: [{ id: 2, ok: true }] }], "pushed again, it runs");
    assert.equal((await store.repository.findById(connectionId)).version, 2, "refreshed once");
  });

  test("a sync push whose limiter or whose record of a refusal fails midway answers 200 with the mutations that ran, not a 500 that loses their answers", async () => {
    const { createService } = await import("connect-provider/service");
    const { secret, userId, token } = await signedUser();
    const connect = (id, slug) => ({ id, name: "connect", args: { providerId: randomUUID(), providerSlug: slug, credentials: { secret: "sk_live_midway", credentialType: "oauth2" } } });
    const disconnectNothing = (id) => ({ id, name: "disconnect", args: { connectionId: randomUUID() } });
    const cases = [
      // The limiter throws at the second mutation's take.
      { name: "limiter", limiterFails: true, mutations: [connect(1, "bank-a"), connect(2, "bank-b"), connect(3, "bank-c")], results: [[1, true]] },
      // The second mutation is refused (no such connection), and recording that fails.
      { name: "advance", advanceFails: true, mutations: [connect(1, "bank-a"), disconnectNothing(2), connect(3, "bank-c")], results: [[1, true]] },
    ];
    for (const { name, limiterFails, advanceFails, mutations, results } of cases) {
      const store = (await import("connect-provider/stores/sqlite")).sqliteStore(new Database(":memory:"));
      await store.migrate();
      let takes = 0;
      const limiter = { take: async () => {
        takes += 1;
        if (limiterFails && takes > 1) throw new Error("limiter unreachable");
        return { allowed: true, retryAfterSeconds: 0 };
      } };
      const failing = advanceFails ? { ...store, sync: { ...store.sync, advance: async () => Promise.reject(new Error("database gone")) } } : store;
      const errors = [];
      const app = await createService({
        config: readConfig({ AUTH_JWT_SECRET: secret, CREDENTIALS_KEY: key() }),
        store: failing,
        limiter,
        log: { request: () => {}, info: () => {}, error: (fields) => errors.push(fields.msg) },
      });
      const response = await app(new Request("http://service.test/sync/push", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ clientId: randomUUID(), mutations }),
      }));
      const body = await response.json();
      assert.equal(response.status, 200, `${name}: ${JSON.stringify(body)}`);
      assert.deepEqual(body.results.map((r) => [r.id, r.ok]), results, name);
      assert.equal(body.lastMutationId, 1, name);
      assert.equal((await store.repository.findByUserId(userId)).length, 1, `${name}: the first connect is stored, nothing after it`);
      assert.deepEqual(errors, [limiterFails ? "sync push: the rate limiter failed" : "sync push: a refusal could not be recorded"], name);
    }
  });

  test("another user's connection is not found without being read: one too damaged to read is 404 to them, as a missing one is (500 only to its owner)", async () => {
    const { createService } = await import("connect-provider/service");
    const { conformanceRecord } = await import("connect-provider/stores/conformance");
    const { SignJWT } = await import("jose");
    const db = new Database(":memory:");
    const store = (await import("connect-provider/stores/sqlite")).sqliteStore(db);
    await store.migrate();
    const secret = randomBytes(32).toString("base64");
    const app = await createService({
      config: readConfig({ AUTH_JWT_SECRET: secret, CREDENTIALS_KEY: key() }),
      store,
      limiter: inProcessLimiter({ limit: 10 }),
      log: { request: () => {}, info: () => {}, error: () => {} },
    });
    const record = conformanceRecord();
    assert.equal(await store.repository.save(record), true);
    db.prepare("UPDATE provider_connections SET version = 'damaged' WHERE id = ?").run(record.id);
    const get = async (userId, id) => {
      const token = await new SignJWT({ sub: userId }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("10m").sign(new TextEncoder().encode(secret));
      const response = await app(new Request(`http://service.test/providers/${id}`, { headers: { authorization: `Bearer ${token}` } }));
      return [response.status, (await response.json()).error];
    };
    const outsider = randomUUID();
    assert.deepEqual(await get(outsider, record.id), await get(outsider, randomUUID()), "another user's damaged connection answers as a missing one");
    assert.deepEqual(await get(outsider, record.id), [404, "Connection not found"]);
    assert.equal((await get(record.userId, record.id))[0], 500, "its owner learns it is damaged");
  });

  test("openapi.json names each path's 405 and its Allow as the app answers them, and the refresh's checks in the handler's order (404, 412, 400, 403)", async () => {
    const { readFileSync } = await import("node:fs");
    const { createService } = await import("connect-provider/service");
    const spec = JSON.parse(readFileSync(new URL("../../node_modules/connect-provider/service/openapi.json", import.meta.url), "utf8"));
    const store = (await import("connect-provider/stores/sqlite")).sqliteStore(new Database(":memory:"));
    await store.migrate();
    const app = await createService({
      config: readConfig({ AUTH_JWT_SECRET: randomBytes(32).toString("base64"), CREDENTIALS_KEY: key() }),
      store,
      limiter: inProcessLimiter({ limit: 10 }),
      log: { request: () => {}, info: () => {}, error: () => {} },
    });
    const paths = Object.keys(spec.paths);
    assert.equal(paths.length, 9);
    for (const path of paths) {
      const response = await app(new Request(`http://service.test${path.replace("{id}", randomUUID())}`, { method: "PUT" }));
      const allow = response.headers.get("allow");
      assert.equal(response.status, 405, path);
      assert.deepEqual(allow, Object.keys(spec.paths[path]).filter((m) => ["get", "post", "delete"].includes(m)).map((m) => m.toUpperCase()).join(", "), path);
      assert.match(spec.paths[path].description ?? "", new RegExp(`is 405 with \`Allow: ${allow}\`, token or not`), path);
    }
    assert.match(spec.paths["/providers/{id}/token-refreshes"].post.description, /the connection \(404\), the version `If-Match` names, when it names one \(412\), the credentials \(400 .*that it is active \(403/);
  });

  test("a seal is version | key id | 96-bit nonce | ciphertext | tag, a fresh nonce each time, bound to its user and to its bytes", async () => {
    const raw = randomBytes(32);
    const sealer = await createSealer({ key: raw });
    const userId = randomUUID();
    const sealed = await sealer.seal("sk_live_é✓", userId);
    assert.equal(sealed.length, 1 + 8 + 12 + Buffer.byteLength("sk_live_é✓") + 16);
    assert.equal(sealed[0], 1);
    assert.deepEqual(sealed.subarray(1, 9), await keyIdOf(raw));
    assert.equal(sealer.keyId, Buffer.from(await keyIdOf(raw)).toString("hex"));
    assert.equal(await sealer.open(sealed, userId.toUpperCase()), "sk_live_é✓", "the user id in any case");
    assert.equal(await sealer.open(await sealer.seal("\uFEFFsk_bom", userId), userId), "\uFEFFsk_bom", "a leading U+FEFF is kept");
    const nonces = new Set();
    for (let i = 0; i < 200; i += 1) nonces.add(Buffer.from((await sealer.seal("same", userId)).subarray(9, 21)).toString("hex"));
    assert.equal(nonces.size, 200);
    await assert.rejects(sealer.open(sealed, randomUUID()), SealError, "another user's");
    for (const at of [0, 1, 9, 21, sealed.length - 1]) {
      const altered = sealed.slice();
      altered[at] ^= 1;
      await assert.rejects(sealer.open(altered, userId), SealError, `a bit flipped at ${at}`);
    }
    await assert.rejects(sealer.open(sealed.subarray(0, 30), userId), SealError, "cut short");
    await assert.rejects((await createSealer({ key: randomBytes(32) })).open(sealed, userId), /does not hold/);
  });

  test("the expiring job reads a store with findExpiringPage a page at a time: 300 expiring connections with 64 KiB secrets, past a find's 16 MiB, are listed soonest first, where one read fails", async () => {
    const { runExpiringJob } = await import("connect-provider/service");
    const { ConnectProviderHandler } = await import("connect-provider");
    const store = (await import("connect-provider/stores/sqlite")).sqliteStore(new Database(":memory:"));
    await store.migrate();
    const connect = new ConnectProviderHandler(store.repository, store.eventBus);
    const userId = randomUUID();
    /** @type {[number, string][]} */
    const expected = [];
    const base = Date.now();
    for (let i = 0; i < 300; i += 1) {
      // Three at each instant (ordered by id), two thirds already past, the rest within the 30 minutes.
      const expiresAt = new Date(base + Math.floor(i / 3) * 1000 - 66_000).toISOString();
      const connected = await connect.handle({ userId, providerId: randomUUID(), providerSlug: "bank", credentials: { encryptedData: new Uint8Array(65_536), credentialType: "oauth2", expiresAt } });
      assert.ok(connected.ok, JSON.stringify(connected));
      expected.push([Date.parse(expiresAt), connected.value]);
    }
    // One that expires in 2099, not listed.
    assert.ok((await connect.handle({ userId, providerId: randomUUID(), providerSlug: "bank", credentials: { encryptedData: new Uint8Array(8), credentialType: "oauth2", expiresAt: "2099-01-01T00:00:00Z" } })).ok);
    const order = expected.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1)).map(([, id]) => id);
    const lines = [];
    const log = { request: () => {}, info: (fields) => lines.push(fields), error: (fields) => lines.push(fields) };
    assert.deepEqual(await runExpiringJob(store.repository, log), { ok: true, connectionIds: order });
    assert.deepEqual(lines, [{ msg: "expiring connections", withinMinutes: 30, count: 300, connectionIds: order }]);
    assert.deepEqual((await runExpiringJob(store.repository, log, 30, { pageSize: 7 })).connectionIds, order, "pages of seven: the same list");
    // The same store without findExpiringPage: one read, refused whole by the find's limit.
    const { findExpiringPage, ...unpaged } = store.repository;
    assert.equal(typeof findExpiringPage, "function");
    lines.length = 0;
    assert.deepEqual(await runExpiringJob(/** @type {any} */ (unpaged), log), { ok: false, connectionIds: [] });
    assert.deepEqual(lines.map((line) => [line.msg, /^Database error occurred: /.test(line.error)]), [["expiring job failed", true]], JSON.stringify(lines));
  });

  test("the expiring job ends as failed when a store's page does not move past the one before, and lists an id met on two pages once", async () => {
    const { runExpiringJob } = await import("connect-provider/service");
    const store = (await import("connect-provider/stores/sqlite")).sqliteStore(new Database(":memory:"));
    await store.migrate();
    const { ConnectProviderHandler } = await import("connect-provider");
    const connect = new ConnectProviderHandler(store.repository, store.eventBus);
    const soon = new Date(Date.now() + 60_000).toISOString();
    const ids = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push((await connect.handle({ userId: randomUUID(), providerId: randomUUID(), providerSlug: "bank", credentials: { encryptedData: new Uint8Array(8), credentialType: "oauth2", expiresAt: soon } })).value);
    }
    ids.sort();
    const lines = [];
    const log = { request: () => {}, info: (fields) => lines.push(fields), error: (fields) => lines.push(fields) };
    const all = await store.repository.findExpiringBefore(new Date(Date.now() + 3_600_000).toISOString());
    // A store whose every page answers the same records and the same next.
    const stuck = { ...store.repository, findExpiringPage: async () => ({ records: all, next: { expiresAt: soon, id: ids[2] } }) };
    assert.deepEqual(await runExpiringJob(/** @type {any} */ (stuck), log, 30, { pageSize: 3 }), { ok: false, connectionIds: [] });
    assert.deepEqual(lines, [{ msg: "expiring job failed", withinMinutes: 30, error: "the store's page did not move past the page before", listedBefore: 3 }]);
    // A store whose second page answers again a record the first had (saved again meanwhile).
    let calls = 0;
    const repeating = {
      ...store.repository,
      findExpiringPage: async () => {
        calls += 1;
        return calls === 1 ? { records: all.slice(0, 2), next: { expiresAt: soon, id: ids[1] } } : { records: all.slice(1), next: null };
      },
    };
    lines.length = 0;
    const listed = await runExpiringJob(/** @type {any} */ (repeating), log, 30, { pageSize: 2 });
    assert.deepEqual([listed.ok, [...listed.connectionIds].sort()], [true, ids]);
    assert.deepEqual(lines.map((line) => [line.msg, line.count]), [["expiring connections", 3]]);
  });

  test("the expiring job asks every page for the bound of its first, and a stop ends it before its next page", async () => {
    const { runExpiringJob, everyInterval } = await import("connect-provider/service");
    const bounds = [];
    const stopping = new AbortController();
    const at = (i) => ({ expiresAt: new Date(Date.parse("2026-12-01T12:00:00.000Z") + i).toISOString(), id: randomUUID() });
    const paged = {
      findById: async () => null, findByUserId: async () => [], findActiveByUser: async () => [], findExpiringBefore: async () => [], save: async () => true,
      findExpiringPage: async (before) => {
        bounds.push(before);
        if (bounds.length === 3) stopping.abort();
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { records: [], next: at(bounds.length) };
      },
    };
    const lines = [];
    const log = { request: () => {}, info: (fields) => lines.push(fields), error: (fields) => lines.push(fields) };
    assert.deepEqual(await runExpiringJob(/** @type {any} */ (paged), log, 30, { signal: stopping.signal }), { ok: false, connectionIds: [] });
    assert.equal(bounds.length, 3, "no page after the stop");
    assert.deepEqual(new Set(bounds).size, 1, "one bound for every page");
    assert.deepEqual(lines, [{ msg: "expiring job stopped", withinMinutes: 30, listedBefore: 0 }]);
    // everyInterval hands each run the signal its stop() aborts, and waits for the run.
    let seen;
    const job = everyInterval(async (signal) => {
      seen = signal;
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
    }, 10);
    while (seen === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(seen.aborted, false);
    await job.stop();
    assert.equal(seen.aborted, true);
    // A run that rejects, or throws before its first await, goes to onError; the runs go on, and a throwing onError stops nothing.
    const errors = [];
    let runs = 0;
    const failing = everyInterval(
      (signal) => {
        runs += 1;
        if (runs === 1) throw new Error("thrown at once");
        if (runs === 2) return Promise.reject(new Error("rejected"));
        return new Promise((resolve) => signal.addEventListener("abort", resolve));
      },
      10,
      undefined,
      (error) => {
        errors.push(error.message);
        throw new Error("the hook fails too");
      },
    );
    while (runs < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await failing.stop();
    assert.deepEqual(errors, ["thrown at once", "rejected"]);
  });

  test("the rate limit counts a user's writes in any sliding minute and says when the oldest leaves it", async () => {
    const log = [];
    for (let i = 0; i < 3; i += 1) assert.deepEqual(takeFromLog(log, 1000 + i * 10_000, 3), { allowed: true });
    assert.deepEqual(takeFromLog(log, 30_000, 3), { allowed: false, retryAfterSeconds: 31 }, "the write at 1 s leaves at 61 s");
    assert.deepEqual(takeFromLog(log, 60_999, 3), { allowed: false, retryAfterSeconds: 1 });
    assert.deepEqual(takeFromLog(log, 61_000, 3), { allowed: true }, "a minute after the first, one more");
    assert.deepEqual(log, [11_000, 21_000, 61_000]);
    let now = 0;
    const limiter = inProcessLimiter({ limit: 2, now: () => now });
    assert.deepEqual([await limiter.take("a"), await limiter.take("a"), await limiter.take("a")].map((d) => d.allowed), [true, true, false]);
    assert.equal((await limiter.take("b")).allowed, true, "another user has a window of its own");
    now = 60_001;
    assert.equal((await limiter.take("a")).allowed, true);
  });

  test("a body's media type must be JSON, with at most a UTF-8 charset", () => {
    for (const type of ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\""]) assert.equal(isJson(type), true, type);
    for (const type of [null, "", "text/json", "application/json-patch+json", "application/json; charset=latin1", "application/json; boundary=x", "text/plain"]) assert.equal(isJson(type), false, String(type));
  });
});

test("a push holds no more mutations than a store keeps refusals, and the service keeps a refusal's message at the length a store takes", async () => {
  const { MAX_MUTATIONS, KEPT_ERROR_CHARACTERS } = await import("../../node_modules/connect-provider/service/sync-routes.js");
  const { KEPT_REFUSALS, MAX_REFUSAL_ERROR } = await import("../../node_modules/connect-provider/stores/sync-input.js");
  // A push sent again after its answer was lost finds each of its refusals among those kept.
  assert.ok(KEPT_REFUSALS >= MAX_MUTATIONS, `${KEPT_REFUSALS} kept, ${MAX_MUTATIONS} a push`);
  assert.equal(KEPT_ERROR_CHARACTERS, MAX_REFUSAL_ERROR);
});
