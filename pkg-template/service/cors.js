// Cross-origin access for the origins ALLOWED_ORIGINS lists, and for no other: a request that
// carries another Origin is refused (403) before authentication, whatever its method. Credentials
// travel in the Authorization header, never in cookies, so no Allow-Credentials is sent.

const ALLOWED_METHODS = "GET, POST, DELETE";
// The request headers a browser may send (a retry's key, a conditional write's version) and the
// answer's headers its script may read (the version to send back, whether an answer was replayed).
const ALLOWED_HEADERS = "authorization, content-type, idempotency-key, if-match";
const EXPOSED_HEADERS = "location, retry-after, x-request-id, www-authenticate, etag, idempotent-replayed";
const PREFLIGHT_MAX_AGE_SECONDS = "600";

/** @param {string[]} allowedOrigins */
export function corsPolicy(allowedOrigins) {
  const allowed = new Set(allowedOrigins);
  return {
    /** Whether a request may go on: it names no origin (not a browser's cross-origin call) or an allowed one. @param {Request} request */
    admits: (request) => {
      const origin = request.headers.get("origin");
      return origin === null || allowed.has(origin);
    },
    /** A preflight of an allowed origin, answered without authentication (a browser sends none). @param {Request} request */
    isPreflight: (request) =>
      request.method === "OPTIONS" && allowed.has(request.headers.get("origin") ?? "") && request.headers.has("access-control-request-method"),
    /** @returns {Record<string, string>} */
    preflightHeaders: () => ({
      "access-control-allow-methods": ALLOWED_METHODS,
      "access-control-allow-headers": ALLOWED_HEADERS,
      "access-control-max-age": PREFLIGHT_MAX_AGE_SECONDS,
    }),
    /** The headers every answer to an allowed origin carries. @param {Request} request @returns {Record<string, string>} */
    responseHeaders(request) {
      const origin = request.headers.get("origin");
      if (origin === null || !allowed.has(origin)) return allowed.size > 0 ? { vary: "Origin" } : {};
      return { "access-control-allow-origin": origin, "access-control-expose-headers": EXPOSED_HEADERS, vary: "Origin" };
    },
  };
}
