// The relay rows of `npm run bench`, on the machine's Node: the outbox relayed to a real NATS
// JetStream (nats-server started here) from SQLite and from PostgreSQL, through what the Node
// service runs (connect-provider/relay over the store's outbox, examples/node-service/nats-events.mjs):
//   - ConnectProvider commands per second, 10 in flight, without a relay and with one running (nudged
//     after each command, as the service does), in alternating rounds;
//   - events relayed per second, draining an outbox filled beforehand;
//   - the delay from a command's answer to its Succeeded event reaching a NATS subscriber, median and
//     99th percentile, at a steady 200 commands a second.
// Prints one JSON line.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { connect } from "@nats-io/transport-node";
import { ConnectProviderHandler } from "connect-provider";
import { createRelay } from "connect-provider/relay";
import { postgresStore } from "connect-provider/stores/postgres";
import { sqliteStore } from "connect-provider/stores/sqlite";
import { natsEvents } from "../examples/node-service/nats-events.mjs";
import { startNats } from "../tests/js/support/nats.mjs";
import { startPostgres } from "../tests/js/support/postgres.mjs";

const IN_FLIGHT = 10;
const ROUND_COMMANDS = 1000;
const ROUNDS = 4;
const FILL_COMMANDS = 3000;
const PACED_COMMANDS = 1000;
const PACE_MS = 5;

const home = mkdtempSync(join(tmpdir(), "connect-provider-bench-relay-"));
const command = (userId) => ({
  userId,
  providerId: crypto.randomUUID(),
  providerSlug: "schwab",
  credentials: { encryptedData: new Uint8Array(256).fill(7), credentialType: "oauth2", expiresAt: "2027-01-01T00:00:00Z" },
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (list, q) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(q * list.length))];

/** `count` ConnectProvider commands, `IN_FLIGHT` at a time; commands per second. */
async function commandsPerSecond(handler, count, after = () => {}) {
  const userId = crypto.randomUUID();
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < count) {
      next += 1;
      const result = await handler.handle(command(userId));
      if (!result.ok) throw new Error(JSON.stringify(result));
      after();
    }
  }));
  return count / ((performance.now() - started) / 1000);
}

/** Waits until the outbox is empty; how long that took, in ms. */
async function drained(outbox, since) {
  while ((await outbox.lag()).pending > 0) await sleep(5);
  return performance.now() - since;
}

async function rowsFor(name, store, natsUrl) {
  await store.migrate();
  const handler = new ConnectProviderHandler(store.repository, store.eventBus);
  const nats = natsEvents(natsUrl);
  const relay = createRelay(store.outbox, nats.deliver);
  // Whatever the store held before is delivered first, untimed.
  await relay.drain();

  // Commands with and without a relay running beside them, alternating.
  const without = [];
  const withRelay = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    without.push(await commandsPerSecond(handler, ROUND_COMMANDS));
    await relay.drain();
    const running = relay.start();
    withRelay.push(await commandsPerSecond(handler, ROUND_COMMANDS, () => running.nudge()));
    await drained(store.outbox, performance.now());
    await running.stop();
  }

  // Throughput: an outbox filled beforehand, drained to NATS.
  await commandsPerSecond(handler, FILL_COMMANDS);
  const { pending } = await store.outbox.lag();
  const started = performance.now();
  const running = relay.start();
  const ms = await drained(store.outbox, started);

  // Delay: a steady pace of commands, each Succeeded event timed to a subscriber.
  const nc = await connect({ servers: natsUrl });
  const answered = new Map();
  const delays = [];
  const subscription = nc.subscribe("connect-provider.events.ProviderConnectionSucceeded", {
    callback: (_, message) => {
      const at = performance.now();
      const { connectionId } = JSON.parse(new TextDecoder().decode(message.data));
      const sent = answered.get(connectionId);
      if (sent !== undefined) delays.push(at - sent);
    },
  });
  const userId = crypto.randomUUID();
  for (let i = 0; i < PACED_COMMANDS; i += 1) {
    const tick = performance.now();
    const result = await handler.handle(command(userId));
    answered.set(result.value, performance.now());
    running.nudge();
    await sleep(Math.max(0, PACE_MS - (performance.now() - tick)));
  }
  await drained(store.outbox, performance.now());
  await sleep(200);
  subscription.unsubscribe();
  await nc.close();
  await running.stop();
  await nats.close();
  const median = (list) => quantile(list, 0.5);
  return {
    store: name,
    commandsPerSecondWithout: median(without),
    commandsPerSecondWithRelay: median(withRelay),
    eventsPerSecond: pending / (ms / 1000),
    eventsRelayed: pending,
    delayMedianMs: median(delays),
    delayP99Ms: quantile(delays, 0.99),
    delaysMeasured: delays.length,
  };
}

const rows = [];
const nats = await startNats(join(home, "nats"));
try {
  const db = new Database(join(home, "relay.sqlite"));
  db.pragma("journal_mode = WAL");
  rows.push(await rowsFor("SQLite (better-sqlite3, WAL file)", sqliteStore(db), nats.url));
  db.close();
  const server = startPostgres();
  try {
    const pool = new pg.Pool({ ...server.config(await server.createDatabase("relay")), max: 10 });
    rows.push(await rowsFor("PostgreSQL 15 (pg Pool, Unix socket)", postgresStore(pool), nats.url));
    await pool.end();
  } finally {
    await server.stop();
  }
} finally {
  await nats.stop();
  rmSync(home, { recursive: true, force: true });
}
console.log(JSON.stringify({ node: process.version, inFlight: IN_FLIGHT, pacePerSecond: 1000 / PACE_MS, rows }));
