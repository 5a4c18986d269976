// Writes per user in any sliding minute: a write is allowed while the user made fewer than `limit`
// in the last WINDOW_MS, and a refusal says in how many seconds the oldest of them leaves the
// window (Retry-After). The log is the instants of the user's allowed writes in the window, at most
// `limit` of them. Node and Deno keep the logs in the process (inProcessLimiter); the Worker keeps
// each user's in a Durable Object of its own (cloudflare-worker/src/write-limiter.js).

export const WINDOW_MS = 60_000;

/**
 * @typedef {{ allowed: true } | { allowed: false, retryAfterSeconds: number }} Decision
 * @typedef {{ take(userId: string): Promise<Decision> }} Limiter
 */

/**
 * One write attempt against a user's log, which is changed in place.
 * @param {number[]} log the instants (ms) of the allowed writes, oldest first
 * @param {number} now
 * @param {number} limit
 * @returns {Decision}
 */
export function takeFromLog(log, now, limit, windowMs = WINDOW_MS) {
  while (log.length > 0 && log[0] <= now - windowMs) log.shift();
  if (log.length >= limit) {
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((log[0] + windowMs - now) / 1000)) };
  }
  log.push(now);
  return { allowed: true };
}

/**
 * The limiter of one process. Logs whose writes have all left the window are dropped every
 * SWEEP_EVERY calls, so memory follows the users active in the last minute.
 * @param {{ limit: number, windowMs?: number, now?: () => number }} options
 * @returns {Limiter}
 */
export function inProcessLimiter({ limit, windowMs = WINDOW_MS, now = Date.now }) {
  const SWEEP_EVERY = 1000;
  /** @type {Map<string, number[]>} */
  const logs = new Map();
  let calls = 0;
  return {
    async take(userId) {
      const at = now();
      if (++calls % SWEEP_EVERY === 0) {
        for (const [user, log] of logs) if (log.length === 0 || log[log.length - 1] <= at - windowMs) logs.delete(user);
      }
      let log = logs.get(userId);
      if (log === undefined) logs.set(userId, (log = []));
      return takeFromLog(log, at, limit, windowMs);
    },
  };
}
