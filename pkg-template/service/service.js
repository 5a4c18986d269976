// The app of a checked configuration over a store: what each entry (Node, Deno, the Worker) calls
// once its store and rate limiter are open.
import { createApp } from "./app.js";
import { createAuthenticator } from "./authenticate.js";
import { idempotentRoutes } from "./idempotent-routes.js";
import { connectionRoutes } from "./routes.js";
import { createSealer } from "./seal.js";
import { createSyncKey } from "./sync-key.js";
import { syncRoutes } from "./sync-routes.js";

/**
 * @param {{
 *   config: import("./config.js").ServiceConfig,
 *   store: import("connect-provider/stores/sqlite").IdempotentConnectionStore,
 *   limiter: import("./rate-limit.js").Limiter,
 *   log: import("./request-log.js").Log,
 * }} parts
 */
export async function createService({ config, store, limiter, log }) {
  // Otherwise the handlers save, then publish apart (workflow.rs), and a command's change would land
  // without its Idempotency-Key answer or its sync client's advance: a retry would run it again.
  if (store?.repository?.eventBus !== store?.eventBus || typeof store?.repository?.commit !== "function") {
    throw new TypeError("createService: store.repository.eventBus must be store.eventBus, and store.repository must have commit: a command's change, its events, its Idempotency-Key answer and its sync advance are written as one");
  }
  // A push reads the client's number with its kept refusals and advances it (docs/stores.md).
  const missing = ["lastMutation", "state", "advance"].filter((method) => typeof store.sync?.[method] !== "function");
  if (missing.length > 0) throw new TypeError(`createService: store.sync must have ${missing.join(", ")}: the sync routes keep each client's last mutation and refusals in the store`);
  const sealer = await createSealer(config.credentials);
  // Called on the log, so a class's method keeps its `this`.
  const logError = (/** @type {Record<string, unknown>} */ fields) => log.error(fields);
  const syncKey = createSyncKey([config.credentials.key, ...config.credentials.oldKeys]);
  return createApp({
    allowedOrigins: config.allowedOrigins,
    authenticate: await createAuthenticator(config.auth),
    limiter,
    routes: {
      // The two POSTs and DELETE take an Idempotency-Key, kept in the store's own database.
      ...(await idempotentRoutes((routeStore) => connectionRoutes({ store: routeStore, sealer, logError }), {
        store,
        credentialKeys: [config.credentials.key, ...config.credentials.oldKeys],
        retentionMs: config.idempotencyRetentionMs,
        logError,
      })),
      // An offline client's push and pull; its mutation numbers make a push safe to send again.
      ...syncRoutes({ store, sealer, syncKey, logError, limiter }),
    },
    log,
  });
}
