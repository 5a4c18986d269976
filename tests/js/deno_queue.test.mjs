// The Deno service's events through Deno KV's own queue, as its README runs it: each write's events
// enqueued with the change and consumed by the service (listenQueue), each once by eventId; then the
// service killed with SIGKILL right after its writes were answered, or while one is on its way, and started again on the same KV
// file: every acknowledged write's events are consumed, none lost (a message KV was handing over at
// the kill comes back through the service's sweep, store.queue.redeliver).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { bearerCalls } from "./support/bearer-calls.mjs";
import { serviceSecrets, startDenoService } from "./support/services.mjs";
import { tokenFactory } from "./support/tokens.mjs";

const home = mkdtempSync(join(tmpdir(), "connect-provider-deno-queue-"));
after(() => rmSync(home, { recursive: true, force: true }));
// The periodic job every half second, and what is not consumed after 2 s enqueued again.
const vars = serviceSecrets({ RATE_LIMIT_WRITES_PER_MINUTE: "10000", EXPIRING_JOB_INTERVAL_MS: "500", EVENT_QUEUE_REDELIVER_MS: "2000" });
const tokens = await tokenFactory(vars);

const caller = async (service, userId) => bearerCalls(service.url, await tokens.valid(userId));

const secret = (value) => ({ credentials: { secret: value, credentialType: "oauth2" } });

/**
 * Connects `n` and refreshes each; every answer is checked. The writes, as acknowledged.
 * @returns {Promise<{ write: "connect" | "refresh", id: string }[]>}
 */
async function writes(call, n) {
  const acked = [];
  for (let i = 0; i < n; i += 1) {
    const connected = await call("POST", "/connections", { providerId: randomUUID(), providerSlug: "bank", ...secret("sk_kv") });
    assert.equal(connected.status, 201, JSON.stringify(connected.json));
    acked.push({ write: "connect", id: connected.json.id });
    assert.equal((await call("POST", `/providers/${connected.json.id}/token-refreshes`, secret("sk_kv_2"))).status, 201);
    acked.push({ write: "refresh", id: connected.json.id });
  }
  return acked;
}

/** The eventIds the service's log says it consumed, with how often. */
function consumedIds(output) {
  const counts = new Map();
  for (const line of output.split("\n")) {
    if (!line.includes('"msg":"event consumed"')) continue;
    const { eventId } = JSON.parse(line);
    counts.set(eventId, (counts.get(eventId) ?? 0) + 1);
  }
  return counts;
}

/** Waits (up to 20 s) until the log shows each of `ids` consumed. */
async function allConsumed(service, ids) {
  for (let i = 0; i < 200; i += 1) {
    const counts = consumedIds(service.output());
    if (ids.every((id) => counts.has(id))) return counts;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`not every event was consumed:\n${service.output()}`);
}

test("the Deno service consumes each write's events once, by eventId, from KV's queue", async () => {
  const service = await startDenoService({ dir: join(home, "once"), vars });
  try {
    const userId = randomUUID();
    const call = await caller(service, userId);
    await writes(call, 3);
    const events = (await call("GET", "/events")).json;
    assert.equal(events.length, 12);
    const counts = await allConsumed(service, events.map((e) => e.eventId));
    // Long enough for the sweep (every 0.5 s, for what waits over 2 s) to have sent a copy of any it would.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.deepEqual(events.map((e) => consumedIds(service.output()).get(e.eventId)), events.map(() => 1), "each once");
    assert.equal(counts.size, events.length, "nothing else");
    assert.doesNotMatch(service.output(), /sk_kv/, "no secret in the log");
    // The KV file and the -wal and -shm SQLite made beside it as KV opened it: readable by the service's user alone.
    const files = service.restFiles().sort();
    assert.deepEqual(files.map((file) => file.slice(service.kvPath.length)), ["", "-shm", "-wal"]);
    assert.deepEqual(files.map((file) => (statSync(file).mode & 0o777).toString(8)), ["600", "600", "600"]);
  } finally {
    await service.stop();
  }
});

/**
 * Connects and refreshes one connection after another until the service is killed, which happens
 * once `killAfter` writes were answered, while the next is on its way. The acknowledged writes.
 * @returns {Promise<{ write: "connect" | "refresh", id: string }[]>}
 */
async function writesUntilKilled(call, service, killAfter) {
  const acked = [];
  let killing = null;
  const answered = (write, id) => {
    acked.push({ write, id });
    if (acked.length === killAfter) killing = service.kill();
  };
  try {
    for (;;) {
      const connected = await call("POST", "/connections", { providerId: randomUUID(), providerSlug: "bank", ...secret("sk_kv") });
      assert.equal(connected.status, 201, JSON.stringify(connected.json));
      answered("connect", connected.json.id);
      const refreshed = await call("POST", `/providers/${connected.json.id}/token-refreshes`, secret("sk_kv_2"));
      assert.equal(refreshed.status, 201, JSON.stringify(refreshed.json));
      answered("refresh", connected.json.id);
    }
  } catch (error) {
    if (killing === null) throw error;
  }
  await killing;
  return acked;
}

test("killed with SIGKILL right after its writes were answered, and in the middle of one, then started again: every acknowledged write is kept and its events are consumed, some of them only after the kill", async () => {
  let service = await startDenoService({ dir: join(home, "killed"), vars });
  const userId = randomUUID();
  const SUCCEEDED = { connect: "ProviderConnectionSucceeded", refresh: "ProviderTokenRefreshSucceeded" };
  /** Each kill: the writes acknowledged before it, and how much the service had logged when it died. */
  const kills = [];
  const killed = (acked) => kills.push({ acked: [...acked], logged: service.output().length });
  try {
    const acked = [];
    for (let round = 0; round < 3; round += 1) {
      acked.push(...(await writes(await caller(service, userId), 4)));
      await service.kill();
      killed(acked);
      service = await service.restart();
    }
    // Killed while a write is on its way: after 1, 4 and 7 answered writes.
    for (const killAfter of [1, 4, 7]) {
      acked.push(...(await writesUntilKilled(await caller(service, userId), service, killAfter)));
      killed(acked);
      service = await service.restart();
    }
    const events = (await (await caller(service, userId))("GET", "/events?limit=1000")).json;
    /** The Succeeded event of each acknowledged write, found in the log once. */
    const succeeded = ({ write, id }) => {
      const found = events.filter((e) => e.eventType === SUCCEEDED[write] && e.connectionId === id);
      assert.equal(found.length, 1, `the acknowledged ${write} of ${id} is in the log`);
      return found[0].eventId;
    };
    acked.forEach(succeeded);
    assert.ok(events.length >= 2 * acked.length, `every acknowledged write is in the log: ${events.length} events`);
    const counts = await allConsumed(service, events.map((e) => e.eventId));
    assert.deepEqual([...counts.keys()].sort(), events.map((e) => e.eventId).sort(), "the events consumed are the log's");
    // The kills that left an acknowledged write's events unconsumed: the restarted service consumed them.
    const caught = kills.filter(({ acked: before, logged }) => {
      const consumed = consumedIds(service.output().slice(0, logged));
      return before.some((write) => !consumed.has(succeeded(write)));
    }).length;
    const again = [...counts.values()].filter((n) => n > 1).length;
    const redelivered = service.output().match(/"msg":"events enqueued again","count":(\d+)/g)?.length ?? 0;
    console.log(`deno queue: ${events.length} events consumed; ${caught} of ${kills.length} kills left an acknowledged write's events to the restarted service; ${again} consumed twice across the kills (at least once); ${redelivered} sweeps enqueued some again`);
    assert.ok(caught > 0, "some kill left acknowledged events unconsumed, and they were consumed after it");
  } finally {
    await service.stop();
  }
});
