// The periodic job of every service: the active connections whose credentials expire within
// WITHIN_MINUTES (or already have), soonest first, as one log line. Getting new tokens takes the
// provider's OAuth endpoint, which these examples have not got: a deployment hands each id to what
// does that, which opens the sealed secret (seal.js `open`) and calls RefreshProviderTokensHandler.
import { ListExpiringConnectionsHandler } from "connect-provider";
import { handleOnce } from "./handle-once.js";

/** Three times the Node and Deno interval (ten minutes), twice the Worker's cron (15 minutes). */
export const WITHIN_MINUTES = 30;

/**
 * @param {import("connect-provider/stores/sqlite").StoreRepository} repository the whole store's, not a caller's
 * @param {import("./request-log.js").Log} log
 * @returns {Promise<{ ok: boolean, connectionIds: string[] }>}
 */
export async function runExpiringJob(repository, log, withinMinutes = WITHIN_MINUTES) {
  const result = await handleOnce(new ListExpiringConnectionsHandler(repository, { timeoutMs: 10_000 }), { withinMinutes });
  if (!result.ok) {
    log.error({ msg: "expiring job failed", withinMinutes, error: result.error });
    return { ok: false, connectionIds: [] };
  }
  const connectionIds = result.value.connections.map((/** @type {{ id: string }} */ connection) => connection.id);
  log.info({ msg: "expiring connections", withinMinutes, count: connectionIds.length, connectionIds });
  return { ok: true, connectionIds };
}

/**
 * Runs `job` every `intervalMs`, never two at once. `unref` keeps the timer from holding the
 * process open (Node's timer.unref, Deno.unrefTimer); `stop` waits for a run in flight.
 * @param {() => Promise<unknown>} job
 * @param {number} intervalMs
 * @param {(timer: any) => void} [unref]
 */
export function everyInterval(job, intervalMs, unref = () => {}) {
  /** @type {Promise<unknown> | undefined} */
  let running;
  const timer = setInterval(() => {
    running ??= job().catch(() => {}).finally(() => (running = undefined));
  }, intervalMs);
  unref(timer);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
