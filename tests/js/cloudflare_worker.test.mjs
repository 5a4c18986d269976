// examples/cloudflare-worker in workerd (Miniflare), with real D1, over loopback HTTP; its cron
// trigger through Miniflare's scheduled() on the Worker. The /providers routes' tests are shared
// with the Node service's (support/provider-routes.mjs).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { bundleWorker, migrate, startWorker } from "./support/workerd.mjs";
import { testProviderRoutes } from "./support/provider-routes.mjs";
import { ISO, PROVIDER_ID, USER_ID } from "./contract/fixtures.mjs";
import { FIND_ACTIVE_BY_USER, FIND_BY_USER, FIND_EXPIRING_BEFORE } from "../../examples/cloudflare-worker/src/d1-store.js";

const example = (path) => fileURLToPath(new URL(`../../examples/cloudflare-worker/${path}`, import.meta.url));
const outdir = fileURLToPath(new URL("../../target/workerd/example", import.meta.url));
/** The cron of wrangler.toml, so the test triggers what a deployment would. */
const CRON = readFileSync(example("wrangler.toml"), "utf8").match(/^crons = \["([^"]+)"\]$/m)[1];
let worker;
let db;

before(async () => {
  const script = await bundleWorker(example("src/worker.js"), outdir);
  worker = await startWorker(script, { d1Databases: ["DB"] });
  db = await worker.mf.getD1Database("DB");
  for (const file of readdirSync(example("migrations")).sort()) await migrate(db, example(`migrations/${file}`));
});
after(() => worker?.mf.dispose());

const post = (body) =>
  fetch(new URL("/connections", worker.url), { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

const body = (overrides = {}) => ({
  userId: USER_ID,
  providerId: PROVIDER_ID,
  providerSlug: "schwab",
  alias: "Brokerage",
  credentials: { encryptedData: btoa("ciphertext-bytes"), credentialType: "oauth2", expiresAt: "2027-01-01T00:00:00Z" },
  ...overrides,
});

test("POST /connections saves the connection in D1 and its events in the outbox", async () => {
  const response = await post(body());
  assert.equal(response.status, 201);
  const { id } = await response.json();

  const row = await db.prepare("SELECT * FROM provider_connections WHERE id = ?1").bind(id).first();
  assert.equal(row.user_id, USER_ID);
  assert.equal(row.provider_slug, "schwab");
  assert.equal(row.status, "active");
  assert.equal(row.alias, "Brokerage");
  assert.equal(row.credential_type, "oauth2");
  assert.equal(row.expires_at, "2027-01-01T00:00:00.000Z");
  assert.equal(Buffer.from(row.encrypted_data).toString(), "ciphertext-bytes");
  assert.equal(row.connected_at, row.created_at);

  const events = await db.prepare("SELECT event_type, payload FROM domain_events ORDER BY event_id").all();
  assert.deepEqual(events.results.map((e) => e.event_type), ["ProviderConnectionAttempted", "ProviderConnectionSucceeded"]);
  assert.equal(JSON.parse(events.results[1].payload).connectionId, id);
  assert.ok(!events.results.some((e) => e.payload.includes("ciphertext")), "events never carry credentials");

  const listed = await (await fetch(new URL(`/connections?userId=${USER_ID}`, worker.url))).json();
  assert.deepEqual(listed.map((c) => [c.id, c.provider_slug, c.status]), [[id, "schwab", "active"]]);
});

test("POST /connections with a bad slug answers 422 and saves nothing", async () => {
  const before = await db.prepare("SELECT count(*) AS n FROM provider_connections").first();
  const response = await post(body({ providerSlug: "" }));
  assert.equal(response.status, 422);
  assert.deepEqual(await response.json(), { error: "Invalid provider slug" });
  const afterCount = await db.prepare("SELECT count(*) AS n FROM provider_connections").first();
  assert.equal(afterCount.n, before.n);
  const last = await db.prepare("SELECT event_type, payload FROM domain_events ORDER BY event_id DESC LIMIT 1").first();
  assert.equal(last.event_type, "ProviderConnectionFailed");
  assert.equal(JSON.parse(last.payload).reason, "Invalid provider slug");
});

test("connection ids from successive requests are unique and ordered", async () => {
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push((await (await post(body({ providerSlug: `p${i}` }))).json()).id);
  assert.equal(new Set(ids).size, 5);
  assert.deepEqual([...ids].sort(), ids);
});

testProviderRoutes({
  call: (method, path, body) =>
    fetch(new URL(path, worker.url), { method, body: body === undefined || typeof body === "string" ? body : JSON.stringify(body) }),
  query: async (sql, ...params) => (await db.prepare(sql).bind(...params).all()).results,
  exec: async (sql) => void (await db.exec(sql)),
  finds: { byUser: FIND_BY_USER, activeByUser: FIND_ACTIVE_BY_USER, expiringBefore: FIND_EXPIRING_BEFORE },
  /** Fires the cron trigger as the platform does, due at the last quarter hour. */
  async expiringRun() {
    const scheduledTime = new Date(Math.floor(Date.now() / 900_000) * 900_000);
    const startedAt = new Date().toISOString();
    const outcome = await (await worker.mf.getWorker()).scheduled({ cron: CRON, scheduledTime });
    assert.deepEqual(outcome, { outcome: "ok", noRetry: false });
    const runs = (await db.prepare("SELECT * FROM refresh_runs ORDER BY id").all()).results;
    const run = runs.at(-1);
    assert.match(run.ran_at, ISO);
    assert.ok(run.ran_at >= startedAt, `${run.ran_at} from ${startedAt} on`);
    assert.deepEqual(
      { id: run.id, cron: run.cron, scheduled_at: run.scheduled_at },
      { id: runs.length, cron: "*/15 * * * *", scheduled_at: scheduledTime.toISOString() },
    );
    assert.deepEqual(Object.keys(run), ["id", "cron", "scheduled_at", "ran_at", "within_minutes", "connection_ids", "error"]);
    return run;
  },
});
