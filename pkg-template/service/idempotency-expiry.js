// How long the services keep an Idempotency-Key and its answer, and how old ones go: a small batch
// after each new key is claimed (so the table cannot outgrow the traffic that fills it), and larger
// batches by the periodic job (Node's and Deno's timer, the Worker's cron). Kept at least the
// retention: a key claimed at T is replayed until T + retention, and removed some time after.

export const DEFAULT_RETENTION_HOURS = 24;
/** What a new key's request removes, oldest first, after it has answered. */
export const PURGE_ON_CLAIM = 20;
/** What one run of the periodic job removes at most: batches of this size, up to JOB_BATCHES of them. */
const JOB_BATCH = 500;
const JOB_BATCHES = 20;

/**
 * Removes up to `limit` keys claimed before `now - retentionMs`; how many it removed. A failure is
 * logged, never thrown: the next claim or job run tries again.
 * @param {import("connect-provider/stores/sqlite").IdempotencyStore} keys
 * @param {{ retentionMs: number, limit: number, now?: number }} options
 * @param {(fields: Record<string, unknown>) => void} logError
 */
export async function purgeExpired(keys, { retentionMs, limit, now = Date.now() }, logError) {
  try {
    return await keys.purge(now - retentionMs, limit);
  } catch (error) {
    logError({ msg: "idempotency keys not purged", error: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error) });
    return 0;
  }
}

/**
 * The periodic job's part: batches until one comes back short (or JOB_BATCHES of them), then one
 * log line with the count.
 * @param {import("connect-provider/stores/sqlite").IdempotencyStore} keys
 * @param {number} retentionMs
 * @param {import("./request-log.js").Log} log
 */
export async function runKeyExpiry(keys, retentionMs, log) {
  const now = Date.now();
  let purged = 0;
  for (let batch = 0; batch < JOB_BATCHES; batch += 1) {
    const removed = await purgeExpired(keys, { retentionMs, limit: JOB_BATCH, now }, (fields) => log.error(fields));
    purged += removed;
    if (removed < JOB_BATCH) break;
  }
  log.info({ msg: "idempotency keys purged", retentionHours: retentionMs / 3_600_000, count: purged });
  return purged;
}
