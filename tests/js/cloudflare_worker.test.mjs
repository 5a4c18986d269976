// examples/cloudflare-worker in workerd through Miniflare: real local D1 (migrated with the
// example's migrations/), the rate limiter's Durable Object, the vars and secrets as bindings, over
// loopback HTTP. The service contract (support/service-contract.mjs) with the sealed secrets read
// back from D1, and the cron trigger through Miniflare's scheduled(). The attacks on it are in
// service_attacks.test.mjs; wrangler itself runs it in wrangler_worker.test.mjs.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { serviceContract } from "./support/service-contract.mjs";
import { EXAMPLES, serviceSecrets, startWorkerInMiniflare } from "./support/services.mjs";

const home = mkdtempSync(join(tmpdir(), "connect-provider-worker-"));
const vars = serviceSecrets();
/** The cron of wrangler.toml, so the test triggers what a deployment would. */
const CRON = readFileSync(join(EXAMPLES.worker, "wrangler.toml"), "utf8").match(/^crons = \["([^"]+)"\]$/m)[1];
let worker;

before(async () => {
  worker = await startWorkerInMiniflare({ dir: home, vars });
});
after(async () => {
  await worker?.stop();
  rmSync(home, { recursive: true, force: true });
});

test("migrations/ is the package's SQLite schema, as the store's migrate() would apply it", () => {
  assert.deepEqual(readdirSync(join(EXAMPLES.worker, "migrations")).sort(), ["0001_connect_provider.sql", "0002_connection_version.sql", "0003_idempotency_keys.sql", "0004_event_outbox.sql"]);
  const shipped = (name) => readFileSync(fileURLToPath(new URL(`../../node_modules/connect-provider/stores/sql/sqlite/${name}`, import.meta.url)), "utf8");
  assert.equal(readFileSync(join(EXAMPLES.worker, "migrations/0001_connect_provider.sql"), "utf8"), shipped("0001_provider_connections.sql"));
  assert.equal(readFileSync(join(EXAMPLES.worker, "migrations/0002_connection_version.sql"), "utf8"), shipped("0002_connection_version.sql"));
  assert.equal(readFileSync(join(EXAMPLES.worker, "migrations/0003_idempotency_keys.sql"), "utf8"), shipped("0003_idempotency_keys.sql"));
  assert.equal(readFileSync(join(EXAMPLES.worker, "migrations/0004_event_outbox.sql"), "utf8"), shipped("0004_event_outbox.sql"));
});

serviceContract({
  service: () => worker,
  vars,
  async readSealed(id) {
    const row = await worker.db.prepare("SELECT encrypted_credentials FROM provider_connections WHERE id = ?1").bind(id).first();
    return row.encrypted_credentials === null ? null : new Uint8Array(row.encrypted_credentials);
  },
  /** Fires the cron trigger as the platform does, due at the last quarter hour. */
  async expiringRun() {
    const scheduledTime = new Date(Math.floor(Date.now() / 900_000) * 900_000);
    const outcome = await (await worker.mf.getWorker()).scheduled({ cron: CRON, scheduledTime });
    assert.deepEqual(outcome, { outcome: "ok", noRetry: false });
  },
});

test("writes are counted by one Durable Object per user, in its own storage", async () => {
  const { tokenFactory } = await import("./support/tokens.mjs");
  const { randomUUID } = await import("node:crypto");
  const tokens = await tokenFactory(vars);
  const users = [randomUUID(), randomUUID()];
  for (const user of users) {
    const response = await fetch(`${worker.url}/providers/${randomUUID()}`, { method: "DELETE", headers: { authorization: `Bearer ${await tokens.valid(user)}` } });
    assert.equal(response.status, 404);
  }
  const namespace = await worker.mf.getDurableObjectNamespace("WRITE_LIMITER");
  const take = async (user, limit) => ({ ...(await namespace.get(namespace.idFromName(user)).take(limit)) });
  for (const user of users) {
    const refused = await take(user, 1);
    assert.equal(refused.allowed, false, "with a limit of one, the user's write of a moment ago fills the window");
    assert.ok(refused.retryAfterSeconds >= 58 && refused.retryAfterSeconds <= 60, String(refused.retryAfterSeconds));
  }
  assert.deepEqual(await take(randomUUID(), 1), { allowed: true }, "a user who wrote nothing");
});
