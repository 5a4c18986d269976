// The cron trigger's job: the active connections whose credentials expire within WITHIN_MINUTES
// (or already have), recorded as one row of `refresh_runs`. Getting new tokens takes the
// provider's OAuth endpoint and your key service, which this example has not got: a deployment
// would send each id to a Queue whose consumer refreshes it (RefreshProviderTokensHandler).
import { ListExpiringConnectionsHandler } from "connect-provider";
import { d1Repository } from "./d1-store.js";

/** Twice the cron's 15 minutes, so every connection is listed at least once before it expires. */
export const WITHIN_MINUTES = 30;

const RECORD_RUN = `INSERT INTO refresh_runs (cron, scheduled_at, ran_at, within_minutes, connection_ids, error)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6)`;

/**
 * @param {{ cron: string, scheduledTime: number }} controller
 * @param {{ DB: D1Database }} env
 */
export async function runExpiringJob(controller, env) {
  const ranAt = new Date().toISOString();
  const handler = new ListExpiringConnectionsHandler(d1Repository(env.DB), { timeoutMs: 5000 });
  let result;
  try {
    result = await handler.handle({ withinMinutes: WITHIN_MINUTES });
  } finally {
    handler.free();
  }
  const ids = result.ok ? result.value.connections.map((connection) => connection.id) : null;
  await env.DB.prepare(RECORD_RUN)
    .bind(
      controller.cron,
      new Date(controller.scheduledTime).toISOString(),
      ranAt,
      WITHIN_MINUTES,
      ids && JSON.stringify(ids),
      result.ok ? null : result.error,
    )
    .run();
  if (!result.ok) throw new Error(result.error); // so the cron's history shows the run as failed
  console.log(`refresh run: ${result.value.connections.length} connection(s) expire within ${WITHIN_MINUTES} minutes`);
}
