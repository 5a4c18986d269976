// examples/node-service as its own process, driven over loopback HTTP, its SQLite read back. The
// /providers routes' tests are shared with the Worker's (support/provider-routes.mjs); the
// expiring job runs on its timer, every 100 ms here.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { testProviderRoutes } from "./support/provider-routes.mjs";
import { sleep } from "./support/provider-http.mjs";
import { ISO, PROVIDER_ID, USER_ID } from "./contract/fixtures.mjs";
import { FIND_ACTIVE_BY_USER, FIND_BY_USER, FIND_EXPIRING_BEFORE } from "../../examples/node/sqlite-store.mjs";

const server = fileURLToPath(new URL("../../examples/node-service/server.mjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "connect-provider-service-"));
const database = join(dir, "service.sqlite");
let child;
let base;
let stdout = "";
let reader;

before(async () => {
  const env = { ...process.env, DATABASE: database, PORT: "0", EXPIRING_JOB_INTERVAL_MS: "100" };
  child = spawn(process.execPath, [server], { env, stdio: ["ignore", "pipe", "inherit"] });
  child.stdout.setEncoding("utf8").on("data", (text) => (stdout += text));
  base = await new Promise((resolve, reject) => {
    child.stdout.on("data", () => {
      const match = stdout.match(/listening on (http:\/\/\S+)/);
      if (match) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`service exited with ${code}`)));
  });
  reader = new Database(database, { readonly: true });
});
after(() => {
  reader?.close();
  if (child?.exitCode === null) child.kill();
  rmSync(dir, { recursive: true, force: true });
});

const post = (body) => fetch(`${base}/connections`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
const command = (overrides = {}) => ({
  userId: USER_ID,
  providerId: PROVIDER_ID,
  providerSlug: "fidelity",
  credentials: { encryptedData: Buffer.from("sealed").toString("base64"), credentialType: "api_key" },
  ...overrides,
});

test("POST /connections stores the connection and its events in SQLite", async () => {
  const response = await post(command({ alias: "401k" }));
  assert.equal(response.status, 201);
  const { id } = await response.json();

  const db = new Database(database, { readonly: true });
  const row = db.prepare("SELECT * FROM provider_connections WHERE id = ?").get(id);
  db.close();
  assert.equal(row.provider_slug, "fidelity");
  assert.equal(row.alias, "401k");
  assert.equal(row.status, "active");
  assert.equal(row.credential_type, "api_key");
  assert.equal(row.expires_at, null);
  assert.equal(Buffer.from(row.encrypted_data).toString(), "sealed");

  const listed = await (await fetch(`${base}/connections?userId=${USER_ID}`)).json();
  assert.deepEqual(listed.map((c) => c.id), [id]);
  const events = await (await fetch(`${base}/events?userId=${USER_ID}`)).json();
  assert.deepEqual(events.map((e) => e.eventType), ["ProviderConnectionAttempted", "ProviderConnectionSucceeded"]);
  assert.equal(events[1].connectionId, id);
});

test("a refused command answers 422 with the error and records a Failed event", async () => {
  const response = await post(command({ alias: "x".repeat(101) }));
  assert.equal(response.status, 422);
  assert.deepEqual(await response.json(), { error: "Alias exceeds maximum length" });
  const events = await (await fetch(`${base}/events?userId=${USER_ID}`)).json();
  assert.deepEqual(events.at(-1).reason, "Alias exceeds maximum length");
  const listed = await (await fetch(`${base}/connections?userId=${USER_ID}`)).json();
  assert.equal(listed.length, 1, "nothing new saved");
});

test("a body that is not JSON answers 400, an unknown path 404", async () => {
  assert.equal((await post("{not json")).status, 400);
  assert.equal((await fetch(`${base}/nowhere`)).status, 404);
});

testProviderRoutes({
  call: (method, path, body) => fetch(`${base}${path}`, { method, body: body === undefined || typeof body === "string" ? body : JSON.stringify(body) }),
  query: async (sql, ...params) => reader.prepare(sql).all(...params),
  async exec(sql) {
    const writer = new Database(database);
    try {
      writer.exec(sql);
    } finally {
      writer.close();
    }
  },
  finds: { byUser: FIND_BY_USER, activeByUser: FIND_ACTIVE_BY_USER, expiringBefore: FIND_EXPIRING_BEFORE },
  /** Waits for the timer's next run, and for the line the service prints about it. */
  async expiringRun() {
    const from = new Date().toISOString();
    const deadline = Date.now() + 5000;
    let run;
    while (!(run = reader.prepare("SELECT * FROM refresh_runs WHERE ran_at >= ? ORDER BY id LIMIT 1").get(from))) {
      assert.ok(Date.now() < deadline, "a run within 5 s of a 100 ms timer");
      await sleep(20);
    }
    assert.match(run.ran_at, ISO);
    assert.deepEqual(Object.keys(run), ["id", "ran_at", "within_minutes", "connection_ids", "error"]);
    const line = `refresh run at ${run.ran_at}: ${run.connection_ids} expire within 30 minutes\n`;
    while (!stdout.includes(line)) {
      assert.ok(Date.now() < deadline, `the service prints ${line}`);
      await sleep(20);
    }
    return run;
  },
});

test("SIGTERM stops the job and the server, closes the database and exits 0", async () => {
  child.kill("SIGTERM");
  const [code, signal] = await once(child, "exit");
  assert.deepEqual({ code, signal }, { code: 0, signal: null });
  const runs = reader.prepare("SELECT count(*) AS n FROM refresh_runs").get().n;
  await sleep(300);
  assert.equal(reader.prepare("SELECT count(*) AS n FROM refresh_runs").get().n, runs, "no run after the exit");
});
