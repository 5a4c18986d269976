// The connect-provider service on Deno.serve over Deno KV (KV_PATH, or Deno's default KV when
// unset): the routes of connect-provider/service behind a Bearer JWT, credentials sealed before they
// are stored, writes rate-limited per user in this process. A configuration that would run open,
// or with a weak secret or key, is refused before anything listens. Its events go through KV's own
// queue, enqueued with the change, and it consumes them (listenQueue), each once by eventId.
//   AUTH_JWT_SECRET=… CREDENTIALS_KEY=… KV_PATH=service.kv deno run --allow-net --allow-env --allow-read --allow-write --unstable-kv main.ts
import { denoKvStore } from "connect-provider/stores/deno-kv";
import {
  ConfigError,
  createService,
  everyInterval,
  inProcessLimiter,
  jsonLog,
  readConfig,
  readJobIntervalMs,
  readListenAddress,
  runExpiringJob,
  runKeyExpiry,
} from "connect-provider/service";

const env = Deno.env.toObject();

let config;
let address;
let jobIntervalMs;
// KV's local queue keeps a message it was handing over when a process died aside until a later
// start: what is still not consumed after EVENT_QUEUE_REDELIVER_MS (a minute) is enqueued again.
let redeliverMs = 60_000;
try {
  config = readConfig(env);
  address = readListenAddress(env);
  jobIntervalMs = readJobIntervalMs(env);
  const redeliverText = env.EVENT_QUEUE_REDELIVER_MS?.trim();
  if (redeliverText) {
    redeliverMs = Number(redeliverText);
    if (!/^\d+$/.test(redeliverText) || redeliverMs < 1000) throw new ConfigError(["EVENT_QUEUE_REDELIVER_MS must be a whole number of milliseconds, at least 1000"]);
  }
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  Deno.exit(1);
}

const log = jsonLog();
const kvPath = env.KV_PATH?.trim() || undefined;
// Readable by the service's user only, from its first byte: the file is made 0600 before KV opens
// it, and SQLite gives the -wal and -shm it makes then the file's mode. (Opened first, they were
// made with the umask's, 0644, and held every sealed secret written.) Ones an earlier run left are
// narrowed too.
if (kvPath !== undefined && kvPath !== ":memory:" && !/^[a-z]+:\/\//i.test(kvPath)) {
  (await Deno.open(kvPath, { create: true, write: true, mode: 0o600 })).close();
  for (const file of [kvPath, `${kvPath}-wal`, `${kvPath}-shm`]) {
    await Deno.chmod(file, 0o600).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  }
}
const kv = await Deno.openKv(kvPath);
// Each event is also enqueued in the atomic operation that logs it; this service is its consumer.
const store = denoKvStore(kv, { queue: true });
await store.migrate();
// Each event once (by eventId), whatever KV redelivers; the act here is a log line, yours goes where it says.
const consuming = store.queue?.listen((event) => {
  const { eventType, eventId } = event;
  log.info({ msg: "event consumed", eventType, eventId, connectionId: "connectionId" in event ? event.connectionId : null });
});
const app = await createService({ config, store, limiter: inProcessLimiter({ limit: config.writesPerMinute }), log });

const server = Deno.serve(
  {
    hostname: address.host,
    port: address.port,
    onListen: ({ hostname, port }) => {
      console.log(`connect-provider service listening on http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port} (store: deno-kv)`);
    },
  },
  app,
);
// The expiring connections, then the Idempotency-Keys past their retention.
const job = everyInterval(
  // A stop (SIGTERM) ends a run between its pages, so KV closes soon after.
  async (signal) => {
    await runExpiringJob(store.repository, log, undefined, { signal });
    if (signal.aborted) return;
    await runKeyExpiry(store.idempotency, config.idempotencyRetentionMs, log);
    try {
      const again = (await store.queue?.redeliver({ olderThanMs: redeliverMs })) ?? 0;
      if (again > 0) log.info({ msg: "events enqueued again", count: again });
    } catch (error) {
      // Said, not swallowed by the job's timer: the next run sweeps again.
      log.error({ msg: "the queue's sweep failed", error: error instanceof Error ? error.message : String(error) });
    }
  },
  jobIntervalMs,
  Deno.unrefTimer,
  (error) => log.error({ msg: "periodic job failed", error: error instanceof Error ? error.message : String(error) }),
);

// KV closes once no request and no job run can still use it.
let stopping: Promise<void> | undefined;
const stop = () => {
  stopping ??= (async () => {
    await Promise.all([server.shutdown(), job.stop()]);
    // No message is taken from now on, and a handler in flight finishes, with its consumed mark,
    // before KV closes under it.
    await store.queue?.stop();
    kv.close();
    await consuming;
  })();
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
await server.finished;
await stopping;
