// The connect-provider service as a Cloudflare Worker over D1: the routes of
// connect-provider/service behind a Bearer JWT, credentials sealed before they are stored, writes
// rate-limited per user by a Durable Object. Configured by vars and secrets (README). A Worker
// whose configuration would run open, or with a weak secret or key, answers 500 to every request
// and its fetch handler never touches D1. The cron trigger (wrangler.toml) lists the connections
// about to expire, purges the Idempotency-Keys past their retention and the consumer's records of
// events past the queue's retention, and relays what the writes left in the outbox.
// With the EVENTS queue bound, each write's events go to it (event-queue.js), and the queue handler
// consumes them.
import { d1Store } from "connect-provider/stores/d1";
import {
  ConfigError,
  admittedWrite,
  createService,
  internalError,
  jsonLog,
  readConfig,
  readIdempotencyRetentionMs,
  runExpiringJob,
  runKeyExpiry,
} from "connect-provider/service";
import { consumeEvents, logRelayLag, purgeConsumed, relayEvents } from "./event-queue.js";
import { durableObjectLimiter } from "./write-limiter.js";

export { WriteRateLimiter } from "./write-limiter.js";

/**
 * @typedef {{ DB: import("connect-provider/stores/d1").D1Database, WRITE_LIMITER: DurableObjectNamespace, EVENTS?: Queue } & Record<string, unknown>} Env
 */

const log = jsonLog();
/** One app per isolate and env (bindings do not change within an isolate); a refused configuration is kept too. */
const apps = new WeakMap();

/** @param {Env} env @returns {Promise<(request: Request) => Promise<Response>>} */
function appOf(env) {
  let app = apps.get(env);
  if (app === undefined) {
    app = (async () => {
      const config = readConfig(env);
      const missing = ["DB", "WRITE_LIMITER"].filter((name) => !env[name]);
      if (missing.length > 0) throw new ConfigError(missing.map((name) => `the ${name} binding is missing (wrangler.toml)`));
      return createService({ config, store: d1Store(env.DB), limiter: durableObjectLimiter(env.WRITE_LIMITER, config.writesPerMinute), log });
    })();
    app.catch((error) => log.error({ msg: "configuration refused: every request answers 500", error: error instanceof ConfigError ? error.problems : String(error) }));
    apps.set(env, app);
  }
  return app;
}

export default {
  /** @param {Request} request @param {Env} env @param {ExecutionContext} ctx */
  async fetch(request, env, ctx) {
    let app;
    try {
      app = await appOf(env);
    } catch {
      return internalError(crypto.randomUUID());
    }
    const response = await app(request);
    // A write's events leave the outbox for the queue after the answer, not before it. A request
    // refused before its route ran (a bad origin, path or method, no valid token, over the rate
    // limit) logged nothing, so it costs D1 nothing either: an outsider's flood of POSTs is not a
    // flood of lease writes.
    if (admittedWrite(response)) ctx.waitUntil(relayEvents(env, log));
    return response;
  },

  /** The EVENTS queue's consumer. @param {MessageBatch} batch @param {Env} env */
  async queue(batch, env) {
    await consumeEvents(batch, env, log);
  },

  /**
   * Each step on its own: one that fails (D1 failing for a moment, a table missing) does not keep
   * the others from running. The relay goes first: it is the only way out of the outbox for what a
   * write's relay left behind when no write comes after it, and it must not find the run's time spent.
   * @param {ScheduledController} controller @param {Env} env
   */
  async scheduled(controller, env) {
    const store = d1Store(env.DB);
    /** @type {string[]} */
    const failed = [];
    /** @param {string} name @param {() => Promise<unknown>} step */
    const run = async (name, step) => {
      try {
        if ((await step()) === false) failed.push(name);
      } catch (error) {
        failed.push(name);
        log.error({ msg: `cron: ${name} failed`, error: error instanceof Error ? error.message : String(error) });
      }
    };
    // First, within the run's time: what a write's relay left behind (the queue was down, or the
    // isolate went away first).
    await run("event relay", () => relayEvents(env, log));
    await run("expiring job", async () => (await runExpiringJob(store.repository, log)).ok);
    await run("idempotency key expiry", () => runKeyExpiry(store.idempotency, readIdempotencyRetentionMs(env), log));
    await run("consumed events purge", () => purgeConsumed(env, log));
    await run("event relay lag", () => logRelayLag(env, log));
    // So the cron's history shows the run as failed.
    if (failed.length > 0) throw new Error(`cron: ${failed.join(", ")} failed`);
  },
};
