// examples/cloudflare-worker in workerd through Miniflare: real local D1 (migrated with the
// example's migrations/), the rate limiter's Durable Object, the vars and secrets as bindings, over
// loopback HTTP. The service contract (support/service-contract.mjs) with the sealed secrets read
// back from D1, and the cron trigger through Miniflare's scheduled(). The attacks on it are in
// service_attacks.test.mjs; wrangler itself runs it in wrangler_worker.test.mjs. Then its events:
// through the outbox to a real local queue, consumed once each by its queue handler, redelivered,
// relayed by the cron, and relayed by two isolates at once.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { bearerCalls } from "./support/bearer-calls.mjs";
import { checkRacedHttpPairs } from "./support/raced-http-pairs.mjs";
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

test("migrations/ is the package's SQLite schema, as the store's migrate() would apply it, then the consumer's own table and its index", () => {
  assert.deepEqual(readdirSync(join(EXAMPLES.worker, "migrations")).sort(), [
    "0001_connect_provider.sql",
    "0002_connection_version.sql",
    "0003_idempotency_keys.sql",
    "0004_event_outbox.sql",
    "0005_sync_clients.sql",
    "0007_sync_refusals.sql",
    "1001_consumed_events.sql",
    "1002_consumed_events_age.sql",
  ]);
  const shipped = (name) => readFileSync(fileURLToPath(new URL(`../../node_modules/connect-provider/stores/sql/sqlite/${name}`, import.meta.url)), "utf8");
  assert.equal(readFileSync(join(EXAMPLES.worker, "migrations/0001_connect_provider.sql"), "utf8"), shipped("0001_provider_connections.sql"));
  assert.equal(readFileSync(join(EXAMPLES.worker, "migrations/0002_connection_version.sql"), "utf8"), shipped("0002_connection_version.sql"));
  assert.equal(readFileSync(join(EXAMPLES.worker, "migrations/0003_idempotency_keys.sql"), "utf8"), shipped("0003_idempotency_keys.sql"));
  assert.equal(readFileSync(join(EXAMPLES.worker, "migrations/0004_event_outbox.sql"), "utf8"), shipped("0004_event_outbox.sql"));
  assert.equal(readFileSync(join(EXAMPLES.worker, "migrations/0005_sync_clients.sql"), "utf8"), shipped("0005_sync_clients.sql"));
  assert.equal(readFileSync(join(EXAMPLES.worker, "migrations/0007_sync_refusals.sql"), "utf8"), shipped("0007_sync_refusals.sql"));
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

/** A user's calls to a running Worker. */
async function userOf(service, userId = crypto.randomUUID()) {
  const { tokenFactory } = await import("./support/tokens.mjs");
  return bearerCalls(service.url, await (await tokenFactory(vars)).valid(userId));
}

const secretBody = (secret) => ({ credentials: { secret, credentialType: "oauth2", expiresAt: "2099-01-01T00:00:00Z" } });

/** Connects `n`, refreshes each and disconnects the first; the user's events as GET /events gives them. */
async function writes(call, n) {
  const ids = [];
  for (let i = 0; i < n; i += 1) {
    const connected = await call("POST", "/connections", { providerId: crypto.randomUUID(), providerSlug: "bank", ...secretBody("sk_queue") });
    assert.equal(connected.status, 201, JSON.stringify(connected.json));
    ids.push(connected.json.id);
  }
  for (const id of ids) assert.equal((await call("POST", `/providers/${id}/token-refreshes`, secretBody("sk_queue_2"))).status, 201);
  assert.equal((await call("DELETE", `/providers/${ids[0]}`)).status, 204);
  const events = await call("GET", "/events?limit=1000");
  return events.json;
}

/** The consumer's table, once it holds every one of `ids` (up to 20 s). */
async function consumed(db, ids) {
  let rows = [];
  for (let i = 0; i < 200; i += 1) {
    rows = (await db.prepare("SELECT event_id, event_type FROM consumed_events").all()).results;
    if (ids.every((id) => rows.some((row) => row.event_id === id))) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return rows;
}

test("each write's events go through the outbox to the EVENTS queue, and the queue handler consumes each once, by eventId", async () => {
  const events = await writes(await userOf(worker), 3);
  assert.equal(events.length, 3 * 4 + 2);
  const ids = events.map((e) => e.eventId);
  const rows = await consumed(worker.db, ids);
  assert.deepEqual(
    rows.filter((row) => ids.includes(row.event_id)).map((row) => [row.event_id, row.event_type]).sort(),
    events.map((e) => [e.eventId, e.eventType]).sort(),
    "every event consumed, once",
  );
  const { results } = await worker.db.prepare("SELECT count(*) AS n FROM provider_connection_outbox").all();
  assert.equal(results[0].n, 0, "the outbox is empty once delivered");
  const lines = worker.output().split("\n").filter((line) => line.includes('"msg":"event consumed"'));
  // The table's primary key cannot show a second delivery; the consumer's log can: one line an event.
  assert.deepEqual(ids.map((id) => lines.filter((line) => line.includes(id)).length), ids.map(() => 1), "the consumer's log line for each, once");
  assert.doesNotMatch(worker.output(), /sk_queue/, "no secret in the log");
});

test("the consumer acts once on a redelivered event, and acknowledges a message that is not an event", async () => {
  const queue = await worker.mf.getQueueProducer("EVENTS");
  const [event] = await writes(await userOf(worker), 1);
  await consumed(worker.db, [event.eventId]);
  await queue.send(event, { contentType: "json" });
  await queue.send({ hello: "world" }, { contentType: "json" });
  for (let i = 0; i < 100 && !worker.output().includes('"msg":"queue message is not an event"'); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.match(worker.output(), /"msg":"queue message is not an event"/);
  assert.doesNotMatch(worker.output(), /"msg":"event not consumed, retried"/, "acknowledged, not retried");
  assert.match(worker.output(), new RegExp(`"msg":"event already consumed","eventId":"${event.eventId}"`));
  const once = worker.output().split("\n").filter((line) => line.includes('"msg":"event consumed"') && line.includes(event.eventId));
  assert.equal(once.length, 1, "acted on once");
});

test("the cron relays what a write left in the outbox, and logs how far behind it is", async () => {
  const userId = crypto.randomUUID();
  const event = { eventType: "ProviderConnectionAttempted", eventId: crypto.randomUUID(), occurredAt: new Date().toISOString(), userId, providerId: crypto.randomUUID(), providerSlug: "bank" };
  // An event logged by something other than a request (no write's relay ran for it).
  const { d1Store } = await import("connect-provider/stores/d1");
  await d1Store(worker.db).eventBus.publish(event);
  const scheduledTime = new Date(Math.floor(Date.now() / 900_000) * 900_000);
  assert.deepEqual(await (await worker.mf.getWorker()).scheduled({ cron: CRON, scheduledTime }), { outcome: "ok", noRetry: false });
  assert.deepEqual((await consumed(worker.db, [event.eventId])).filter((row) => row.event_id === event.eventId).length, 1);
  assert.match(worker.output(), /"msg":"event relay lag","pending":\d+,"oldestOccurredAt":[^,]+,"setAside":0,"oldestAgeMs":/);
});

test("the cron removes the consumer's records of events consumed more than 15 days ago, 1,000 a statement, and keeps the rest", async () => {
  const day = 24 * 3_600_000;
  const at = (daysAgo) => new Date(Date.now() - daysAgo * day).toISOString();
  const rows = [["old-1", 40], ["old-2", 15.01], ["kept-1", 14.9], ["kept-2", 0]].map(([name, daysAgo]) => ({ id: `${name}-${crypto.randomUUID()}`, consumedAt: at(daysAgo) }));
  for (const { id, consumedAt } of rows) {
    await worker.db.prepare("INSERT INTO consumed_events (event_id, event_type, consumed_at) VALUES (?1, 'ProviderConnectionAttempted', ?2)").bind(id, consumedAt).run();
  }
  const scheduledTime = new Date(Math.floor(Date.now() / 900_000) * 900_000);
  assert.deepEqual(await (await worker.mf.getWorker()).scheduled({ cron: CRON, scheduledTime }), { outcome: "ok", noRetry: false });
  const left = (await worker.db.prepare("SELECT event_id FROM consumed_events").all()).results.map((row) => row.event_id);
  assert.deepEqual(rows.map(({ id }) => left.includes(id)), [false, false, true, true]);
  assert.match(worker.output(), /"msg":"consumed events purged","count":2\b/);
  const plan = (await worker.db.prepare("EXPLAIN QUERY PLAN SELECT event_id FROM consumed_events WHERE consumed_at < ?1 LIMIT 1000").bind(at(15)).all()).results.map((row) => row.detail);
  assert.ok(plan.some((detail) => detail.includes("USING COVERING INDEX consumed_events_consumed_at") || detail.includes("USING INDEX consumed_events_consumed_at")), `the purge finds its rows by the index: ${plan.join("; ")}`);
});

test("a cron step that fails does not keep the relay from running: the event a write left leaves the outbox, and the run fails naming the step", async () => {
  const dir = join(home, "failing-step");
  const failing = await startWorkerInMiniflare({ dir, vars, name: "worker-failing-step" });
  try {
    // The consumer's table gone (its migration undone by hand, say): the purge step before the relay throws.
    await failing.db.prepare("DROP TABLE consumed_events").run();
    const event = { eventType: "ProviderConnectionAttempted", eventId: crypto.randomUUID(), occurredAt: new Date().toISOString(), userId: crypto.randomUUID(), providerId: crypto.randomUUID(), providerSlug: "bank" };
    const { d1Store } = await import("connect-provider/stores/d1");
    await d1Store(failing.db).eventBus.publish(event);
    const scheduledTime = new Date(Math.floor(Date.now() / 900_000) * 900_000);
    assert.deepEqual(await (await failing.mf.getWorker()).scheduled({ cron: CRON, scheduledTime }), { outcome: "exception", noRetry: false });
    const { results } = await failing.db.prepare("SELECT count(*) AS n FROM provider_connection_outbox").all();
    assert.equal(results[0].n, 0, "relayed: the outbox is empty");
    assert.match(failing.output(), /"msg":"cron: consumed events purge failed","error":"[^"]*no such table: consumed_events/);
    assert.match(failing.output(), /"msg":"event relay lag","pending":0,/, "the steps after it ran too");
  } finally {
    await failing.stop();
  }
});

test("requests refused before their route runs (a bad path, method, origin or token) relay nothing, so an outsider's POSTs cost D1 no lease writes; an admitted write relays what waits", async () => {
  const { d1Store } = await import("connect-provider/stores/d1");
  const { tokenFactory } = await import("./support/tokens.mjs");
  const store = d1Store(worker.db);
  // An event waiting in the outbox, logged by something other than a request.
  const event = { eventType: "ProviderConnectionAttempted", eventId: crypto.randomUUID(), occurredAt: new Date().toISOString(), userId: crypto.randomUUID(), providerId: crypto.randomUUID(), providerSlug: "bank" };
  await store.eventBus.publish(event);
  const waiting = (await store.outbox.lag()).pending;
  assert.ok(waiting >= 1);
  const statuses = [];
  for (const [method, path, headers] of [
    ["POST", "/nope", {}],
    ["PUT", "/connections", {}],
    ["POST", "/connections", {}],
    ["POST", "/connections", { origin: "https://outsider.example" }],
    ["DELETE", `/providers/${crypto.randomUUID()}`, { authorization: "Bearer not-a-token" }],
  ]) {
    const response = await fetch(`${worker.url}${path}`, { method, headers: { "content-type": "application/json", ...headers }, body: method === "DELETE" ? undefined : "{}" });
    statuses.push(response.status);
    await response.arrayBuffer();
  }
  assert.deepEqual(statuses, [404, 405, 401, 403, 401]);
  // Time for a relay after the answer (ctx.waitUntil) to have run.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  assert.equal((await store.outbox.lag()).pending, waiting, "no relay ran for them");
  const admitted = await fetch(`${worker.url}/providers/${crypto.randomUUID()}`, { method: "DELETE", headers: { authorization: `Bearer ${await (await tokenFactory(vars)).valid(crypto.randomUUID())}` } });
  assert.equal(admitted.status, 404);
  assert.deepEqual((await consumed(worker.db, [event.eventId])).filter((row) => row.event_id === event.eventId).length, 1, "an admitted write's relay sent it");
});

test("two isolates of the Worker on one D1, writes racing through both: each relays under the one lease, and every event is consumed once, none delivered twice", async () => {
  const { Miniflare } = await import("miniflare");
  const { bundleServiceWorker, EVENTS_QUEUE, workerModules } = await import("./support/services.mjs");
  const { freePort } = await import("./support/wrangler.mjs");
  const dir = join(home, "two-isolates");
  const bundle = join(dir, "bundle");
  const script = await bundleServiceWorker(bundle);
  let output = "";
  const isolate = (name, consumer) => ({
    name,
    ...workerModules(script, bundle),
    bindings: vars,
    d1Databases: { DB: "connect-provider-two" },
    durableObjects: { WRITE_LIMITER: "WriteRateLimiter" },
    queueProducers: { EVENTS: { queueName: EVENTS_QUEUE } },
    ...(consumer ? { queueConsumers: { [EVENTS_QUEUE]: { maxBatchSize: 10, maxBatchTimeout: 1, maxRetries: 5 } } } : {}),
  });
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: await freePort(),
    d1Persist: join(dir, "d1"),
    workers: [isolate("one", true), isolate("two", false)],
    handleRuntimeStdio(stdout, stderr) {
      for (const stream of [stdout, stderr]) stream.setEncoding("utf8").on("data", (text) => (output += text));
    },
  });
  try {
    await mf.ready;
    const db = await mf.getD1Database("DB", "one");
    for (const file of readdirSync(join(EXAMPLES.worker, "migrations")).sort()) {
      const { statementsOf } = await import("../../node_modules/connect-provider/stores/sql-statements.js");
      await db.batch(statementsOf(readFileSync(join(EXAMPLES.worker, "migrations", file), "utf8")).map((sql) => db.prepare(sql)));
    }
    const workers = [await mf.getWorker("one"), await mf.getWorker("two")];
    const { tokenFactory } = await import("./support/tokens.mjs");
    const token = await (await tokenFactory(vars)).valid(crypto.randomUUID());
    const through = workers.map((worker) => bearerCalls("http://localhost", token, (url, init) => worker.fetch(url, init)));
    const call = (n, method, path, body) => through[n % 2](method, path, body);
    // Rounds of eight racing pairs until the two of some pair overlapped in D1 (at most five).
    let pairs = 0;
    let overlapped = 0;
    let refreshedFirst = 0;
    while (pairs < 40 && overlapped === 0) {
      const ids = [];
      for (let i = 0; i < 8; i += 1) {
        const connected = await call(i, "POST", "/connections", { providerId: crypto.randomUUID(), providerSlug: "bank", ...secretBody("sk_two") });
        assert.equal(connected.status, 201, JSON.stringify(connected.json));
        ids.push(connected.json.id);
      }
      const answers = await Promise.all(ids.flatMap((id, i) => [call(i, "POST", `/providers/${id}/token-refreshes`, secretBody("sk_two_b")), call(i + 1, "DELETE", `/providers/${id}`)]));
      // Each pair's refresh and disconnect race; each pair must end as if its two ran one after the other.
      const views = new Map();
      for (const id of ids) views.set(id, (await call(1, "GET", `/providers/${id}`)).json);
      const round = checkRacedHttpPairs({ ids, answers, views, events: (await call(0, "GET", "/events?limit=1000")).json });
      pairs += ids.length;
      overlapped += round.overlapped;
      refreshedFirst += round.refreshedFirst;
    }
    console.log(`worker: of ${pairs} racing pairs through two isolates, ${overlapped} overlapped (one read before the other was stored), ${refreshedFirst} refreshed first`);
    assert.ok(overlapped > 0, "the two of some pair overlapped in D1");
    const events = (await call(0, "GET", "/events?limit=1000")).json;
    const rows = await consumed(db, events.map((e) => e.eventId));
    assert.deepEqual(rows.map((row) => row.event_id).sort(), events.map((e) => e.eventId).sort(), "every event consumed");
    const outbox = (await db.prepare("SELECT count(*) AS n FROM provider_connection_outbox").all()).results[0].n;
    assert.equal(outbox, 0, "the outbox emptied");
    assert.doesNotMatch(output, /"msg":"event already consumed"/, "no event was delivered twice: one isolate relayed at a time");
    const delivered = output.split("\n").filter((line) => line.includes('"msg":"events delivered"')).length;
    console.log(`worker: ${events.length} events relayed in ${delivered} drains by two isolates`);
  } finally {
    await mf.dispose();
  }
});

test("a message the consumer keeps failing on is retried later each time, then kept in the dead-letter queue, not deleted", async () => {
  const { Miniflare } = await import("miniflare");
  const { bundleServiceWorker, EVENTS_QUEUE, workerModules } = await import("./support/services.mjs");
  const { freePort } = await import("./support/wrangler.mjs");
  const wrangler = readFileSync(join(EXAMPLES.worker, "wrangler.toml"), "utf8");
  const DEAD = wrangler.match(/^dead_letter_queue = "([^"]+)"$/m)[1];
  const dir = join(home, "dead-letters");
  const bundle = join(dir, "bundle");
  const script = await bundleServiceWorker(bundle);
  let output = "";
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: await freePort(),
    d1Persist: join(dir, "d1"),
    workers: [
      {
        name: "service",
        ...workerModules(script, bundle),
        bindings: vars,
        // A D1 without the consumer's table: every consume fails, as with D1 down.
        d1Databases: { DB: "connect-provider-dead" },
        durableObjects: { WRITE_LIMITER: "WriteRateLimiter" },
        queueProducers: { EVENTS: { queueName: EVENTS_QUEUE } },
        queueConsumers: { [EVENTS_QUEUE]: { maxBatchSize: 10, maxBatchTimeout: 1, maxRetries: 1, deadLetterQueue: DEAD } },
      },
      {
        // An operator's reader of the dead-letter queue, keeping what arrives where the test can see it.
        name: "operator",
        modules: true,
        script: `export default { async queue(batch, env) { for (const m of batch.messages) { await env.DB.prepare("INSERT INTO dead_letters (body) VALUES (?1)").bind(JSON.stringify(m.body)).run(); m.ack(); } } };`,
        d1Databases: { DB: "connect-provider-dead" },
        queueConsumers: { [DEAD]: { maxBatchSize: 10, maxBatchTimeout: 1 } },
      },
    ],
    handleRuntimeStdio(stdout, stderr) {
      for (const stream of [stdout, stderr]) stream.setEncoding("utf8").on("data", (text) => (output += text));
    },
  });
  try {
    await mf.ready;
    const db = await mf.getD1Database("DB", "operator");
    await db.prepare("CREATE TABLE dead_letters (body TEXT NOT NULL)").run();
    const event = { eventType: "ProviderConnectionAttempted", eventId: crypto.randomUUID(), occurredAt: new Date().toISOString(), userId: crypto.randomUUID(), providerId: crypto.randomUUID(), providerSlug: "bank" };
    await (await mf.getQueueProducer("EVENTS", "service")).send(event, { contentType: "json" });
    let rows = [];
    for (let i = 0; i < 300 && rows.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rows = (await db.prepare("SELECT body FROM dead_letters").all()).results;
    }
    assert.deepEqual(rows.map((row) => JSON.parse(row.body)), [event], "the event, whole, in the dead-letter queue");
    const retries = output.split("\n").filter((line) => line.includes('"msg":"event not consumed, retried"')).map((line) => JSON.parse(line.slice(line.indexOf("{"))));
    assert.deepEqual(retries.map((line) => [line.eventId, line.attempt, line.delaySeconds]), [[event.eventId, 1, 2], [event.eventId, 2, 4]], "two tries (max_retries 1 here), the second 2 s later");
  } finally {
    await mf.dispose();
  }
});
