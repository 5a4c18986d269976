// 10,000 commands in flight on one handler, adapters settling in random order.
// (The work is split into small functions: Node 20's V8 can crash with a fatal "unreachable
// code" when it lazily deoptimises one large async test body in the middle of such a loop.)
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { ConnectProviderHandler, DisconnectProviderHandler, RefreshProviderTokensHandler } from "connect-provider";
import { CONNECTION_ID, command, LIFECYCLE_ERRORS, storedRecord, USER_ID } from "./contract/fixtures.mjs";

const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 10_000);

/** Adapters whose calls all wait, then settle in a shuffled order when `releaseAll()` runs. */
function shuffledPorts() {
  const waiting = [];
  const saved = new Map();
  const events = [];
  const later = (settle) => new Promise((resolve) => waiting.push(() => resolve(settle())));
  return {
    saved,
    events,
    repository: { save: (c) => later(() => saved.set(c.providerId, c)) },
    eventBus: { publish: (e) => later(() => events.push(e)) },
    /** Settles everything waiting, round after round, until a round finds nothing new. */
    async releaseAll() {
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve));
        if (!waiting.length) return;
        settleShuffled(waiting.splice(0));
      }
    },
  };
}

function settleShuffled(batch) {
  for (let i = batch.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [batch[i], batch[j]] = [batch[j], batch[i]];
  }
  for (const settle of batch) settle();
}

/** One in ten has an empty slug, so Failed outcomes are in the mix. */
function makeCommands(count) {
  const commands = [];
  for (let i = 0; i < count; i++) {
    commands.push(command({ providerId: randomUUID(), providerSlug: i % 10 === 0 ? "" : `p${i % 50}` }));
  }
  return commands;
}

function startAll(handler, commands) {
  const pending = [];
  for (const c of commands) pending.push(handler.handle(c));
  return pending;
}

function eventTypesByProvider(events) {
  const byProvider = new Map();
  for (const event of events) {
    const list = byProvider.get(event.providerId) ?? [];
    list.push(event.eventType);
    byProvider.set(event.providerId, list);
  }
  return byProvider;
}

function checkOutcomes(commands, results, ports) {
  const succeeded = results.filter((r) => r.ok);
  assert.equal(succeeded.length, IN_FLIGHT * 0.9);
  assert.ok(results.filter((r) => !r.ok).every((r) => r.error === "Invalid provider slug" && r.code === "INVALID_PROVIDER_SLUG"));
  assert.equal(new Set(succeeded.map((r) => r.value)).size, succeeded.length, "connection ids are unique");
  assert.equal(ports.saved.size, succeeded.length);
  const byProvider = eventTypesByProvider(ports.events);
  commands.forEach((c, i) => {
    const closing = results[i].ok ? "ProviderConnectionSucceeded" : "ProviderConnectionFailed";
    assert.deepEqual(byProvider.get(c.providerId), ["ProviderConnectionAttempted", closing], `command ${i}`);
    if (results[i].ok) assert.equal(ports.saved.get(c.providerId).id, results[i].value);
  });
  const eventIds = ports.events.map((e) => e.eventId);
  assert.equal(new Set(eventIds).size, eventIds.length, "event ids are unique");
}

test(`${IN_FLIGHT} commands in flight, adapters settling in random order, free() midway`, async () => {
  const ports = shuffledPorts();
  const handler = new ConnectProviderHandler(ports.repository, ports.eventBus, { timeoutMs: 60_000 });
  const commands = makeCommands(IN_FLIGHT);
  const pending = startAll(handler, commands);
  handler.free();
  const released = ports.releaseAll();
  const results = await Promise.all(pending);
  await released;
  checkOutcomes(commands, results, ports);
});

/**
 * One connection in a store whose writes are conditional, as a real store's are: a record is
 * stored only over its version - 1, else the write answers `false`. Every call waits, and all
 * settle in a shuffled order; a read answers what is stored when it settles.
 */
function racedConnection() {
  const waiting = [];
  const later = (settle) => new Promise((resolve) => waiting.push(() => resolve(settle())));
  const ports = {
    current: storedRecord(),
    stored: [],
    saves: 0,
    events: [],
    repository: {
      findById: () => later(() => ({ ...ports.current })),
      save(record) {
        ports.saves += 1;
        return later(() => {
          if (record.version !== ports.current.version + 1) return false;
          ports.current = record;
          ports.stored.push(record);
        });
      },
    },
    eventBus: { publish: (event) => later(() => ports.events.push(event)) },
    /** Settles what is waiting now, in a shuffled order; answers whether anything was. */
    async releaseRound() {
      await new Promise((resolve) => setImmediate(resolve));
      if (!waiting.length) return false;
      settleShuffled(waiting.splice(0));
      return true;
    },
  };
  return ports;
}

test("refreshes and a disconnection racing on one connection end as if run one after the other", async () => {
  // The shuffle decides whether the disconnection wins its round: race until one run has it win
  // (then refreshes after it must answer NOT_ACTIVE), and check every run in full.
  const seen = { runs: 0, disconnected: 0, notActive: 0, conflicts: 0 };
  while (seen.runs < 3 || (seen.disconnected === 0 && seen.runs < 40)) {
    const outcome = await raceRefreshesAndDisconnection();
    seen.runs += 1;
    if (outcome.disconnected) seen.disconnected += 1;
    seen.notActive += outcome.notActive;
    seen.conflicts += outcome.conflicts;
  }
  assert.ok(seen.disconnected > 0, `the disconnection won in none of ${seen.runs} runs`);
  assert.ok(seen.notActive > 0, "a refresh after the disconnection answered NOT_ACTIVE");
  assert.ok(seen.conflicts > 0, "the commands overlapped: some lost their race (CONFLICT)");
});

/** One race of 199 refreshes and a disconnection, checked; what came of it. */
async function raceRefreshesAndDisconnection() {
  const ports = racedConnection();
  const refresh = new RefreshProviderTokensHandler(ports.repository, ports.eventBus, { timeoutMs: 60_000 });
  const disconnect = new DisconnectProviderHandler(ports.repository, ports.eventBus, { timeoutMs: 60_000 });
  const ref = { userId: USER_ID, connectionId: CONNECTION_ID };
  // Five commands start in each round, so they overlap their neighbours' reads and writes; the
  // disconnection starts on a settled store, with four refreshes beside it.
  const pending = [];
  for (let i = 0; i < 200; i++) {
    if (i === 100) while (await ports.releaseRound());
    pending.push(i === 100 ? disconnect.handle(ref) : refresh.handle({ ...ref, credentials: { encryptedData: new Uint8Array([i >> 8, i & 0xff]), credentialType: "api_key" } }));
    if (i % 5 === 4) await ports.releaseRound();
  }
  while (await ports.releaseRound());
  const results = await Promise.all(pending);
  refresh.free();
  disconnect.free();
  const stored = results.filter((result) => result.ok).length;
  assert.ok(stored >= 1, "some command got through");
  assert.deepEqual(ports.stored.map((record) => record.version), Array.from({ length: stored }, (_, i) => i + 2), "each stored write is the next version");
  assert.equal(ports.current.version, stored + 1);
  assert.ok(ports.saves <= 4 * results.length, `at most four writes a command: ${ports.saves}`);
  const disconnected = results[100].ok;
  results.forEach((result, i) => {
    if (result.ok) return;
    const notActive = { ok: false, error: LIFECYCLE_ERRORS.NOT_ACTIVE, code: "NOT_ACTIVE", needsUserAction: true };
    const conflict = { ok: false, error: LIFECYCLE_ERRORS.CONFLICT, code: "CONFLICT" };
    if (i === 100) assert.deepEqual(result, conflict);
    else if (disconnected && result.code === "NOT_ACTIVE") assert.deepEqual(result, notActive);
    else assert.deepEqual(result, { ...conflict, needsUserAction: false }, `command ${i}`);
  });
  // A refresh stored after the disconnection would have revived it: none was.
  const disconnection = ports.stored.findIndex((record) => record.status === "disconnected");
  assert.equal(disconnection === -1, !disconnected);
  if (disconnected) assert.equal(disconnection, ports.stored.length - 1, "nothing was stored over the disconnection");
  // Every stored refresh is one that answered ok, each once.
  const storedRefreshes = ports.stored.filter((record) => record.status === "active").map((record) => (record.credentials.encryptedData[0] << 8) | record.credentials.encryptedData[1]);
  const okRefreshes = results.flatMap((result, i) => (result.ok && i !== 100 ? [i] : []));
  assert.deepEqual([...storedRefreshes].sort((a, b) => a - b), okRefreshes);
  // Each command published Attempted, then its closing event.
  const closing = ports.events.filter((event) => !event.eventType.endsWith("Attempted"));
  assert.equal(ports.events.length, 2 * results.length);
  assert.equal(closing.filter((event) => event.eventType.endsWith("Succeeded")).length, stored);
  return {
    disconnected,
    notActive: results.filter((result) => result.code === "NOT_ACTIVE").length,
    conflicts: results.filter((result) => result.code === "CONFLICT").length,
  };
}
