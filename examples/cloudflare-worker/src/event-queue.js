// The Worker's events to Cloudflare Queues, and back. A D1 write and a queue send can never be one
// atomic step, so the events go through the store's outbox (written in the same D1 batch as the
// change): connect-provider/relay drains it to the EVENTS producer after each write and at each
// cron run, one isolate at a time (the outbox's lease). The queue handler is the consumer: it
// deduplicates by eventId in D1 (delivery is at least once) and acts on each event once.
import { createRelay } from "connect-provider/relay";
import { d1Store } from "connect-provider/stores/d1";

/** @typedef {import("./worker.js").Env} Env */
/** @typedef {import("connect-provider/service").Log} Log */

/**
 * A relay for this request's (or this cron run's) drain. Not one per isolate: a relay shares a drain
 * in progress with every caller, and a drain begun in one request's waitUntil, cut off when the
 * runtime ends that request's extra time, would never settle for the others. Each relay holds the
 * outbox's lease only while it drains, so relays of other requests and isolates take turns.
 * @param {Env} env @param {Log} log
 */
export function relayOf(env, log) {
  const queue = /** @type {{ sendBatch(messages: { body: unknown, contentType: string }[]): Promise<unknown> }} */ (env.EVENTS);
  return createRelay(d1Store(env.DB).outbox, (events) => queue.sendBatch(events.map((body) => ({ body, contentType: "json" }))), {
    // Well inside the 30 s the platform gives a waitUntil: under steady writes a drain would otherwise
    // go on delivering the others' events until it was cut off holding the lease (and the D1 calls
    // of one invocation are counted). What is left goes with the next write's drain or the cron's.
    drainForMs: 20_000,
    onFailure: (failure) => log.error({ msg: failure.setAside ? "event set aside" : "event delivery failed", ...failure }),
  });
}

/**
 * Drains the outbox to the queue (when the EVENTS binding is there). Never rejects: a failure is
 * logged, and answered `false` (the cron's run fails on it). @param {Env} env @param {Log} log
 * @returns {Promise<boolean>}
 */
export async function relayEvents(env, log) {
  if (!env.EVENTS) return true;
  const relay = relayOf(env, log);
  try {
    const result = await relay.drain();
    if (result.delivered > 0) log.info({ msg: "events delivered", count: result.delivered });
    return true;
  } catch (error) {
    log.error({ msg: "event relay failed", error: error instanceof Error ? error.message : String(error) });
    return false;
  }
}

/** The relay's lag, as a log line (the cron's). @param {Env} env @param {Log} log */
export async function logRelayLag(env, log) {
  if (env.EVENTS) log.info({ msg: "event relay lag", ...(await relayOf(env, log).lag()) });
}

/**
 * The queue consumer: each event acted on at least once, and a copy whose eventId is recorded as
 * consumed is acknowledged without acting again. Two copies handled at the same moment, or a Worker
 * that dies between acting and recording, act twice: an act must allow it. The act here is a log
 * line; yours goes where it says. A message whose body is not an event is acknowledged and logged.
 * @param {{ messages: readonly { id: string, body: unknown, attempts?: number, ack(): void, retry(options?: { delaySeconds?: number }): void }[] }} batch
 * @param {Env} env @param {Log} log
 */
export async function consumeEvents(batch, env, log) {
  for (const message of batch.messages) {
    const event = /** @type {Record<string, unknown>} */ (message.body ?? {});
    if (typeof event.eventId !== "string" || typeof event.eventType !== "string") {
      log.error({ msg: "queue message is not an event", messageId: message.id });
      message.ack();
      continue;
    }
    try {
      const seen = await env.DB.prepare("SELECT 1 FROM consumed_events WHERE event_id = ?1").bind(event.eventId).first();
      if (seen !== null) {
        log.info({ msg: "event already consumed", eventId: event.eventId });
        message.ack();
        continue;
      }
      // Act first, then record: an act that fails is retried (the message comes again); a crash
      // between the two acts again, at least once, as every consumer of a queue must allow.
      log.info({ msg: "event consumed", eventType: event.eventType, eventId: event.eventId, connectionId: event.connectionId ?? null });
      await env.DB.prepare("INSERT INTO consumed_events (event_id, event_type, consumed_at) VALUES (?1, ?2, ?3) ON CONFLICT (event_id) DO NOTHING")
        .bind(event.eventId, event.eventType, new Date().toISOString())
        .run();
      message.ack();
    } catch (error) {
      // Later each time (2, 4, 8 … 256 s, then every 5 minutes), so that wrangler.toml's 100 retries
      // outlast D1 down for about 8 hours; past them the queue moves it to the dead-letter queue,
      // where it waits for an operator.
      const delaySeconds = Math.min(300, 2 ** Math.max(1, message.attempts ?? 1));
      log.error({ msg: "event not consumed, retried", eventId: event.eventId, attempt: message.attempts ?? 1, delaySeconds, error: error instanceof Error ? error.message : String(error) });
      message.retry({ delaySeconds });
    }
  }
}

/** How long the consumer remembers an event it acted on: past the queue's longest retention (14 days), no copy can come again. */
export const CONSUMED_KEPT_MS = 15 * 24 * 3_600_000;
/** Rows deleted per statement, and statements per run: a backlog is worked off over several cron runs. */
const PURGE_BATCH = 1_000;
const PURGE_BATCHES = 20;

/**
 * Deletes the consumer's records of events consumed more than CONSUMED_KEPT_MS ago, so that
 * `consumed_events` does not grow for ever; answers how many went. @param {Env} env @param {Log} log
 */
export async function purgeConsumed(env, log, now = Date.now()) {
  const before = new Date(now - CONSUMED_KEPT_MS).toISOString();
  let purged = 0;
  for (let batch = 0; batch < PURGE_BATCHES; batch += 1) {
    const { meta } = await env.DB.prepare(
      "DELETE FROM consumed_events WHERE event_id IN (SELECT event_id FROM consumed_events WHERE consumed_at < ?1 LIMIT ?2)",
    )
      .bind(before, PURGE_BATCH)
      .run();
    purged += meta.changes;
    if (meta.changes < PURGE_BATCH) break;
  }
  if (purged > 0) log.info({ msg: "consumed events purged", count: purged });
  return purged;
}
