#!/usr/bin/env node
// A relay of your own: the events of a SQLite store's outbox, POSTed in commit order to a webhook,
// in batches, with connect-provider/relay doing the rest (order, the lease, retries with backoff,
// setting aside an event that keeps failing). Kafka, SQS or RabbitMQ differ only in `deliver`: send
// the events, and resolve once the system has taken them all.
//   node examples/node/relay-webhook.mjs <database-path> <webhook-url>
// The receiver deduplicates by eventId: delivery is at least once.
import Database from "better-sqlite3";
import { createRelay } from "connect-provider/relay";
import { sqliteStore } from "connect-provider/stores/sqlite";

const [path, webhook] = process.argv.slice(2);
if (!path || !webhook) {
  console.error("usage: node examples/node/relay-webhook.mjs <database-path> <webhook-url>");
  process.exit(2);
}
const store = sqliteStore(new Database(path));
await store.migrate();

/** @param {import("connect-provider").ProviderEvent[]} events */
async function deliver(events) {
  const response = await fetch(webhook, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ events }),
    signal: AbortSignal.timeout(4_000),
  });
  if (!response.ok) throw new Error(`the webhook answered ${response.status}`);
}

const relay = createRelay(store.outbox, deliver, {
  onFailure: ({ eventId, attempts, retryAt, setAside, error }) =>
    console.error(JSON.stringify({ msg: setAside ? "event set aside" : "delivery failed", eventId, attempts, retryAt, error })),
});
const running = relay.start({
  onDrain: (result) => {
    if (result && result.delivered > 0) console.log(JSON.stringify({ msg: "delivered", count: result.delivered }));
  },
});
console.log(`relaying ${path} to ${webhook}`);
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => running.stop());
