// examples/cloudflare-worker in workerd (Miniflare), with real D1, over loopback HTTP.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { bundleWorker, migrate, startWorker } from "./support/workerd.mjs";
import { PROVIDER_ID, USER_ID } from "./contract/fixtures.mjs";

const example = (path) => fileURLToPath(new URL(`../../examples/cloudflare-worker/${path}`, import.meta.url));
const outdir = fileURLToPath(new URL("../../target/workerd/example", import.meta.url));
let worker;
let db;

before(async () => {
  const script = await bundleWorker(example("src/worker.js"), outdir);
  worker = await startWorker(script, { d1Databases: ["DB"] });
  db = await worker.mf.getD1Database("DB");
  await migrate(db, example("migrations/0001_provider_connections.sql"));
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
