// The periodic job of every service: the active connections whose credentials expire within
// WITHIN_MINUTES (or already have), soonest first, as one log line. Getting new tokens takes the
// provider's OAuth endpoint, which these examples have not got: a deployment hands each id to what
// does that, which opens the sealed secret (seal.js `open`) and calls RefreshProviderTokensHandler.
// A store with findExpiringPage is read a page at a time, so no number of expiring connections (nor
// one user's many long secrets) passes a find's limits and fails the job for everyone.
import { ListExpiringConnectionsHandler } from "connect-provider";
import { handleOnce } from "./handle-once.js";
import { overriding } from "./overriding.js";

/** Three times the Node and Deno interval (ten minutes), twice the Worker's cron (15 minutes). */
export const WITHIN_MINUTES = 30;

/**
 * Records a page: 200 of them hold at most 12.5 MiB of sealed credentials (64 KiB each), under a
 * find's 16 MiB.
 */
export const EXPIRING_PAGE_SIZE = 200;

/**
 * @param {import("connect-provider/stores/sqlite").StoreRepository} repository the whole store's, not a caller's
 * @param {import("./request-log.js").Log} log
 * @param {{ pageSize?: number, signal?: AbortSignal }} [options] `signal`: a stop, heeded between pages
 * @returns {Promise<{ ok: boolean, connectionIds: string[] }>}
 */
export async function runExpiringJob(repository, log, withinMinutes = WITHIN_MINUTES, { pageSize = EXPIRING_PAGE_SIZE, signal } = {}) {
  // A Set: a record refreshed to a later expiry while the job runs may be met on two pages.
  /** @type {Set<string>} */
  const connectionIds = new Set();
  /** @type {{ expiresAt: string, id: string } | null} */
  let after = null;
  const failed = (/** @type {string} */ error) => {
    log.error({ msg: "expiring job failed", withinMinutes, error, ...(connectionIds.size > 0 ? { listedBefore: connectionIds.size } : {}) });
    return { ok: false, connectionIds: [] };
  };
  /** The first page's bound, kept for the rest: the run lists what expired within the window as it began. */
  /** @type {string | null} */
  let bound = null;
  for (;;) {
    if (signal?.aborted) {
      log.info({ msg: "expiring job stopped", withinMinutes, listedBefore: connectionIds.size });
      return { ok: false, connectionIds: [] };
    }
    /** @type {{ expiresAt: string, id: string } | null} */
    let next = null;
    const findPage = repository.findExpiringPage?.bind(repository);
    // The handler asks for everything up to its bound; it is given the next page after `after`.
    const source = findPage === undefined
      ? repository
      : overriding(repository, "findExpiringBefore", async (/** @type {string} */ before) => {
        bound ??= before;
        const page = await findPage(bound, { after, limit: pageSize });
        next = page.next;
        return page.records;
      });
    const result = await handleOnce(new ListExpiringConnectionsHandler(source, { timeoutMs: 10_000 }), { withinMinutes });
    if (!result.ok) return failed(result.error);
    for (const connection of result.value.connections) connectionIds.add(/** @type {{ id: string }} */ (connection).id);
    if (next === null) break;
    // A page that does not move past the one before (a store answering out of order) ends the run.
    if (after !== null && !isPast(next, after)) return failed("the store's page did not move past the page before");
    after = next;
  }
  log.info({ msg: "expiring connections", withinMinutes, count: connectionIds.size, connectionIds: [...connectionIds] });
  return { ok: true, connectionIds: [...connectionIds] };
}

/**
 * Whether `next` comes after `before` by expiry, then id.
 * @param {{ expiresAt: string, id: string }} next @param {{ expiresAt: string, id: string }} before
 */
function isPast(next, before) {
  const [a, b] = [Date.parse(next.expiresAt), Date.parse(before.expiresAt)];
  return a > b || (a === b && next.id > before.id);
}

/**
 * Runs `job` every `intervalMs`, never two at once. `unref` keeps the timer from holding the
 * process open (Node's timer.unref, Deno.unrefTimer); `stop` aborts the signal each run is given
 * and waits for a run in flight. A run that rejects is handed to `onError` (which may itself throw:
 * nothing goes unhandled), and the next run comes as planned.
 * @param {(signal: AbortSignal) => Promise<unknown>} job
 * @param {number} intervalMs
 * @param {(timer: any) => void} [unref]
 * @param {(error: unknown) => void} [onError]
 */
export function everyInterval(job, intervalMs, unref = () => {}, onError = () => {}) {
  /** @type {Promise<unknown> | undefined} */
  let running;
  const stopping = new AbortController();
  const reported = (/** @type {unknown} */ error) => {
    try {
      onError(error);
    } catch {
      // The hook's own failure: the loop goes on.
    }
  };
  const timer = setInterval(() => {
    running ??= Promise.resolve()
      .then(() => job(stopping.signal))
      .catch(reported)
      .finally(() => (running = undefined));
  }, intervalMs);
  unref(timer);
  return {
    async stop() {
      clearInterval(timer);
      stopping.abort();
      await running;
    },
  };
}
