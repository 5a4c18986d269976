// The service as one fetch-style function, `(request) => Promise<Response>`, shared by the Node,
// Deno and Worker entries. Every request goes through the same gates, in this order:
//   1. an Origin that ALLOWED_ORIGINS does not list        403 (an allowed origin's preflight: 204)
//   2. an unknown path, or a method the route lacks         404; 405 with Allow (TRACE, OPTIONS included)
//   3. GET /openapi.json, the API's description              200, without a token
//   4. no Bearer token                                      401, WWW-Authenticate: Bearer
//      a Bearer token that is not a valid JWT of ours       401, WWW-Authenticate: Bearer error="invalid_token"
//   5. a write over the caller's rate limit                 429, Retry-After
//   6. the route: body checks (415, 413, 400), then one handler, its error mapped by error-status.js
// The route comes before the token, as in the original (FastAPI routes first): the routes are
// public (openapi.json), so a 404 or 405 tells nobody anything, and a client learns that it called
// the wrong method whether or not its token is still good.
// Then what is left of an unread body is dropped (up to a cap, so the connection can be kept), and
// one log line is written. Unexpected failures answer 500 with the request id only.
import { AuthUnavailable } from "./authenticate.js";
import { discardUnread } from "./body.js";
import { corsPolicy } from "./cors.js";
import { messageOf } from "./routes.js";
import { HttpError, refusal, toResponse } from "./responses.js";
import openapi from "./openapi.json" with { type: "json" };

/** The answers to writes that passed every gate up to their route (origin, route, token, rate limit). */
const ADMITTED_WRITES = new WeakSet();

/**
 * Whether `response` (as the service answered it) is to a write that passed the gates: only then
 * may a handler have logged events, so only then is there anything for a relay to send. An
 * outsider's request, refused before its route, costs the relay (and its store) nothing.
 * @param {Response} response
 */
export const admittedWrite = (response) => ADMITTED_WRITES.has(response);

const UNAUTHORIZED = Object.freeze({ status: 401, body: { error: "invalid_token" }, headers: { "www-authenticate": 'Bearer error="invalid_token"' } });
/** A request with no Bearer credentials (no Authorization header, or another scheme): a bare challenge, no error code (RFC 6750, 3.1). */
const BEARER_SCHEME = /^bearer(?:\s|$)/i;
const UNAUTHENTICATED = Object.freeze({ status: 401, body: { error: "missing_token" }, headers: { "www-authenticate": "Bearer" } });

/**
 * The routes: a path pattern, its template for the log, and per method the route's name and
 * whether it is a write (rate-limited). openapi.json describes each of them.
 * @type {{ pattern: RegExp, template: string, methods: Record<string, { name: string, write: boolean }> }[]}
 */
const ROUTES = [
  { pattern: /^\/openapi\.json$/, template: "/openapi.json", methods: { GET: { name: "openapi", write: false } } },
  { pattern: /^\/connections$/, template: "/connections", methods: { POST: { name: "connect", write: true } } },
  { pattern: /^\/providers$/, template: "/providers", methods: { GET: { name: "list", write: false } } },
  {
    pattern: /^\/providers\/([^/]+)$/,
    template: "/providers/:id",
    methods: { GET: { name: "get", write: false }, DELETE: { name: "disconnect", write: true } },
  },
  { pattern: /^\/providers\/([^/]+)\/token-refreshes$/, template: "/providers/:id/token-refreshes", methods: { POST: { name: "refresh", write: true } } },
  { pattern: /^\/events$/, template: "/events", methods: { GET: { name: "events", write: false } } },
  { pattern: /^\/sync\/push$/, template: "/sync/push", methods: { POST: { name: "push", write: true } } },
  { pattern: /^\/sync\/pull$/, template: "/sync/pull", methods: { GET: { name: "pull", write: false } } },
  { pattern: /^\/sync\/key$/, template: "/sync/key", methods: { GET: { name: "key", write: false } } },
];

/**
 * @param {{
 *   allowedOrigins: string[],
 *   authenticate: (request: Request) => Promise<string | null>,
 *   limiter: import("./rate-limit.js").Limiter,
 *   routes: ReturnType<typeof import("./routes.js").connectionRoutes> & ReturnType<typeof import("./sync-routes.js").syncRoutes>,
 *   log: import("./request-log.js").Log,
 * }} parts
 * @returns {(request: Request) => Promise<Response>}
 */
export function createApp({ allowedOrigins, authenticate, limiter, routes, log }) {
  const cors = corsPolicy(allowedOrigins);

  /**
   * @param {Request} request @param {URL} url @param {Record<string, unknown>} entry @param {string} requestId
   * @param {{ admitted: boolean }} gates set once a write has passed them
   */
  async function answer(request, url, entry, requestId, gates) {
    if (!cors.admits(request)) return refusal(403, "Origin not allowed");
    if (cors.isPreflight(request)) return { status: 204, headers: cors.preflightHeaders() };

    const route = ROUTES.find(({ pattern }) => pattern.test(url.pathname));
    entry.route = route?.template ?? null;
    if (route === undefined) return refusal(404, "Not found");
    const method = route.methods[request.method];
    if (method === undefined) return refusal(405, "Method not allowed", { allow: Object.keys(route.methods).join(", ") });
    if (method.name === "openapi") return { status: 200, body: openapi };

    let userId;
    try {
      userId = await authenticate(request);
    } catch (error) {
      if (!(error instanceof AuthUnavailable)) throw error;
      log.error({ requestId, msg: "authentication unavailable", error: messageOf(error.cause ?? error) });
      return refusal(503, "Authentication unavailable", { "retry-after": "5" });
    }
    if (userId === null) return BEARER_SCHEME.test(request.headers.get("authorization") ?? "") ? UNAUTHORIZED : UNAUTHENTICATED;
    entry.userId = userId;

    if (method.write) {
      const decision = await limiter.take(userId);
      if (!decision.allowed) return refusal(429, "Too many requests", { "retry-after": String(decision.retryAfterSeconds) });
      gates.admitted = true;
    }
    const id = route.pattern.exec(url.pathname)?.[1];
    const note = (/** @type {Record<string, unknown>} */ fields) => Object.assign(entry, fields);
    return routes[/** @type {keyof typeof routes} */ (method.name)]({ request, url, id, userId, requestId, note });
  }

  return async function app(request) {
    const started = Date.now();
    const requestId = crypto.randomUUID();
    /** @type {Record<string, unknown>} */
    const entry = { requestId, method: request.method, route: null };
    const gates = { admitted: false };
    let reply;
    try {
      reply = await answer(request, new URL(request.url), entry, requestId, gates);
    } catch (error) {
      if (error instanceof HttpError) {
        reply = refusal(error.status, error.message, error.headers);
      } else {
        log.error({ requestId, msg: "request failed", error: messageOf(error) });
        reply = { status: 500, body: { error: "Internal error", requestId } };
      }
    }
    await discardUnread(request);
    const response = toResponse(reply, { "x-request-id": requestId, ...cors.responseHeaders(request) });
    if (gates.admitted) ADMITTED_WRITES.add(response);
    log.request({ ...entry, status: response.status, durationMs: Date.now() - started });
    return response;
  };
}
