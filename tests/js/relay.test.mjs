// connect-provider/relay over a real SQLite store's outbox (files on disk, two connections where two
// relays run), with `deliver` scripted per test: what it is handed and in what order, a poison event
// set aside while the rest go on, a message system that is down (nothing set aside, backoff bounded),
// a deliver that hangs, two relays at once, and a relay that lost its lease while paused.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { ConnectProviderHandler, DisconnectProviderHandler, RefreshProviderTokensHandler } from "connect-provider";
import { createRelay, RELAY_DEFAULTS } from "connect-provider/relay";
import { sqliteStore } from "connect-provider/stores/sqlite";

const dir = mkdtempSync(join(tmpdir(), "connect-provider-relay-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A migrated SQLite store on a new file, and a second connection to it. */
async function openStore() {
  const path = join(dir, `${crypto.randomUUID()}.sqlite`);
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  const store = sqliteStore(db);
  await store.migrate();
  const other = () => sqliteStore(new Database(path));
  return { store, other };
}

const credentials = () => ({ encryptedData: crypto.getRandomValues(new Uint8Array(24)), credentialType: "oauth2" });

/** `n` connections through the handlers, each refreshed: 4 events per connect, 2 per refresh, in the log. */
async function writeSome(store, n) {
  const userId = crypto.randomUUID();
  const connect = new ConnectProviderHandler(store.repository, store.eventBus);
  const refresh = new RefreshProviderTokensHandler(store.repository, store.eventBus);
  for (let i = 0; i < n; i += 1) {
    const connected = await connect.handle({ userId, providerId: crypto.randomUUID(), providerSlug: `bank-${i}`, credentials: credentials() });
    assert.ok(connected.ok, JSON.stringify(connected));
    assert.ok((await refresh.handle({ userId, connectionId: connected.value, credentials: credentials() })).ok);
  }
  return userId;
}

/** A clock the test moves. */
function clock(start = Date.parse("2026-12-03T08:00:00.000Z")) {
  let now = start;
  return { now: () => now, advance: (ms) => (now += ms) };
}

test("drain() hands every logged event to deliver once, in commit order, in batches, and empties the outbox", async () => {
  const { store } = await openStore();
  await writeSome(store, 30);
  const log = await store.events({ limit: 10_000 });
  assert.equal(log.length, 30 * 4);
  const batches = [];
  const relay = createRelay(store.outbox, async (events) => void batches.push(events), { batchSize: 50 });
  assert.deepEqual(await relay.drain(), { delivered: 120, failed: 0, setAside: 0, leased: true, retryAt: null });
  assert.deepEqual(batches.map((batch) => batch.length), [50, 50, 20]);
  assert.deepEqual(batches.flat(), log, "exactly the log, as events() gives it");
  assert.deepEqual(await store.outbox.pending(10), []);
  assert.deepEqual(await relay.drain(), { delivered: 0, failed: 0, setAside: 0, leased: true, retryAt: null }, "nothing again");
  assert.deepEqual(await relay.lag(), { pending: 0, oldestOccurredAt: null, oldestAgeMs: null, setAside: 0 });
});

test("an option given as undefined takes its default (batches of 100); one given out of range is a RangeError naming it", async () => {
  const { store } = await openStore();
  await writeSome(store, 30);
  const batches = [];
  const unset = { batchSize: undefined, leaseMs: undefined, deliverTimeoutMs: undefined, maxAttempts: undefined, initialBackoffMs: undefined, maxBackoffMs: undefined, intervalMs: undefined, holder: undefined, now: undefined, onFailure: undefined };
  const relay = createRelay(store.outbox, (events) => void batches.push(events.length), unset);
  assert.deepEqual(await relay.drain(), { delivered: 120, failed: 0, setAside: 0, leased: true, retryAt: null });
  assert.deepEqual(batches, [100, 20]);
  assert.throws(() => createRelay(store.outbox, () => {}, { batchSize: 0 }), { name: "RangeError", message: "createRelay: batchSize must be a whole number from 1 to 1000" });
  assert.throws(() => createRelay(store.outbox, () => {}, { leaseMs: null }), { name: "RangeError", message: "createRelay: leaseMs must be a whole number from 1000 to 600000" });
});

test("drainForMs: a drain takes no batch past it, gives the lease up and leaves the rest, in order, to the next drain", async () => {
  const { store } = await openStore();
  await writeSome(store, 25); // 100 events
  const log = await store.events({ limit: 10_000 });
  const delivered = [];
  const slow = (events) => new Promise((resolve) => setTimeout(() => resolve(delivered.push(...events)), 30));
  const relay = createRelay(store.outbox, slow, { batchSize: 10, drainForMs: 50 });
  const first = await relay.drain();
  assert.ok(first.delivered > 0 && first.delivered < 100 && first.delivered % 10 === 0, `a batch or a few, not the whole backlog: ${first.delivered}`);
  assert.deepEqual({ ...first, delivered: 0 }, { delivered: 0, failed: 0, setAside: 0, leased: true, retryAt: null });
  assert.equal((await store.outbox.lag()).pending, 100 - first.delivered);
  assert.equal(await store.outbox.lease("another relay", Date.now(), 15_000), true, "the lease was given up");
  assert.equal(await store.outbox.release("another relay"), true);
  const unbounded = createRelay(store.outbox, slow, { batchSize: 10 });
  assert.equal((await unbounded.drain()).delivered, 100 - first.delivered);
  assert.deepEqual(delivered, log, "every event once, in commit order, over the two drains");
  await writeSome(store, 5); // 20 more
  const tight = createRelay(store.outbox, slow, { batchSize: 10, drainForMs: 1 });
  assert.equal((await tight.drain()).delivered, 10, "one batch at least, however short the time");
  assert.throws(() => createRelay(store.outbox, slow, { drainForMs: 0 }), { name: "RangeError", message: "createRelay: drainForMs must be a whole number from 1 to 3600000" });
});

test("a poison event is retried with backoff, then set aside once the system takes the event behind it; the rest go on in order, and requeue sends it", async () => {
  const { store } = await openStore();
  await writeSome(store, 3);
  const log = await store.events();
  const poison = log[5].eventId;
  const time = clock();
  const delivered = [];
  const failures = [];
  let refuse = true;
  const relay = createRelay(
    store.outbox,
    async (events) => {
      if (refuse && events.some((e) => e.eventId === poison)) throw new Error("message too large");
      delivered.push(...events);
    },
    { now: time.now, maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 4000, onFailure: (f) => failures.push(f) },
  );
  let result = await relay.drain();
  assert.deepEqual(result, { delivered: 5, failed: 1, setAside: 0, leased: true, retryAt: new Date(time.now() + 1000).toISOString() }, "the five before it, each alone once the batch failed; the poison one's retry in 1 s");
  assert.deepEqual(delivered, log.slice(0, 5));
  result = await relay.drain();
  assert.deepEqual(result, { delivered: 0, failed: 0, setAside: 0, leased: true, retryAt: new Date(time.now() + 1000).toISOString() }, "waits 1 s");
  time.advance(1000);
  assert.equal((await relay.drain()).failed, 1, "second failure");
  time.advance(1999);
  assert.equal((await relay.drain()).retryAt, new Date(time.now() + 1).toISOString(), "then 2 s");
  time.advance(1);
  result = await relay.drain();
  assert.deepEqual(result, { delivered: log.length - 6, failed: 1, setAside: 1, leased: true, retryAt: null }, "third failure: set aside, the rest delivered");
  assert.deepEqual(delivered, log.filter((e) => e.eventId !== poison), "everything but the poison, in order");
  assert.deepEqual(failures.map((f) => [f.eventId, f.attempts, f.setAside, f.error]), [
    [poison, 1, false, "Error: message too large"],
    [poison, 2, false, "Error: message too large"],
    [poison, 3, true, "Error: message too large"],
  ]);
  const [aside] = await store.outbox.setAside(10);
  assert.deepEqual([aside.event, aside.attempts, aside.lastError], [log[5], 3, "Error: message too large"]);
  assert.equal((await relay.lag()).setAside, 1);
  refuse = false;
  assert.equal(await store.outbox.requeue(poison), true);
  assert.deepEqual(await relay.drain(), { delivered: 1, failed: 0, setAside: 0, leased: true, retryAt: null });
  assert.deepEqual(delivered.at(-1), log[5], "requeued and sent");
});

test("a message system that is down holds every event: nothing set aside, the wait doubles up to its cap, each probe counts against its event; when it is back, all go in order", async () => {
  const { store } = await openStore();
  await writeSome(store, 2);
  const log = await store.events();
  const time = clock();
  let down = true;
  const sends = [];
  const failures = [];
  const relay = createRelay(
    store.outbox,
    async (events) => {
      if (down) throw new Error("connection refused");
      sends.push(events);
    },
    { now: time.now, maxAttempts: 2, initialBackoffMs: 100, maxBackoffMs: 800, onFailure: (f) => failures.push({ ...f, at: time.now() }) },
  );
  const at = (eventId) => log.findIndex((e) => e.eventId === eventId);
  for (let i = 0; i < 8; i += 1) {
    const result = await relay.drain();
    assert.deepEqual([result.delivered, result.failed, result.setAside], [0, i === 0 ? 1 : 2, 0], `attempt ${i + 1}: from the second, the probe fails too`);
    time.advance(Date.parse(failures.at(-1).retryAt) - time.now());
  }
  // The head's waits, and which event each probe tried: the first behind it that had not failed twice.
  assert.deepEqual(failures.filter((f) => at(f.eventId) === 0).map((f) => Date.parse(f.retryAt) - f.at), [100, 200, 400, 800, 800, 800, 800, 800]);
  assert.deepEqual(failures.filter((f) => at(f.eventId) > 0).map((f) => [at(f.eventId), f.attempts]), [[1, 1], [1, 2], [2, 1], [2, 2], [3, 1], [3, 2], [4, 1]]);
  assert.ok(failures.every((f) => !f.setAside && f.error === "Error: connection refused"));
  assert.deepEqual(await store.outbox.setAside(10), [], "nothing set aside while the system takes nothing");
  assert.deepEqual((await relay.lag()).pending, log.length);
  down = false;
  assert.deepEqual(await relay.drain(), { delivered: log.length, failed: 0, setAside: 0, leased: true, retryAt: null });
  assert.deepEqual(sends.map((batch) => batch.length), [1, 1, 1, 1, 1, 3], "those that failed alone, then the rest together");
  assert.deepEqual(sends.flat(), log);
});

/**
 * A relay over a store of three connections' events, whose system refuses the events at `refusedAt`
 * (indexes in the log), on a clock the test moves; what it delivered and each failure it reported.
 * @param {number[]} refusedAt @param {{ batchSize?: number }} [settings]
 */
async function refusingRelay(refusedAt, settings = {}) {
  const { store } = await openStore();
  await writeSome(store, 3);
  const log = await store.events();
  const refused = new Set(refusedAt.map((i) => log[i].eventId));
  const time = clock();
  const delivered = [];
  const failures = [];
  const relay = createRelay(
    store.outbox,
    async (events) => {
      if (events.some((e) => refused.has(e.eventId))) throw new Error("schema rejected");
      delivered.push(...events);
    },
    { now: time.now, maxAttempts: 2, initialBackoffMs: 1000, maxBackoffMs: 4000, onFailure: (f) => failures.push(f), ...settings },
  );
  return { store, log, refused, time, delivered, failures, relay };
}

test("a run of events the system refuses (two in a row) is worked through: each set aside in turn, every other event delivered in order", async () => {
  const { store, log, refused, time, delivered, failures, relay } = await refusingRelay([5, 6]);
  const results = [];
  const retries = [];
  for (let round = 0; round < 4; round += 1) {
    results.push(await relay.drain());
    retries.push(failures.at(-1).retryAt);
    time.advance(Date.parse(failures.at(-1).retryAt) - time.now());
  }
  const result = (delivered, failed, setAside, retryAt = null) => ({ delivered, failed, setAside, leased: true, retryAt });
  assert.deepEqual(results, [result(5, 1, 0, retries[0]), result(0, 2, 0, retries[1]), result(0, 2, 0, retries[2]), result(log.length - 7, 2, 2)]);
  const at = (eventId) => log.findIndex((e) => e.eventId === eventId);
  assert.deepEqual(failures.map((f) => [at(f.eventId), f.attempts, f.setAside]), [
    [5, 1, false],
    [5, 2, false],
    [6, 1, false],
    [5, 3, false],
    [6, 2, false],
    [5, 4, true],
    [6, 3, true],
  ]);
  assert.deepEqual(delivered, log.filter((e) => !refused.has(e.eventId)), "every other event, once, in commit order");
  assert.deepEqual((await store.outbox.setAside(10)).map((entry) => entry.event), [log[5], log[6]]);
  assert.deepEqual(await store.outbox.pending(10), []);
});

/**
 * Drains a relay of `batchSize` over a log whose events at `refused` the system refuses, moving the
 * clock to each retry, until nothing waits (at most `rounds` drains).
 */
async function workedThrough(batchSize, refusedAt, rounds) {
  const { store, log, time, delivered, failures, relay } = await refusingRelay(refusedAt, { batchSize });
  let drains = 0;
  for (; drains < rounds && (await store.outbox.pending(1)).length > 0; drains += 1) {
    const { retryAt } = await relay.drain();
    if (retryAt !== null) time.advance(Date.parse(retryAt) - time.now());
  }
  const at = (eventId) => log.findIndex((e) => e.eventId === eventId);
  return {
    drains,
    delivered: delivered.map((e) => at(e.eventId)),
    failures: failures.map((f) => [at(f.eventId), f.attempts, f.setAside]),
    setAside: (await store.outbox.setAside(10)).map((entry) => at(entry.event.eventId)),
    others: log.map((_, i) => i).filter((i) => !refusedAt.includes(i)),
  };
}

test("a relay that reads one event at a time still sets a poison event aside: the probe is looked for past what it read", async () => {
  const run = await workedThrough(1, [0], 10);
  assert.deepEqual(run.failures, [
    [0, 1, false],
    [0, 2, true],
  ]);
  assert.deepEqual(run.setAside, [0]);
  assert.deepEqual(run.delivered, run.others, "the probe (the next event), then every other in commit order, once each");
  assert.equal(run.drains, 2);
});

test("a run of refused events longer than a batch is worked through: the probe is looked for past the batch, each event set aside in turn, every other delivered in order", async () => {
  const run = await workedThrough(3, [0, 1, 2, 3], 20);
  // Each round the head fails; once it has failed twice, the first event behind it that has not is
  // probed (and counts a failure when refused), until one past the run is taken and the head set aside.
  assert.deepEqual(run.failures, [
    [0, 1, false],
    [0, 2, false],
    [1, 1, false],
    [0, 3, false],
    [1, 2, false],
    [0, 4, false],
    [2, 1, false],
    [0, 5, false],
    [2, 2, false],
    [0, 6, false],
    [3, 1, false],
    [0, 7, false],
    [3, 2, false],
    [0, 8, true],
    [1, 3, true],
    [2, 3, true],
    [3, 3, true],
  ]);
  assert.deepEqual(run.setAside, [0, 1, 2, 3]);
  assert.deepEqual(run.delivered, run.others);
});

test("a deliver that never settles counts as failed after deliverTimeoutMs, and the event waits", async () => {
  const { store } = await openStore();
  await writeSome(store, 1);
  const failures = [];
  const signals = [];
  const slow = createRelay(store.outbox, (_, { signal }) => {
    signals.push(signal);
    return new Promise(() => {});
  }, { deliverTimeoutMs: 50, onFailure: (f) => failures.push(f) });
  const result = await slow.drain();
  assert.deepEqual([result.delivered, result.failed, result.retryAt], [0, 1, failures[0].retryAt]);
  assert.equal(failures[0].error, "Error: deliver took over 50 ms");
  assert.ok(signals.length >= 1 && signals.every((signal) => signal.aborted), "each timed-out deliver was told to stop, by its signal");
  assert.equal(signals[0].reason.message, "deliver took over 50 ms");
  assert.equal((await store.outbox.pending(1))[0].attempts, 1);
});

test("two relays on two connections at once, while commands run: every event delivered, in commit order, one relay at a time, and the other takes over when the first stops", async () => {
  const { store, other } = await openStore();
  const second = other();
  const seen = [];
  let inside = 0;
  let overlapped = false;
  const deliver = (name) => async (events) => {
    inside += 1;
    overlapped ||= inside > 1;
    await new Promise((resolve) => setTimeout(resolve, 2));
    seen.push(...events.map((e) => ({ by: name, event: e })));
    inside -= 1;
  };
  // Each relay's lease answers, counted, so the test knows the two competed.
  const leases = { a: { granted: 0, refused: 0 }, b: { granted: 0, refused: 0 } };
  const counted = (outbox, name) => ({
    ...outbox,
    lease: async (...args) => {
      const granted = await outbox.lease(...args);
      leases[name][granted ? "granted" : "refused"] += 1;
      return granted;
    },
  });
  const relays = [
    createRelay(counted(store.outbox, "a"), deliver("a"), { batchSize: 7, intervalMs: 5 }),
    createRelay(counted(second.outbox, "b"), deliver("b"), { batchSize: 7, intervalMs: 5 }),
  ];
  const running = relays.map((relay) => relay.start());
  const userId = crypto.randomUUID();
  const stores = [store, second];
  const ids = [];
  for (let i = 0; i < 20; i += 1) {
    const s = stores[i % 2];
    const connected = await new ConnectProviderHandler(s.repository, s.eventBus).handle({ userId, providerId: crypto.randomUUID(), providerSlug: "bank", credentials: credentials() });
    ids.push(connected.value);
  }
  await Promise.all(ids.map((connectionId, i) => new RefreshProviderTokensHandler(stores[i % 2].repository, stores[i % 2].eventBus).handle({ userId, connectionId, credentials: credentials() })));
  for (let i = 0; i < 200 && seen.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  // The relay that has been delivering stops (giving its lease up) while the disconnects run.
  const first = seen[0].by;
  const later = first === "a" ? "b" : "a";
  const firstStopped = running[first === "a" ? 0 : 1].stop();
  await Promise.all(ids.map((connectionId, i) => new DisconnectProviderHandler(stores[(i + 1) % 2].repository, stores[(i + 1) % 2].eventBus).handle({ userId, connectionId })));
  await firstStopped;
  const refusedBefore = leases[later].refused;
  running[first === "a" ? 1 : 0].nudge();
  const log = await store.events({ limit: 10_000 });
  for (let i = 0; i < 200 && (await store.outbox.lag()).pending > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  await Promise.all(running.map((r) => r.stop()));
  assert.equal(log.length, 120, "20 connects, refreshes and disconnects, two events each: 120");
  assert.equal(overlapped, false, "never two deliveries at once");
  assert.deepEqual(seen.map((s) => s.event), log, "each event once, in the log's order");
  assert.deepEqual(await store.outbox.pending(10), []);
  assert.ok(refusedBefore > 0, `the relay that waited was refused the lease while the other held it: ${JSON.stringify(leases)}`);
  assert.ok(leases[later].granted > 0 && seen.some((s) => s.by === later), `the relay that waited took over: ${JSON.stringify(leases)}`);
  const firstCount = seen.findIndex((s) => s.by === later);
  assert.ok(firstCount > 0 && seen.slice(firstCount).every((s) => s.by === later), "one hand-over: the first relay's events, then the other's");
});

test("a relay paused past its lease takes nothing out when it resumes; the one that took over delivers everything, and a consumer deduplicating by eventId sees each once", async () => {
  const { store, other } = await openStore();
  await writeSome(store, 2);
  const log = await store.events();
  const received = [];
  let release;
  const paused = new Promise((resolve) => (release = resolve));
  const time = clock();
  let delivering;
  const holding = new Promise((resolve) => (delivering = resolve));
  const slow = createRelay(store.outbox, async (events) => {
    delivering();
    await paused;
    received.push(...events);
  }, { now: time.now, leaseMs: 1000, deliverTimeoutMs: 300 });
  const fast = createRelay(other().outbox, async (events) => void received.push(...events), { now: time.now, leaseMs: 1000 });
  const slowDrain = slow.drain();
  // The slow one holds the lease once it is delivering.
  await holding;
  assert.equal((await fast.drain()).leased, false, "the other waits while the lease runs");
  time.advance(1000);
  assert.deepEqual(await fast.drain(), { delivered: log.length, failed: 0, setAside: 0, leased: true, retryAt: null }, "then takes over");
  release();
  assert.deepEqual(await slowDrain, { delivered: 0, failed: 0, setAside: 0, leased: false, retryAt: null }, "the paused one delivered, but took nothing out");
  const once = [...new Map(received.map((e) => [e.eventId, e])).values()];
  assert.deepEqual(once, log, "after deduplication by eventId, each event once, in order");
  assert.ok(received.length > log.length, "the paused batch arrived too (at least once)");
});

test("a deliver that rejects with a value that has no string form: the failure is the event's, counted and reported", async () => {
  const { store } = await openStore();
  await writeSome(store, 1);
  const failures = [];
  const relay = createRelay(store.outbox, async () => {
    throw Object.create(null);
  }, { onFailure: (f) => failures.push(f) });
  const result = await relay.drain();
  assert.deepEqual([result.delivered, result.failed, result.retryAt], [0, 1, failures[0]?.retryAt]);
  assert.deepEqual(failures.map((f) => [f.attempts, f.error, f.setAside]), [[1, "a rejection with no string form", false]]);
  assert.equal((await store.outbox.pending(1))[0].attempts, 1);
});

test("start(): an event that failed is sent again at its retry time, not an interval later", async () => {
  const { store } = await openStore();
  await writeSome(store, 1);
  const delivered = [];
  let refused = 0;
  const relay = createRelay(store.outbox, async (events) => {
    if (refused === 0) {
      refused += 1;
      throw new Error("not yet");
    }
    delivered.push(...events);
  }, { intervalMs: 60_000, initialBackoffMs: 50 });
  const running = relay.start();
  for (let i = 0; i < 150 && delivered.length < 6; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  await running.stop();
  assert.equal(refused, 1);
  assert.deepEqual(delivered.map((e) => e.eventId), (await store.events()).map((e) => e.eventId), "every event, within 3 s, with a 60 s interval");
});

test("start(): a hook that throws does not stop the loop, and a nudge during a drain drains again at once", async () => {
  const { store } = await openStore();
  const delivered = [];
  let drains = 0;
  const relay = createRelay(store.outbox, async (events) => {
    delivered.push(...events);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }, { intervalMs: 60_000 });
  const running = relay.start({
    onDrain: () => {
      drains += 1;
      throw new Error("a hook that throws");
    },
  });
  await writeSome(store, 1);
  running.nudge();
  await new Promise((resolve) => setTimeout(resolve, 10));
  await writeSome(store, 1);
  running.nudge(); // during the drain the first nudge started: not lost
  for (let i = 0; i < 100 && delivered.length < 8; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(delivered.length, 8, "the nudge during the drain drained the second write's events, with no nudge after");
  running.nudge();
  for (let i = 0; i < 100 && drains < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  await running.stop();
  assert.equal(delivered.length, 8, "both writes' events, with a 60 s interval: the nudges drained");
  assert.ok(drains >= 2, "the loop went on after its hook threw");
});

test("hooks that reject (async ones) take neither the relay nor the process down", async () => {
  const { store } = await openStore();
  await writeSome(store, 1);
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    let refuse = true;
    let drains = 0;
    const relay = createRelay(store.outbox, async (events) => {
      if (refuse) throw new Error("down");
      return events;
    }, { intervalMs: 5, initialBackoffMs: 1, onFailure: async () => {
      throw new Error("onFailure rejected");
    } });
    const running = relay.start({
      onDrain: async () => {
        drains += 1;
        throw new Error("onDrain rejected");
      },
    });
    for (let i = 0; i < 100 && drains < 3; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    refuse = false;
    for (let i = 0; i < 200 && (await store.outbox.lag()).pending > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    await running.stop();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(await store.outbox.pending(10), [], "the relay went on and delivered everything");
    assert.ok(drains >= 3);
    assert.deepEqual(unhandled, [], "no unhandled rejection");
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

test("the store failing after a send is the drain's error, not the event's: nothing counted against it, and the next drain sends it again", async () => {
  const { store } = await openStore();
  await writeSome(store, 1);
  const log = await store.events();
  let lockedOnce = true;
  const outbox = {
    ...store.outbox,
    async delivered(...args) {
      if (lockedOnce) {
        lockedOnce = false;
        throw new Error("database is locked");
      }
      return store.outbox.delivered(...args);
    },
  };
  const sends = [];
  const failures = [];
  const relay = createRelay(outbox, async (events) => void sends.push(events), { onFailure: (f) => failures.push(f) });
  await assert.rejects(relay.drain(), /database is locked/);
  assert.equal(await store.outbox.lease("another", Date.now(), 1000), true, "the failed drain gave the lease up");
  assert.equal(await store.outbox.release("another"), true);
  assert.deepEqual(failures, [], "no delivery failure for the database's error");
  assert.deepEqual((await store.outbox.pending(10)).map((entry) => [entry.event, entry.attempts, entry.nextAttemptAt]), log.map((event) => [event, 0, null]));
  assert.deepEqual(await relay.drain(), { delivered: log.length, failed: 0, setAside: 0, leased: true, retryAt: null });
  assert.deepEqual(sends, [log, log], "sent again whole (at least once), nothing set aside");
});

test("drain() on its own gives the lease up when it ends, and finds what a drain it kept out meanwhile left waiting", async () => {
  const { store, other } = await openStore();
  const second = other();
  await writeSome(store, 1);
  const received = [];
  const deliver = async (events) => void received.push(...events);
  const late = createRelay(second.outbox, deliver);
  let refusedMeanwhile = null;
  const first = createRelay({
    ...store.outbox,
    async release(holder) {
      // Just before this drain lets go: another process writes and drains, and is kept out.
      if (refusedMeanwhile === null) {
        await writeSome(second, 1);
        refusedMeanwhile = await late.drain();
      }
      return store.outbox.release(holder);
    },
  }, deliver);
  assert.deepEqual(await first.drain(), { delivered: 8, failed: 0, setAside: 0, leased: true, retryAt: null }, "its own four, then the four written while it held the lease");
  assert.deepEqual(refusedMeanwhile, { delivered: 0, failed: 0, setAside: 0, leased: false, retryAt: null });
  assert.deepEqual(received, await store.events(), "every event, in commit order");
  await writeSome(second, 1);
  assert.deepEqual(await late.drain(), { delivered: 4, failed: 0, setAside: 0, leased: true, retryAt: null }, "the lease is free at once, not after 15 s");
});

/**
 * A loop over 25 connections' events, stopped as soon as its first send is taken (`refuse` throws
 * for a send the system refuses; each taken one lasts `sendMs`): how many were taken, how long
 * stop() took, what waits, and whether the lease was given up.
 * @param {number} batchSize @param {(events: unknown[]) => void} refuse @param {number} sendMs
 */
async function stoppedDuringASend(batchSize, refuse, sendMs) {
  const { store, other } = await openStore();
  await writeSome(store, 25);
  const total = (await store.events({ limit: 1000 })).length;
  let sends = 0;
  let started;
  const sending = new Promise((resolve) => (started = resolve));
  const relay = createRelay(store.outbox, async (events) => {
    refuse(events);
    sends += 1;
    started();
    await new Promise((resolve) => setTimeout(resolve, sendMs));
  }, { batchSize, intervalMs: 60_000 });
  const running = relay.start();
  await sending;
  const stopAsked = performance.now();
  await running.stop();
  return {
    total,
    sends,
    stopMs: performance.now() - stopAsked,
    pending: (await store.outbox.lag()).pending,
    leaseFree: await other().outbox.lease("another", Date.now(), 1000),
  };
}

test("stop() ends the loop after the send in progress, not after the whole backlog, and gives the lease up", async () => {
  const { total, sends, pending, leaseFree } = await stoppedDuringASend(2, () => {}, 5);
  assert.equal(sends, 1, `stopped after ${sends} sends of ${total / 2}`);
  assert.equal(pending, total - 2 * sends, "what was sent is out, the rest waits");
  assert.equal(leaseFree, true, "the lease was given up");
});

test("stop() during an event's last allowed failure starts no probe: the failure is counted, nothing is set aside, the rest waits", async () => {
  const { store } = await openStore();
  await writeSome(store, 2);
  const log = await store.events();
  const time = clock();
  const settings = { now: time.now, maxAttempts: 2, initialBackoffMs: 1000, intervalMs: 60_000 };
  // A first failure of the head: it goes alone from then on.
  const first = await createRelay(store.outbox, async () => {
    throw new Error("schema rejected");
  }, settings).drain();
  assert.deepEqual([first.delivered, first.failed], [0, 1]);
  time.advance(1000);
  const sent = [];
  let started;
  const sending = new Promise((resolve) => (started = resolve));
  let refuse;
  const refusing = new Promise((resolve) => (refuse = resolve));
  const failures = [];
  const relay = createRelay(store.outbox, async (events) => {
    sent.push(events.map((e) => e.eventId));
    started();
    await refusing;
    throw new Error("schema rejected");
  }, { ...settings, onFailure: (f) => failures.push(f) });
  const running = relay.start();
  await sending;
  const stopped = running.stop();
  refuse();
  await stopped;
  assert.deepEqual(sent, [[log[0].eventId]], "the head alone, and no probe of the event behind it after the stop");
  assert.deepEqual(failures.map((f) => [f.eventId, f.attempts, f.setAside]), [[log[0].eventId, 2, false]]);
  assert.deepEqual((await store.outbox.pending(1000)).map((entry) => [entry.event.eventId, entry.attempts]), log.map((e, i) => [e.eventId, i === 0 ? 2 : 0]));
  assert.deepEqual(await store.outbox.setAside(10), []);
});

/** How many drains a loop over a store whose lease always fails makes in 600 ms, nudged every `nudgeMs` ms if given. */
async function drainsOfAFailingStore(nudgeMs) {
  const { store } = await openStore();
  const errors = [];
  const relay = createRelay({ ...store.outbox, lease: async () => {
    throw new Error("database unavailable");
  } }, async () => {}, { intervalMs: 10, initialBackoffMs: 10, maxBackoffMs: 80 });
  const running = relay.start({ onDrain: (result, error) => errors.push([result, error?.message]) });
  const nudging = nudgeMs === undefined ? undefined : setInterval(() => running.nudge(), nudgeMs);
  await new Promise((resolve) => setTimeout(resolve, 600));
  clearInterval(nudging);
  await running.stop();
  assert.ok(errors.every(([result, message]) => result === null && message === "database unavailable"));
  return errors.length;
}

test("start(): a store that keeps failing is tried again less and less often, not every interval", async () => {
  // Every 10 ms would be about 60 tries; waits of 10, 20, 40, then 80 ms make about 10.
  const tries = await drainsOfAFailingStore();
  assert.ok(tries >= 3 && tries <= 12, `${tries} tries in 600 ms`);
});

test("stop() ends the loop after the send in progress while a failed batch is sent again event by event, not after the whole batch", async () => {
  // The system refuses the batch whole, then takes each event alone, 50 ms a send; stop() comes while
  // the first of those is under way: that send ends, and no other starts.
  const { total, sends, stopMs, pending, leaseFree } = await stoppedDuringASend(100, (events) => {
    if (events.length > 1) throw new Error("batch refused");
  }, 50);
  assert.equal(sends, 1, `stopped after ${sends} sends alone of the batch's ${total}`);
  assert.ok(stopMs < 1_000, `stop() took ${Math.round(stopMs)} ms`);
  assert.equal(pending, total - 1, "the one sent is out, the rest waits");
  assert.equal(leaseFree, true, "the lease was given up");
});

test("start(): nudges while the store keeps failing do not cut its backoff short", async () => {
  // A busy service nudges after each write it admits: here every 2 ms.
  const tries = await drainsOfAFailingStore(2);
  assert.ok(tries >= 3 && tries <= 12, `${tries} tries in 600 ms, nudged every 2 ms`);
});

test("createRelay refuses what it cannot run, by name", () => {
  const outbox = { lease() {}, release() {}, pending() {}, delivered() {}, failed() {}, lag() {} };
  assert.throws(() => createRelay(/** @type {any} */ (null), async () => {}), /^TypeError: createRelay: outbox must be a store's outbox \(lease, release, pending, delivered, failed, lag\)$/);
  for (const method of Object.keys(outbox)) {
    const lacking = { ...outbox, [method]: undefined };
    assert.throws(() => createRelay(/** @type {any} */ (lacking), async () => {}), new RegExp(`^TypeError: createRelay: outbox.${method} must be a function`), method);
  }
  assert.throws(() => createRelay(/** @type {any} */ (outbox), /** @type {any} */ (null)), /createRelay: deliver must be a function/);
  assert.throws(() => createRelay(/** @type {any} */ (outbox), async () => {}, { batchSize: 0 }), /createRelay: batchSize must be a whole number from 1 to 1000/);
  assert.throws(() => createRelay(/** @type {any} */ (outbox), async () => {}, { maxBackoffMs: 1, initialBackoffMs: 2 }), /maxBackoffMs must be a whole number from 2/);
  assert.throws(() => createRelay(/** @type {any} */ (outbox), async () => {}, { leaseMs: 3000, deliverTimeoutMs: 1001 }), /deliverTimeoutMs must be a whole number from 1 to 1000/);
  assert.throws(() => createRelay(/** @type {any} */ (outbox), async () => {}, { holder: "" }), /createRelay: holder must be a string of 1 to 100 characters/);
  assert.throws(() => createRelay(/** @type {any} */ (outbox), async () => {}, { holder: /** @type {any} */ (7) }), /createRelay: holder must be a string/);
  assert.throws(() => createRelay(/** @type {any} */ (outbox), async () => {}, { onFailure: /** @type {any} */ ("log") }), /createRelay: onFailure must be a function/);
  assert.equal(RELAY_DEFAULTS.batchSize, 100);
});
