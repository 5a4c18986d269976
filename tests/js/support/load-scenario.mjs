// One load scenario in this process, named by the first argument; exits non-zero when an
// outcome is wrong. `tests/js/load.test.mjs` runs each in fresh processes, several times, because
// the failure it guards against (V8 aborting the process) cannot be caught from inside.
import assert from "node:assert/strict";
import { ConnectProviderHandler } from "connect-provider";

const USER_ID = "0192f1a0-7c3e-7b6a-9d2e-3f4a5b6c7d8e";
const PROVIDER_ID = "0192f1a0-7c3e-7b6a-9d2e-000000000002";
const command = (providerSlug = "fidelity") => ({
  userId: USER_ID,
  providerId: PROVIDER_ID,
  providerSlug,
  credentials: { encryptedData: new Uint8Array([9, 9, 9]), credentialType: "api_key" },
});

/** Counts what the adapters saw, so each scenario can check every command left its trace. */
function counted(save, publish = async () => {}) {
  const seen = { saves: 0, events: 0 };
  return {
    seen,
    repository: { save: (connection) => (seen.saves++, save(connection)) },
    eventBus: { publish: (event) => (seen.events++, publish(event)) },
  };
}

async function inFlight(count, save) {
  const ports = counted(save);
  const handler = new ConnectProviderHandler(ports.repository, ports.eventBus);
  const results = await Promise.all(Array.from({ length: count }, () => handler.handle(command())));
  assert.equal(results.filter((result) => result.ok).length, count);
  assert.equal(new Set(results.map((result) => result.value)).size, count);
  assert.deepEqual(ports.seen, { saves: count, events: 2 * count });
}

/** `workers` loops that each await one command at a time until `total` have started. */
async function workers(count, total, ports, next, options) {
  const handler = new ConnectProviderHandler(ports.repository, ports.eventBus, options);
  const tally = new Map();
  let started = 0;
  await Promise.all(
    Array.from({ length: count }, async () => {
      while (started < total) {
        const result = await handler.handle(next(started++));
        const key = result.ok ? "ok" : result.error;
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }
    }),
  );
  return Object.fromEntries(tally);
}

const scenarios = {
  /** The load issue's (a): 10,000 calls in flight, save settling after a timer. */
  "timer-10k": () => inFlight(10_000, () => new Promise((resolve) => setTimeout(resolve, Math.random() * 50))),
  /** 50,000 in flight, save settling on the next macrotask. */
  "immediate-50k": () => inFlight(50_000, () => new Promise((resolve) => setImmediate(resolve))),
  /** The load issue's (b): 500 workers, 300,000 commands, save on the next macrotask. */
  "workers-500": async () => {
    const ports = counted(() => new Promise((resolve) => setImmediate(resolve)), () => Promise.resolve());
    assert.deepEqual(await workers(500, 300_000, ports, () => command()), { ok: 300_000 });
    assert.deepEqual(ports.seen, { saves: 300_000, events: 600_000 });
  },
  /** 2,000 workers with success, refusal and timeout mixed: every tenth slug is empty and every
   * hundredth save never settles (a 1 s deadline ends it). */
  "workers-2000-mixed": async () => {
    let saves = 0;
    const ports = counted(() => (++saves % 100 === 0 ? new Promise(() => {}) : new Promise((resolve) => setImmediate(resolve))));
    const tally = await workers(2_000, 200_000, ports, (i) => command(i % 10 === 0 ? "" : "fidelity"), { timeoutMs: 1_000 });
    assert.deepEqual(tally, {
      ok: 178_200,
      "Invalid provider slug": 20_000,
      "Database error occurred: save timed out after 1000 ms": 1_800,
    });
    assert.deepEqual(ports.seen, { saves: 180_000, events: 400_000 });
  },
  /** 1,000,000 commands with async adapters, 100 at a time. */
  million: async () => {
    const ports = counted(async () => {});
    assert.deepEqual(await workers(100, 1_000_000, ports, () => command()), { ok: 1_000_000 });
    assert.deepEqual(ports.seen, { saves: 1_000_000, events: 2_000_000 });
  },
};

const name = process.argv[2];
if (!scenarios[name]) throw new Error(`unknown scenario ${name}; one of ${Object.keys(scenarios).join(", ")}`);
const started = performance.now();
await scenarios[name]();
console.log(`${name}: passed in ${((performance.now() - started) / 1000).toFixed(1)} s on Node ${process.version}`);
