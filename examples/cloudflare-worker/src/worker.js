// A Worker over D1 for a user's provider connections, each route one wasm handler:
//   POST   /connections                    connect                    -> 201 { id } | 422 { error }
//   GET    /connections?userId=            the user's rows, never the secret
//   GET    /providers?userId=[&active_only=true]                      -> 200 { connections, totalCount, activeCount }
//   GET    /providers/:id?userId=          one connection's view      -> 200
//   DELETE /providers/:id?userId=          disconnect                 -> 204
//   POST   /providers/:id/token-refreshes  { userId, credentials }    -> 201 { connectionId }
// Refusals: not found 404, not owned or not active 403, invalid 400, a database error 500.
// The cron trigger (wrangler.toml) runs the expiring-credentials job.
import { connect, listConnectionRows } from "./connections.js";
import { runExpiringJob } from "./expiring-job.js";
import { HttpError, json } from "./http.js";
import { disconnect, getProvider, listProviders, refreshTokens } from "./providers.js";

/** @typedef {{ DB: D1Database }} Env */
/**
 * A request as the routes get it; `id` is the path's connection id (on the routes without one, undefined).
 * @typedef {{ request: Request, env: Env, url: URL, id: string }} RouteContext
 */

// The id is passed on as the path has it: a connection id is a UUID, which needs no decoding, and
// anything else is refused by the handler as an invalid command.
/** @type {[RegExp, Record<string, (context: RouteContext) => Promise<Response> | Response>][]} */
const ROUTES = [
  [/^\/connections$/, { POST: connect, GET: listConnectionRows }],
  [/^\/providers$/, { GET: listProviders }],
  [/^\/providers\/([^/]+)$/, { GET: getProvider, DELETE: disconnect }],
  [/^\/providers\/([^/]+)\/token-refreshes$/, { POST: refreshTokens }],
];

export default {
  /** @param {Request} request @param {Env} env */
  async fetch(request, env) {
    const url = new URL(request.url);
    for (const [pattern, methods] of ROUTES) {
      const match = pattern.exec(url.pathname);
      if (!match) continue;
      const route = methods[request.method];
      if (!route) return json({ error: "Method not allowed" }, 405, { allow: Object.keys(methods).join(", ") });
      try {
        return await route({ request, env, url, id: match[1] });
      } catch (error) {
        if (error instanceof HttpError) return json({ error: error.message }, error.status);
        throw error;
      }
    }
    return json({ error: "Not found" }, 404);
  },

  /** @param {ScheduledController} controller @param {Env} env */
  async scheduled(controller, env) {
    await runExpiringJob(controller, env);
  },
};
