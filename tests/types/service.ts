// Uses connect-provider/service as the examples' entries do; must compile under --strict with no error.
import { sqliteStore, type SqliteDatabase } from "connect-provider/stores/sqlite";
import {
  ConfigError,
  createSealer,
  createService,
  everyInterval,
  inProcessLimiter,
  jsonLog,
  openapi,
  readConfig,
  readJobIntervalMs,
  readListenAddress,
  runExpiringJob,
  runKeyExpiry,
  statusOf,
  type Decision,
  type ServiceConfig,
} from "connect-provider/service";

declare const db: SqliteDatabase;

/** A Worker's `Env`, as `wrangler types` writes it: an interface, with no index signature. */
interface WorkerEnv {
  AUTH_JWT_SECRET: string;
  CREDENTIALS_KEY: string;
  RATE_LIMIT_WRITES_PER_MINUTE?: string;
}
declare const workerEnv: WorkerEnv;
export const workerConfig: ServiceConfig = readConfig(workerEnv);

/** A logger written as a class: its methods use `this`. */
class LineLog {
  lines: string[] = [];
  request(fields: Record<string, unknown>): void {
    this.lines.push(JSON.stringify(fields));
  }
  error(fields: Record<string, unknown>): void {
    this.lines.push(JSON.stringify(fields));
  }
  info(fields: Record<string, unknown>): void {
    this.lines.push(JSON.stringify(fields));
  }
}
declare const unrefTimer: (id: number) => void; // Deno.unrefTimer's shape

export async function startOnAWorkerEnv(): Promise<number> {
  const store = sqliteStore(db);
  const app = await createService({ config: workerConfig, store, limiter: inProcessLimiter({ limit: 60 }), log: new LineLog() });
  // The expiring job over a repository that has only what it reads.
  const { ok } = await runExpiringJob({ findExpiringBefore: (instant: string) => store.repository.findExpiringBefore(instant) }, new LineLog());
  const inDeno = everyInterval(async () => ok, 60_000, unrefTimer, (error: unknown) => console.error(error));
  const inNode = everyInterval(async () => ok, 60_000, (timer) => timer.unref());
  await Promise.all([inDeno.stop(), inNode.stop()]);
  return (await app(new Request("http://service.test/openapi.json"))).status;
}

export async function start(env: Record<string, string | undefined>): Promise<(request: Request) => Promise<Response>> {
  let config: ServiceConfig;
  try {
    config = readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) console.error(error.problems.join("\n"));
    throw error;
  }
  const { host, port }: { host: string; port: number } = readListenAddress(env);
  const store = sqliteStore(db);
  await store.migrate();
  const log = jsonLog();
  const limiter = inProcessLimiter({ limit: config.writesPerMinute });
  const decision: Decision = await limiter.take("user");
  if (!decision.allowed) console.log(decision.retryAfterSeconds);
  const job = everyInterval(async () => {
    await runExpiringJob(store.repository, log);
    const purged: number = await runKeyExpiry(store.idempotency, config.idempotencyRetentionMs, log);
    return purged;
  }, readJobIntervalMs(env));
  await job.stop();
  const sealer = await createSealer(config.credentials);
  const sealed: Uint8Array = await sealer.seal("secret", "user");
  const opened: string = await sealer.open(sealed, "user");
  const { status }: { status: number } = statusOf({ error: opened, code: "CONFLICT" });
  console.log(host, port, status, openapi.openapi);
  return createService({ config, store, limiter, log });
}

import { devTokenCommand } from "connect-provider/service/dev-token";

export const exitCode: Promise<number> = devTokenCommand({ AUTH_JWT_SECRET: "x".repeat(32) }, [], { out: console.log, err: console.error });
