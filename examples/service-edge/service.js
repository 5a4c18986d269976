// The app of a checked configuration over a store: what each entry (Node, Deno, the Worker) calls
// once its store and rate limiter are open.
import { createApp } from "./app.js";
import { createAuthenticator } from "./authenticate.js";
import { connectionRoutes } from "./routes.js";
import { createSealer } from "./seal.js";

/**
 * @param {{
 *   config: import("./config.js").ServiceConfig,
 *   store: import("connect-provider/stores/sqlite").ConnectionStore,
 *   limiter: import("./rate-limit.js").Limiter,
 *   log: import("./request-log.js").Log,
 * }} parts
 */
export async function createService({ config, store, limiter, log }) {
  const sealer = await createSealer(config.credentials);
  return createApp({
    allowedOrigins: config.allowedOrigins,
    authenticate: await createAuthenticator(config.auth),
    limiter,
    routes: connectionRoutes({ store, sealer, logError: log.error }),
    log,
  });
}
