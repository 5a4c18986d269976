// 10,000 commands in flight on one handler, adapters settling in random order.
// (The work is split into small functions: Node 20's V8 can crash with a fatal "unreachable
// code" when it lazily deoptimises one large async test body in the middle of such a loop.)
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { ConnectProviderHandler } from "connect-provider";
import { command } from "./contract/fixtures.mjs";

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
  assert.ok(results.filter((r) => !r.ok).every((r) => r.error === "Invalid provider slug"));
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
