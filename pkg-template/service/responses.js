// Every answer of the service: JSON (or no body), never cached, never sniffed, never framed, with
// the request's id. A refusal made at the edge is an HttpError carrying its status.

/** @typedef {{ status: number, body?: unknown, headers?: Record<string, string> }} Reply */

export const SECURITY_HEADERS = Object.freeze({
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=63072000; includeSubDomains",
});

/** A refusal before any handler runs. */
export class HttpError extends Error {
  /** @param {number} status @param {string} message @param {Record<string, string>} [headers] */
  constructor(status, message, headers = {}) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.headers = headers;
  }
}

/** @param {number} status @param {string} error @param {Record<string, string>} [headers] @returns {Reply} */
export const refusal = (status, error, headers) => ({ status, body: { error }, headers });

/**
 * The Response of a reply, with the security headers and `extra` (the request id, CORS).
 * @param {Reply} reply
 * @param {Record<string, string>} extra
 */
export function toResponse({ status, body, headers = {} }, extra) {
  const all = new Headers({ ...SECURITY_HEADERS, ...headers, ...extra });
  if (body === undefined) return new Response(null, { status, headers: all });
  all.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { status, headers: all });
}

/** The answer of a service that cannot run (a Worker without its configuration), with no detail. @param {string} requestId */
export const internalError = (requestId) => toResponse(refusal(500, "Internal error"), { "x-request-id": requestId });
