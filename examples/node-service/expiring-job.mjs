// The periodic job: the active connections whose credentials expire within WITHIN_MINUTES (or
// already have), recorded as one row of `refresh_runs`. Getting new tokens takes the provider's
// OAuth endpoint and your key service, which this example has not got: a deployment would hand
// each id to whatever does that, which then calls RefreshProviderTokensHandler.
import { ListExpiringConnectionsHandler } from "connect-provider";
import { sqliteRepository } from "../node/sqlite-store.mjs";

/** Three times the default interval, so every connection is listed before it expires. */
export const WITHIN_MINUTES = 30;
export const DEFAULT_INTERVAL_MS = 10 * 60_000;

/** @typedef {{ ranAt: string, withinMinutes: number, connectionIds: string[] | null, error: string | null }} Run */

/** The job as a function: each call lists and records one run, and answers it. */
export function expiringJob(db, withinMinutes = WITHIN_MINUTES) {
  const handler = new ListExpiringConnectionsHandler(sqliteRepository(db), { timeoutMs: 5000 });
  const record = db.prepare("INSERT INTO refresh_runs (ran_at, within_minutes, connection_ids, error) VALUES (?, ?, ?, ?)");
  /** @returns {Promise<Run>} */
  return async function runExpiringJob() {
    const ranAt = new Date().toISOString();
    const result = await handler.handle({ withinMinutes });
    const run = {
      ranAt,
      withinMinutes,
      connectionIds: result.ok ? result.value.connections.map((connection) => connection.id) : null,
      error: result.ok ? null : result.error,
    };
    record.run(ranAt, withinMinutes, run.connectionIds && JSON.stringify(run.connectionIds), run.error);
    return run;
  };
}

/**
 * Runs `job` every `intervalMs`, never two at once, handing each run to `onRun`. The timer is
 * unref'd: the job never keeps the process alive by itself, the server does. `stop` waits for a
 * run in flight, so the database can be closed after it.
 * @param {() => Promise<Run>} job
 * @param {number} intervalMs
 * @param {(run: Run) => void} onRun
 */
export function everyInterval(job, intervalMs, onRun) {
  let running;
  const timer = setInterval(() => {
    running ??= job()
      .then(onRun, (error) => console.error("expiring job failed:", error))
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
