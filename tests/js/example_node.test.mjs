// The README's Node example, run as a user runs it: on a fresh SQLite file, and on a real PostgreSQL
// (DATABASE_URL) that this file starts and stops.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { startPostgres } from "./support/postgres.mjs";

const example = fileURLToPath(new URL("../../examples/node/connect.mjs", import.meta.url));
const EVENT_TYPES = ["ProviderConnectionAttempted", "ProviderConnectionSucceeded", "ProviderConnectionAttempted", "ProviderConnectionFailed"];

/** Runs the example and checks what it prints; answers the connection id it made. */
function runExample(args, env = process.env) {
  const lines = execFileSync(process.execPath, [example, ...args], { encoding: "utf8", env }).trim().split("\n");
  const results = lines.filter((line) => line.startsWith("result ")).map((line) => JSON.parse(line.slice(7)));
  assert.equal(results.length, 2);
  assert.equal(results[0].ok, true);
  assert.deepEqual(results[1], { ok: false, error: "Invalid provider slug", code: "INVALID_PROVIDER_SLUG" });
  const events = lines.filter((line) => line.startsWith("event "));
  assert.deepEqual(events.map((line) => line.split(/\s+/)[2]), EVENT_TYPES);
  assert.match(events[1], new RegExp(`connection=${results[0].value}$`));
  assert.match(events[3], /reason="Invalid provider slug"$/);
  const rows = lines.filter((line) => line.startsWith("row ")).map((line) => JSON.parse(line.slice(4).trim()));
  assert.deepEqual(rows.map(({ id, providerSlug, status, alias, version, credentialType, secretBytes }) => ({ id, providerSlug, status, alias, version, credentialType, secretBytes })), [
    { id: results[0].value, providerSlug: "schwab", status: "active", alias: "Brokerage", version: 1, credentialType: "oauth2", secretBytes: 32 },
  ]);
  return results[0].value;
}

test("examples/node/connect.mjs on SQLite stores one connection and logs four events", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "connect-provider-example-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "connections.sqlite");
  const id = runExample([path]);
  const db = new Database(path, { readonly: true });
  t.after(() => db.close());
  assert.deepEqual(
    db.prepare("SELECT id, provider_slug, status, alias, credential_type, length(encrypted_credentials) AS bytes, version FROM provider_connections").all(),
    [{ id, provider_slug: "schwab", status: "active", alias: "Brokerage", credential_type: "oauth2", bytes: 32, version: 1 }],
  );
  assert.deepEqual(db.prepare("SELECT event_type FROM provider_connection_events ORDER BY sequence").all().map((r) => r.event_type), EVENT_TYPES);
});

test("examples/node/connect.mjs on PostgreSQL (DATABASE_URL) stores one connection and logs four events", async (t) => {
  const server = startPostgres();
  t.after(() => server.stop());
  const database = await server.createDatabase("example");
  const id = runExample([], { ...process.env, DATABASE_URL: server.url(database) });
  const client = new pg.Client(server.config(database));
  await client.connect();
  t.after(() => client.end());
  // The version column is a bigint, which pg hands back as a string unless cast.
  const { rows } = await client.query("SELECT id, provider_slug, status, alias, credential_type, length(encrypted_credentials) AS bytes, version::integer AS version FROM provider_connections");
  assert.deepEqual(rows, [{ id, provider_slug: "schwab", status: "active", alias: "Brokerage", credential_type: "oauth2", bytes: 32, version: 1 }]);
  const events = await client.query("SELECT event_type FROM provider_connection_events ORDER BY sequence");
  assert.deepEqual(events.rows.map((r) => r.event_type), EVENT_TYPES);
});

test("examples/node/relay-webhook.mjs POSTs a store's events to a webhook in commit order, and picks up again after the webhook failed", async (t) => {
  const { createServer } = await import("node:http");
  const { spawn } = await import("node:child_process");
  const { sqliteStore } = await import("connect-provider/stores/sqlite");
  const { ConnectProviderHandler } = await import("connect-provider");
  const dir = mkdtempSync(join(tmpdir(), "connect-provider-relay-example-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "events.sqlite");
  const received = [];
  let refuse = 2;
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk)).on("end", () => {
      if (refuse > 0) {
        refuse -= 1;
        response.writeHead(503).end();
        return;
      }
      received.push(...JSON.parse(body).events);
      response.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => server.close());
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  const store = sqliteStore(db);
  await store.migrate();
  const userId = crypto.randomUUID();
  const handler = new ConnectProviderHandler(store.repository, store.eventBus);
  for (let i = 0; i < 5; i += 1) {
    await handler.handle({ userId, providerId: crypto.randomUUID(), providerSlug: `bank-${i}`, credentials: { encryptedData: new Uint8Array(8), credentialType: "oauth2" } });
  }
  const script = fileURLToPath(new URL("../../examples/node/relay-webhook.mjs", import.meta.url));
  const secretPath = "/events/hooks/T0K3N-in-the-path?token=sk_hook";
  const relay = spawn(process.execPath, [script, path, `http://127.0.0.1:${server.address().port}${secretPath}`], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  relay.stdout.on("data", (text) => (output += text));
  relay.stderr.on("data", (text) => (output += text));
  t.after(() => relay.kill("SIGKILL"));
  const log = await store.events({ limit: 1000 });
  for (let i = 0; i < 100 && received.length < log.length; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(received, log, "every event once, in commit order, after two refused POSTs");
  assert.match(output, /"msg":"delivery failed".*"error":"Error: the webhook answered 503"/);
  relay.kill("SIGTERM");
  assert.deepEqual(await new Promise((resolve) => relay.once("exit", (code, signal) => resolve([code, signal]))), [0, null], "stops on SIGTERM");
  assert.match(output, new RegExp(`relaying ${path} to http://127\\.0\\.0\\.1:${server.address().port}\n`));
  assert.doesNotMatch(output, /T0K3N|sk_hook/, "the webhook's path and query, which may hold its secret, are not logged");
  const { spawnSync } = await import("node:child_process");
  const run = (...args) => spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });
  const missing = join(dir, "typo.sqlite");
  const usage = "usage: node examples/node/relay-webhook.mjs <database-path> <webhook-url>";
  assert.deepEqual([run(missing, "http://127.0.0.1:1/").status, run(missing, "http://127.0.0.1:1/").stderr], [2, `relay-webhook: no database at ${missing}\n${usage}\n`]);
  assert.equal(existsSync(missing), false, "no empty database made");
  assert.deepEqual([run(path, "not a url").status, run(path, "not a url").stderr], [2, `relay-webhook: the webhook is not a URL\n${usage}\n`]);
  assert.deepEqual([run(path, "ftp://example.com/").status, run(path, "ftp://example.com/").stderr], [2, `relay-webhook: the webhook must be an http(s) URL\n${usage}\n`]);
  // fetch would refuse it on every try with the whole URL in its error, which would be logged and kept.
  const withUser = run(path, "http://hook:sk_hook_pw@127.0.0.1:1/x");
  assert.deepEqual([withUser.status, withUser.stdout, withUser.stderr], [2, "", `relay-webhook: the webhook must not carry a user or password (put a secret in its path, or a header)\n${usage}\n`]);
  // A database the relay cannot use: each failed drain is logged, with why.
  db.exec("DROP TABLE connect_provider_relay_lease");
  const broken = spawn(process.execPath, [script, path, `http://127.0.0.1:${server.address().port}/events`], { stdio: ["ignore", "pipe", "pipe"] });
  let brokenOutput = "";
  broken.stdout.on("data", (text) => (brokenOutput += text));
  broken.stderr.on("data", (text) => (brokenOutput += text));
  t.after(() => broken.kill("SIGKILL"));
  for (let i = 0; i < 100 && !brokenOutput.includes('"msg":"relay failed"'); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.match(brokenOutput, /\{"msg":"relay failed","error":"no such table: connect_provider_relay_lease"\}\n/);
  broken.kill("SIGTERM");
  assert.deepEqual(await new Promise((resolve) => broken.once("exit", (code, signal) => resolve([code, signal]))), [0, null]);
  db.close();
});
