#!/usr/bin/env node
// The connect-provider service on node:http, over SQLite (DATABASE) or PostgreSQL (DATABASE_URL):
// the routes of connect-provider/service behind a Bearer JWT, credentials sealed before they are
// stored, writes rate-limited per user in this process. A configuration that would run open, or
// with a weak secret or key, is refused before anything listens.
//   AUTH_JWT_SECRET=… CREDENTIALS_KEY=… [DATABASE=path | DATABASE_URL=postgresql://…] [HOST=127.0.0.1] [PORT=8787]
//     node examples/node-service/server.mjs
// The rest of the configuration is connect-provider/service's; EXPIRING_JOB_INTERVAL_MS (ten
// minutes) paces the periodic job (expiring connections, expired Idempotency-Keys). NATS_URL turns
// the event relay on (event-relay.mjs): the outbox's events to NATS JetStream.
import {
  ConfigError,
  admittedWrite,
  createService,
  everyInterval,
  inProcessLimiter,
  jsonLog,
  messageOf,
  readConfig,
  readJobIntervalMs,
  readListenAddress,
  runExpiringJob,
  runKeyExpiry,
} from "connect-provider/service";
import { startEventRelay } from "./event-relay.mjs";
import { createFetchServer } from "./node-http.mjs";
import { openStore } from "./store.mjs";

/** How long SIGTERM waits for requests in flight before it closes their connections. */
const SHUTDOWN_GRACE_MS = 10_000;

let config;
let address;
let jobIntervalMs;
try {
  config = readConfig(process.env);
  address = readListenAddress(process.env);
  jobIntervalMs = readJobIntervalMs(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const log = jsonLog();
let opened;
try {
  opened = await openStore(process.env, (error) => log.error({ msg: "database connection failed", error: messageOf(error) }));
} catch (error) {
  console.error(`connect-provider service cannot open its store: ${messageOf(error)}`);
  process.exit(1);
}
const { store, kind, close } = opened;
const limiter = inProcessLimiter({ limit: config.writesPerMinute });
const service = await createService({ config, store, limiter, log });
let relay;
try {
  relay = await startEventRelay(store, process.env, log);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  await close();
  process.exit(1);
}
// With a relay, each write that passed the service's gates nudges it, so its events leave at once
// rather than at the next poll; an outsider's refused requests do not.
const app = relay
  ? async (/** @type {Request} */ request) => {
      const response = await service(request);
      if (admittedWrite(response)) relay.nudge();
      return response;
    }
  : service;
/** The answers still being made: the store closes after them, even once their connections were cut (each ends by its handler's deadline). @type {Set<Promise<Response>>} */
const answering = new Set();
const answer = async (/** @type {Request} */ request) => {
  const made = app(request);
  answering.add(made);
  try {
    return await made;
  } finally {
    answering.delete(made);
  }
};
const server = createFetchServer(answer, { onError: (error) => log.error({ msg: "adapter failed", error: messageOf(error) }) });
// The expiring connections, then the Idempotency-Keys past their retention.
const job = everyInterval(
  // A stop (SIGTERM) ends a run between its pages, so the store closes soon after.
  async (signal) => {
    await runExpiringJob(store.repository, log, undefined, { signal });
    if (signal.aborted) return;
    await runKeyExpiry(store.idempotency, config.idempotencyRetentionMs, log);
  },
  jobIntervalMs,
  (timer) => timer.unref(),
  (error) => log.error({ msg: "periodic job failed", error: messageOf(error) }),
);

/** Listening failed (the port taken, the host unknown): nothing ran yet, so stop and say why. @param {Error} error */
async function cannotListen(error) {
  console.error(`connect-provider service cannot listen on ${address.host}:${address.port}: ${messageOf(error)}`);
  await job.stop();
  await relay?.stop();
  await close();
  process.exit(1);
}
server.once("error", cannotListen);
const listening = new Promise((resolve) => server.once("listening", resolve));
server.listen(address.port, address.host, () => {
  // From now on a server error (accepting a connection with no file descriptor left, say) is logged,
  // and the requests in flight go on.
  server.off("error", cannotListen);
  server.on("error", (error) => log.error({ msg: "server error", error: messageOf(error) }));
  const { address: host, port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  console.log(`connect-provider service listening on http://${host.includes(":") ? `[${host}]` : host}:${port} (store: ${kind})`);
});

// The store closes once no request and no job run can still use it. Each step runs whatever the
// one before did; one that failed makes the exit code 1.
let stopping;
const stop = () => {
  stopping ??= (async () => {
    // A signal while the host name is still being looked up: stop once it listens (a listen that
    // fails stops the process itself).
    await listening;
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    /** @param {string} what @param {() => Promise<unknown> | undefined} step */
    const settle = async (what, step) => {
      try {
        await step();
      } catch (error) {
        console.error(JSON.stringify({ level: "error", msg: `shutdown: ${what} failed`, error: messageOf(error) }));
        process.exitCode = 1;
      }
    };
    await Promise.all([settle("the periodic job", () => job.stop()), settle("the server", () => closed)]);
    await Promise.allSettled([...answering]);
    await settle("the event relay", () => relay?.stop());
    await settle("the store", close);
  })();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
