#!/usr/bin/env node
// A relay of your own: the events of a SQLite store's outbox, POSTed in commit order to a webhook,
// in batches, with connect-provider/relay doing the rest (order, the lease, retries with backoff,
// setting aside an event that keeps failing). Kafka, SQS or RabbitMQ differ only in `deliver`: send
// the events, and resolve once the system has taken them all.
//   node examples/node/relay-webhook.mjs <database-path> <webhook-url>
// The receiver deduplicates by eventId: delivery is at least once.
import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { createRelay } from "connect-provider/relay";
import { sqliteStore } from "connect-provider/stores/sqlite";

const [path, webhook] = process.argv.slice(2);
/** @param {string} problem @returns {never} */
const refuse = (problem) => {
  console.error(`${problem}\nusage: node examples/node/relay-webhook.mjs <database-path> <webhook-url>`);
  process.exit(2);
};
if (!path || !webhook) refuse("relay-webhook: a database and a webhook are needed");
// A mistyped path would make an empty database and relay nothing, for good.
if (!existsSync(path)) refuse(`relay-webhook: no database at ${path}`);
/** @type {URL} */
let url;
try {
  url = new URL(webhook);
} catch {
  refuse("relay-webhook: the webhook is not a URL");
}
if (url.protocol !== "https:" && url.protocol !== "http:") refuse("relay-webhook: the webhook must be an http(s) URL");
// fetch refuses a URL with credentials in it, naming the whole URL in its error, which the relay
// would log and keep with the failed event on every try: refused here, before anything is sent.
if (url.username || url.password) refuse("relay-webhook: the webhook must not carry a user or password (put a secret in its path, or a header)");
const store = sqliteStore(new Database(path));
await store.migrate();

/**
 * The relay's signal aborts the POST when the relay gives it up (deliverTimeoutMs), so a POST the
 * webhook has not received by then is not sent late. One it has received may still be acted on: the
 * relay sends its events again, and the receiver's dedupe by eventId makes that harmless.
 * @param {import("connect-provider").ProviderEvent[]} events @param {{ signal: AbortSignal }} context
 */
async function deliver(events, { signal }) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ events }),
    signal,
  });
  // Read to its end (it is not used), so the connection goes back to the pool now, not at a GC.
  await response.body?.cancel();
  if (!response.ok) throw new Error(`the webhook answered ${response.status}`);
}

const relay = createRelay(store.outbox, deliver, {
  onFailure: ({ eventId, attempts, retryAt, setAside, error }) =>
    console.error(JSON.stringify({ msg: setAside ? "event set aside" : "delivery failed", eventId, attempts, retryAt, error })),
});
const running = relay.start({
  // A drain that failed (the database locked, missing or full) is said each time, not retried in silence.
  onDrain: (result, error) => {
    if (error !== undefined) console.error(JSON.stringify({ msg: "relay failed", error: error instanceof Error ? error.message : String(error) }));
    else if (result && result.delivered > 0) console.log(JSON.stringify({ msg: "delivered", count: result.delivered }));
  },
});
// Only the webhook's origin: its path or query often holds its secret.
console.log(`relaying ${path} to ${url.origin}`);
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => running.stop());
