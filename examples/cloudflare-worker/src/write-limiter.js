// The Worker's rate limit: one Durable Object per user holds the instants of that user's writes in
// the last minute (connect-provider/service decides), so the limit is exact and the same in
// every location, honours RATE_LIMIT_WRITES_PER_MINUTE and can say when to retry. (The Workers
// rate-limiting binding also runs locally, but counts per location, approximately, with its limit
// fixed in wrangler.toml and no retry time.) The log is kept in the object's storage, and an alarm
// deletes it once the window has passed, so idle users leave nothing behind.
import { DurableObject } from "cloudflare:workers";
import { takeFromLog, WINDOW_MS } from "connect-provider/service";

export class WriteRateLimiter extends DurableObject {
  /**
   * One write attempt of this object's user (RPC).
   * @param {number} limit writes allowed in any window
   * @returns {Promise<import("connect-provider/service").Decision>}
   */
  async take(limit) {
    const now = Date.now();
    /** @type {number[]} */
    const log = (await this.ctx.storage.get("log")) ?? [];
    const decision = takeFromLog(log, now, limit, WINDOW_MS);
    if (decision.allowed) {
      await this.ctx.storage.put("log", log);
      await this.ctx.storage.setAlarm(now + WINDOW_MS);
    }
    return decision;
  }

  async alarm() {
    /** @type {number[]} */
    const log = (await this.ctx.storage.get("log")) ?? [];
    const newest = log.at(-1);
    if (newest === undefined || newest <= Date.now() - WINDOW_MS) await this.ctx.storage.deleteAll();
    else await this.ctx.storage.setAlarm(newest + WINDOW_MS);
  }
}

/**
 * The limiter the app takes, over the WRITE_LIMITER binding: the user's own object decides.
 * @param {DurableObjectNamespace} namespace
 * @param {number} limit
 * @returns {import("connect-provider/service").Limiter}
 */
export function durableObjectLimiter(namespace, limit) {
  return {
    take: (userId) => /** @type {any} */ (namespace.get(namespace.idFromName(userId))).take(limit),
  };
}
