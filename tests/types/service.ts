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
