// connect-provider/relay: takes the events out of a store's outbox and hands them, in commit order,
// to any async `deliver(events)` (NATS, a queue, Kafka, a webhook). Delivery is at least once: an
// event leaves the outbox only after `deliver` resolved for it, so a relay that dies in between
// delivers it again, and a consumer deduplicates by `eventId`. One relay delivers at a time (the
// store's lease); a relay that lost its lease while paused takes nothing out.

export const RELAY_DEFAULTS = Object.freeze({
  batchSize: 100,
  leaseMs: 15_000,
  deliverTimeoutMs: 5_000,
  maxAttempts: 8,
  initialBackoffMs: 500,
  maxBackoffMs: 60_000,
  intervalMs: 500,
});

/**
 * @typedef {import("../stores/index.js").EventOutbox} EventOutbox
 * @typedef {import("../stores/index.js").OutboxEntry} OutboxEntry
 * @typedef {import("../index.js").ProviderEvent} ProviderEvent
 * @typedef {{ delivered: number, failed: number, setAside: number, leased: boolean, retryAt: string | null }} DrainResult
 * @typedef {{ eventId: string, attempts: number, error: string, retryAt: string, setAside: boolean }} DeliveryFailure
 */

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);

/** @param {string} name @param {unknown} value @param {number} min @param {number} max */
function whole(name, value, min, max) {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`createRelay: ${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/**
 * @param {EventOutbox} outbox a store's `outbox`
 * @param {(events: ProviderEvent[], context: { signal: AbortSignal }) => Promise<unknown>} deliver resolves
 *   once every event is taken by the message system; rejects (or passes `deliverTimeoutMs`, when its
 *   `signal` aborts and it should send nothing more) when not all are
 * @param {Partial<typeof RELAY_DEFAULTS> & {
 *   holder?: string,
 *   now?: () => number,
 *   onFailure?: (failure: DeliveryFailure) => void,
 * }} [options]
 */
export function createRelay(outbox, deliver, options = {}) {
  if (!outbox || typeof outbox.lease !== "function" || typeof outbox.pending !== "function") {
    throw new TypeError("createRelay: outbox must be a store's outbox (lease, pending, delivered, failed)");
  }
  if (typeof deliver !== "function") throw new TypeError("createRelay: deliver must be a function of the events");
  const settings = { ...RELAY_DEFAULTS, ...options };
  const batchSize = whole("batchSize", settings.batchSize, 1, 1000);
  const leaseMs = whole("leaseMs", settings.leaseMs, 1000, 600_000);
  // A delivery, then the failure it may record, must end well within the lease renewed before it
  // (so by default a short lease shortens it).
  const longestDelivery = Math.floor(leaseMs / 3);
  const deliverTimeoutMs = whole("deliverTimeoutMs", options.deliverTimeoutMs ?? Math.min(settings.deliverTimeoutMs, longestDelivery), 1, longestDelivery);
  const maxAttempts = whole("maxAttempts", settings.maxAttempts, 1, 1000);
  const initialBackoffMs = whole("initialBackoffMs", settings.initialBackoffMs, 1, 3_600_000);
  const maxBackoffMs = whole("maxBackoffMs", settings.maxBackoffMs, initialBackoffMs, 3_600_000);
  const intervalMs = whole("intervalMs", settings.intervalMs, 1, 3_600_000);
  const holder = settings.holder ?? crypto.randomUUID();
  const now = settings.now ?? Date.now;
  const onFailure = settings.onFailure ?? (() => {});

  /** Renews the lease before a step that needs it; false when another relay holds it now. */
  const renew = () => outbox.lease(holder, now(), leaseMs);

  /**
   * `deliver` of these entries' events, bounded by deliverTimeoutMs: past it, its signal aborts (a
   * deliver that honours it sends nothing more) and the delivery counts as failed.
   * @param {OutboxEntry[]} entries
   */
  async function handOver(entries) {
    const abort = new AbortController();
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`deliver took over ${deliverTimeoutMs} ms`);
        abort.abort(error);
        reject(error);
      }, deliverTimeoutMs);
    });
    try {
      await Promise.race([Promise.resolve().then(() => deliver(entries.map((entry) => entry.event), { signal: abort.signal })), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Takes delivered entries out; whether the lease still held. @param {OutboxEntry[]} entries */
  async function takeOut(entries) {
    const ids = entries.map((entry) => entry.event.eventId);
    return (await outbox.delivered(holder, ids, now())) === ids.length;
  }

  /**
   * Counts a failure of `entry` and says when to try again. An entry that has failed maxAttempts
   * times is set aside only if the message system takes the event behind it: then the fault is
   * this event's, not a system that is down (which keeps every event waiting, with backoff).
   * @param {OutboxEntry} entry @param {unknown} error @param {OutboxEntry | undefined} behind
   * @returns {Promise<{ setAside: boolean, held: boolean, passed: number }>}
   */
  async function failed(entry, error, behind) {
    const attempts = entry.attempts + 1;
    let probed = false;
    if (attempts >= maxAttempts && behind !== undefined) {
      if (!(await renew())) return { setAside: false, held: false, passed: 0 };
      try {
        await handOver([behind]);
        probed = true;
      } catch {
        // The system takes nothing: it is down, not this event. Keep it, and everything behind it.
      }
    }
    const wait = Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.min(attempts - 1, 30));
    const retryAt = now() + wait;
    // The failure first (its write checks the lease), then the event the probe delivered: a lease
    // lost in between only sends that one again.
    const held = (await renew()) && (await outbox.failed(holder, entry.event.eventId, { error: messageOf(error), nextAttemptAt: retryAt, setAside: probed }, now()));
    if (!held) return { setAside: false, held: false, passed: 0 };
    try {
      onFailure({ eventId: entry.event.eventId, attempts, error: messageOf(error), retryAt: new Date(retryAt).toISOString(), setAside: probed });
    } catch {
      // The caller's hook threw; the failure is recorded all the same.
    }
    if (probed && behind !== undefined && !(await takeOut([behind]))) return { setAside: true, held: false, passed: 0 };
    return { setAside: probed, held: true, passed: probed ? 1 : 0 };
  }

  /**
   * Delivers what is waiting, in commit order, until the outbox is empty, its first event must wait
   * for a retry, a delivery fails, or the lease is lost. Safe to call from several places at once:
   * calls made while one runs share it.
   * @returns {Promise<DrainResult>}
   */
  async function drainOnce() {
    /** @type {DrainResult} */
    const result = { delivered: 0, failed: 0, setAside: 0, leased: false, retryAt: null };
    if (!(await outbox.lease(holder, now(), leaseMs))) return result;
    result.leased = true;
    for (;;) {
      const entries = await outbox.pending(batchSize);
      if (entries.length === 0) return result;
      const [head] = entries;
      if (head.nextAttemptAt !== null && Date.parse(head.nextAttemptAt) > now()) {
        result.retryAt = head.nextAttemptAt;
        return result;
      }
      // An event that failed before goes alone; the rest go together, up to the next that failed.
      const end = entries.findIndex((entry, i) => i > 0 && entry.attempts > 0);
      const batch = head.attempts > 0 ? [head] : entries.slice(0, end === -1 ? entries.length : end);
      let stop = false;
      try {
        // Each send starts on a lease renewed just before it, so a slow one cannot outlive it.
        if (!(await renew())) return { ...result, leased: false };
        await handOver(batch);
        if (!(await takeOut(batch))) return { ...result, leased: false };
        result.delivered += batch.length;
      } catch (error) {
        // Which one? Each alone, in order, up to the first that fails.
        const alone = batch.length === 1 ? [] : batch;
        let culprit = batch.length === 1 ? { entry: head, error } : null;
        for (const entry of alone) {
          try {
            if (!(await renew())) return { ...result, leased: false };
            await handOver([entry]);
            if (!(await takeOut([entry]))) return { ...result, leased: false };
            result.delivered += 1;
          } catch (aloneError) {
            culprit = { entry, error: aloneError };
            break;
          }
        }
        if (culprit !== null) {
          const behind = entries[entries.indexOf(culprit.entry) + 1];
          const outcome = await failed(culprit.entry, culprit.error, behind);
          result.failed += 1;
          result.delivered += outcome.passed;
          if (outcome.setAside) result.setAside += 1;
          if (!outcome.held) return { ...result, leased: false };
          stop = !outcome.setAside;
        }
      }
      if (stop) return result;
    }
  }

  /** @type {Promise<DrainResult> | null} */
  let running = null;
  const drain = () => (running ??= drainOnce().finally(() => (running = null)));

  return {
    holder,
    drain,
    /** How far behind delivery is, with the age of the oldest waiting event. */
    async lag() {
      const lag = await outbox.lag();
      return { ...lag, oldestAgeMs: lag.oldestOccurredAt === null ? null : Math.max(0, now() - Date.parse(lag.oldestOccurredAt)) };
    },
    /**
     * Drains every `intervalMs`, sooner after `nudge()` (call it after a write), and at a failed
     * event's retry time; `onDrain` sees each drain's result or error. `stop()` ends the loop and
     * gives the lease up.
     * @param {{ onDrain?: (result: DrainResult | null, error?: unknown) => void }} [hooks]
     */
    start({ onDrain = () => {} } = {}) {
      let stopped = false;
      /** A nudge while a drain runs: drain again at once rather than sleep. */
      let nudged = false;
      /** @type {(() => void) | null} */
      let wake = null;
      /** The hook's own failure must not end the loop (nor, unawaited, the process). */
      const report = (/** @type {DrainResult | null} */ result, /** @type {unknown} */ error) => {
        try {
          if (error === undefined) onDrain(result);
          else onDrain(null, error);
        } catch {
          // The caller's hook threw; the relay goes on.
        }
      };
      const loop = (async () => {
        while (!stopped) {
          let wait = intervalMs;
          nudged = false;
          try {
            const result = await drain();
            report(result);
            if (result.retryAt !== null) wait = Math.max(1, Math.min(intervalMs, Date.parse(result.retryAt) - now()));
          } catch (error) {
            report(null, error);
          }
          if (stopped) break;
          if (nudged) continue;
          await new Promise((resolve) => {
            const timer = setTimeout(resolve, wait);
            wake = () => {
              clearTimeout(timer);
              resolve(undefined);
            };
          });
          wake = null;
        }
      })();
      return {
        nudge() {
          nudged = true;
          wake?.();
        },
        async stop() {
          stopped = true;
          wake?.();
          await loop;
          await outbox.release(holder).catch(() => false);
        },
      };
    },
  };
}
