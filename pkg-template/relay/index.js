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

/**
 * Calls a caller's hook: its throw, or its promise's rejection, is its own and must not end the
 * relay (nor, unhandled, the host process).
 * @param {Function} hook @param {...unknown} args
 */
function callHook(hook, ...args) {
  try {
    Promise.resolve(hook(...args)).catch(() => {});
  } catch {
    // The hook threw; the relay goes on.
  }
}

/** A delivery error in words, whatever was thrown (a value with no string form too). @param {unknown} error */
function messageOf(error) {
  try {
    return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);
  } catch {
    return "a rejection with no string form";
  }
}

/** What the relay calls on a store's outbox. */
/** The most `outbox.pending` reads at once. */
const PENDING_MAX = 1000;
const OUTBOX_METHODS = ["lease", "release", "pending", "delivered", "failed", "lag"];

/** @param {string} name @param {unknown} value @param {number} min @param {number} max */
function whole(name, value, min, max) {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`createRelay: ${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/**
 * @param {EventOutbox} outbox a store's `outbox`
 * @param {(events: ProviderEvent[], context: { signal: AbortSignal }) => unknown} deliver resolves
 *   once every event is taken by the message system; rejects (or passes `deliverTimeoutMs`, when its
 *   `signal` aborts and it should send nothing more) when not all are
 * @param {Partial<typeof RELAY_DEFAULTS> & {
 *   drainForMs?: number,
 *   holder?: string,
 *   now?: () => number,
 *   onFailure?: (failure: DeliveryFailure) => void | Promise<unknown>,
 * }} [options]
 */
export function createRelay(outbox, deliver, options = {}) {
  if (!outbox || typeof outbox !== "object") throw new TypeError(`createRelay: outbox must be a store's outbox (${OUTBOX_METHODS.join(", ")})`);
  for (const method of OUTBOX_METHODS) {
    if (typeof outbox[method] !== "function") throw new TypeError(`createRelay: outbox.${method} must be a function (a store's outbox has it)`);
  }
  if (typeof deliver !== "function") throw new TypeError("createRelay: deliver must be a function of the events");
  // An option given as undefined is one not given: its default stands.
  const given = Object.fromEntries(Object.entries(options ?? {}).filter(([, value]) => value !== undefined));
  const settings = { ...RELAY_DEFAULTS, ...given };
  const batchSize = whole("batchSize", settings.batchSize, 1, PENDING_MAX);
  const leaseMs = whole("leaseMs", settings.leaseMs, 1000, 600_000);
  // A delivery, then the failure it may record, must end well within the lease renewed before it
  // (so by default a short lease shortens it).
  const longestDelivery = Math.floor(leaseMs / 3);
  const deliverTimeoutMs = whole("deliverTimeoutMs", given.deliverTimeoutMs ?? Math.min(settings.deliverTimeoutMs, longestDelivery), 1, longestDelivery);
  const maxAttempts = whole("maxAttempts", settings.maxAttempts, 1, 1000);
  const initialBackoffMs = whole("initialBackoffMs", settings.initialBackoffMs, 1, 3_600_000);
  const maxBackoffMs = whole("maxBackoffMs", settings.maxBackoffMs, initialBackoffMs, 3_600_000);
  const intervalMs = whole("intervalMs", settings.intervalMs, 1, 3_600_000);
  // A drain's time (a Worker's waitUntil is cut off after 30 s): none by default.
  const drainForMs = given.drainForMs === undefined ? Infinity : whole("drainForMs", given.drainForMs, 1, 3_600_000);
  const holder = settings.holder ?? crypto.randomUUID();
  if (typeof holder !== "string" || holder.length === 0 || holder.length > 100 || holder.includes("\u0000")) {
    throw new TypeError("createRelay: holder must be a string of 1 to 100 characters");
  }
  const now = settings.now ?? Date.now;
  if (typeof now !== "function") throw new TypeError("createRelay: now must be a function answering milliseconds since the epoch");
  const onFailure = settings.onFailure ?? (() => {});
  if (typeof onFailure !== "function") throw new TypeError("createRelay: onFailure must be a function of the failure");

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

  /**
   * One send of these entries: whether `deliver` took them (within deliverTimeoutMs), and its error if
   * not. The store's own errors are not this; they end the drain.
   * @param {OutboxEntry[]} entries
   * @returns {Promise<{ taken: true } | { taken: false, error: unknown }>}
   */
  async function send(entries) {
    try {
      await handOver(entries);
      return { taken: true };
    } catch (error) {
      return { taken: false, error };
    }
  }

  /** Takes delivered entries out; whether the lease still held. @param {OutboxEntry[]} entries */
  async function takeOut(entries) {
    const ids = entries.map((entry) => entry.event.eventId);
    return (await outbox.delivered(holder, ids, now())) === ids.length;
  }

  /**
   * Records a failed send of `entry` (its attempts counted, its retry time) and tells the hook;
   * whether the lease still held.
   * @param {OutboxEntry} entry @param {unknown} error @param {number} retryAt @param {boolean} setAside
   */
  async function recordFailure(entry, error, retryAt, setAside) {
    const held = (await renew()) && (await outbox.failed(holder, entry.event.eventId, { error: messageOf(error), nextAttemptAt: retryAt, setAside }, now()));
    if (held) callHook(onFailure, { eventId: entry.event.eventId, attempts: entry.attempts + 1, error: messageOf(error), retryAt: new Date(retryAt).toISOString(), setAside });
    return held;
  }

  /**
   * Counts a failure of `entry` and says when to try again. An entry that has failed maxAttempts
   * times is set aside only if the message system takes an event behind it: then the fault is this
   * event's, not a system that is down (which keeps every event waiting, with backoff). The probe
   * is the first event behind it that has not failed maxAttempts times itself, and a probe refused
   * counts against the probed event: so a run of events the system refuses is worked through, one
   * more of them set aside each round once they have all failed that often, where probing only the
   * next one would hold the line for good. The probe is looked for past the batch too, as far as
   * `pending` reads (1,000 events).
   * @param {OutboxEntry} entry @param {unknown} error @param {OutboxEntry[]} entries what `pending` read, `entry` among them
   * @returns {Promise<{ setAside: boolean, held: boolean, passed: number, failed: number, retryAt: number }>}
   */
  async function failed(entry, error, entries) {
    /** A lease lost: the drain ends there, and `retryAt` is not read. */
    const lost = { setAside: false, held: false, passed: 0, failed: 0, retryAt: 0 };
    const attempts = entry.attempts + 1;
    /** @type {OutboxEntry | undefined} */
    let probe;
    /** @type {{ taken: true } | { taken: false, error: unknown } | null} */
    let probed = null;
    // Not while stopping: a probe is one more send, which stop() promised not to start.
    if (attempts >= maxAttempts && !halting) {
      probe = probeBehind(entry, entries);
      // Those read may end before any event that could show the system works (a batch of one, or
      // a run of refused events as long as a batch): look as far as `pending` reads.
      if (probe === undefined && entries.length === batchSize && batchSize < PENDING_MAX) probe = probeBehind(entry, await outbox.pending(PENDING_MAX));
      if (probe !== undefined) {
        if (!(await renew())) return lost;
        probed = await send([probe]);
      }
    }
    const setAside = probed?.taken === true;
    const retryAt = now() + Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.min(attempts - 1, 30));
    // The failure first (its write checks the lease), then what the probe did: a lease lost in
    // between leaves this event at the head with the probe's event delivered ahead of it (and
    // delivered again after it, once taken out later).
    if (!(await recordFailure(entry, error, retryAt, setAside))) return lost;
    if (probe === undefined || probed === null) return { setAside, held: true, passed: 0, failed: 1, retryAt };
    if (!probed.taken) {
      const held = await recordFailure(probe, probed.error, retryAt, false);
      return { setAside: false, held, passed: 0, failed: 2, retryAt };
    }
    if (!(await takeOut([probe]))) return { setAside: true, held: false, passed: 0, failed: 1, retryAt };
    return { setAside: true, held: true, passed: 1, failed: 1, retryAt };
  }

  /**
   * The first event behind `entry` in `entries` that has not failed maxAttempts times itself.
   * @param {OutboxEntry} entry @param {OutboxEntry[]} entries
   */
  function probeBehind(entry, entries) {
    const at = entries.findIndex((behind) => behind.event.eventId === entry.event.eventId);
    return entries.slice(at + 1).find((behind) => behind.attempts < maxAttempts);
  }

  /** Set by a loop's stop(): the drain in progress ends after its current send. */
  let halting = false;

  /**
   * Delivers what is waiting, in commit order, until the outbox is empty, its first event must wait
   * for a retry, a delivery fails, the lease is lost, or a loop is stopping. The store's errors
   * reject it (no event is counted as failed for them).
   * @returns {Promise<DrainResult>}
   */
  async function drainOnce(until = performance.now() + drainForMs) {
    /** @type {DrainResult} */
    const result = { delivered: 0, failed: 0, setAside: 0, leased: false, retryAt: null };
    if (!(await outbox.lease(holder, now(), leaseMs))) return result;
    result.leased = true;
    const lost = () => ({ ...result, leased: false });
    // Past its drainForMs a drain takes no further batch (it takes one at least, so a slow lease
    // cannot keep every drain from moving); what waits goes with the next drain.
    for (let batches = 0; !halting && (batches === 0 || performance.now() < until); batches += 1) {
      const entries = await outbox.pending(batchSize);
      if (entries.length === 0) return result;
      const [head] = entries;
      if (waits(head)) {
        result.retryAt = head.nextAttemptAt;
        return result;
      }
      // An event that failed before goes alone; the rest go together, up to the next that failed.
      const end = entries.findIndex((entry, i) => i > 0 && entry.attempts > 0);
      const batch = head.attempts > 0 ? [head] : entries.slice(0, end === -1 ? entries.length : end);
      // Each send starts on a lease renewed just before it, so a slow one cannot outlive it.
      if (!(await renew())) return lost();
      const sent = await send(batch);
      /** @type {{ entry: OutboxEntry, error: unknown } | null} */
      let culprit = null;
      if (sent.taken) {
        if (!(await takeOut(batch))) return lost();
        result.delivered += batch.length;
      } else if (batch.length === 1) {
        culprit = { entry: head, error: sent.error };
      } else {
        // Which one? Each alone, in order, up to the first that fails (or a stop: each send can
        // take up to a third of the lease, and a batch holds up to batchSize of them).
        for (const entry of batch) {
          if (halting || performance.now() >= until) return result;
          if (!(await renew())) return lost();
          const alone = await send([entry]);
          if (!alone.taken) {
            culprit = { entry, error: alone.error };
            break;
          }
          if (!(await takeOut([entry]))) return lost();
          result.delivered += 1;
        }
      }
      if (culprit !== null) {
        const outcome = await failed(culprit.entry, culprit.error, entries);
        result.failed += outcome.failed;
        result.delivered += outcome.passed;
        if (outcome.setAside) result.setAside += 1;
        if (!outcome.held) return lost();
        if (!outcome.setAside) {
          // The event that failed heads the line now, until its retry time.
          result.retryAt = new Date(outcome.retryAt).toISOString();
          return result;
        }
      }
    }
    return result;
  }

  /** Whether an entry's retry time is still to come. @param {OutboxEntry} entry */
  const waits = (entry) => entry.nextAttemptAt !== null && Date.parse(entry.nextAttemptAt) > now();

  /**
   * A drain called on its own (no loop running) gives the lease up when it ends, so another
   * process's drain is not refused for the lease's 15 s. A drain refused while this one held the
   * lease had its events committed before it asked, so one look after the release finds them.
   * @returns {Promise<DrainResult>}
   */
  async function drainThenRelease() {
    /** @type {DrainResult} */
    const total = { delivered: 0, failed: 0, setAside: 0, leased: false, retryAt: null };
    const until = performance.now() + drainForMs;
    for (let first = true; ; first = false) {
      /** @type {DrainResult} */
      let result;
      try {
        result = await drainOnce(until);
      } catch (error) {
        // The store failed: the lease goes too (if the store can still take that), not after 15 s.
        await outbox.release(holder).catch(() => false);
        throw error;
      }
      total.delivered += result.delivered;
      total.failed += result.failed;
      total.setAside += result.setAside;
      total.retryAt = result.retryAt;
      if (first) total.leased = result.leased;
      if (!result.leased) return total;
      await outbox.release(holder).catch(() => false);
      if (halting || result.retryAt !== null || performance.now() >= until) return total;
      const [head] = await outbox.pending(1);
      if (head === undefined) return total;
      if (waits(head)) {
        total.retryAt = head.nextAttemptAt;
        return total;
      }
    }
  }

  /** Whether a loop (start()) drains: it keeps the lease between its drains. */
  let looping = false;
  /** @type {Promise<DrainResult> | null} */
  let running = null;
  /** Calls made while a drain runs share it. */
  const drain = () => (running ??= (looping ? drainOnce() : drainThenRelease()).finally(() => (running = null)));

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
     * event's retry time; after a drain that failed (the store's error), later and later, up to
     * maxBackoffMs. `onDrain` sees each drain's result or error. `stop()` ends the loop after the
     * send in progress and gives the lease up.
     * @param {{ onDrain?: (result: DrainResult | null, error?: unknown) => void | Promise<unknown> }} [hooks]
     */
    start({ onDrain = () => {} } = {}) {
      if (typeof onDrain !== "function") throw new TypeError("relay.start: onDrain must be a function of each drain's result");
      if (looping) throw new Error("createRelay: this relay's loop is running already; stop() it first");
      looping = true;
      halting = false;
      let stopped = false;
      /** A nudge while a drain runs: drain again at once rather than sleep. */
      let nudged = false;
      /** @type {(() => void) | null} */
      let wake = null;
      /** Drains that failed in a row (the store's errors): the wait doubles with each, up to maxBackoffMs. */
      let errors = 0;
      /** @type {Promise<void> | null} */
      let stopping = null;
      const loop = (async () => {
        while (!stopped) {
          let wait = intervalMs;
          nudged = false;
          try {
            const result = await drain();
            errors = 0;
            callHook(onDrain, result);
            if (result.retryAt !== null) wait = Math.max(1, Math.min(intervalMs, Date.parse(result.retryAt) - now()));
          } catch (error) {
            errors += 1;
            wait = Math.min(Math.max(maxBackoffMs, intervalMs), intervalMs * 2 ** Math.min(errors - 1, 30));
            callHook(onDrain, null, error);
          }
          if (stopped) break;
          // After the store failed, the wait is kept whatever nudges come (a service nudges on
          // every write request, a refused one too): only stop() cuts it short.
          if (nudged && errors === 0) continue;
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
          if (errors === 0) wake?.();
        },
        stop() {
          stopping ??= (async () => {
            stopped = true;
            halting = true;
            wake?.();
            await loop;
            // A drain() that shared the loop's last drain may still be finishing.
            await running?.catch(() => null);
            looping = false;
            halting = false;
            await outbox.release(holder).catch(() => false);
          })();
          return stopping;
        },
      };
    },
  };
}
