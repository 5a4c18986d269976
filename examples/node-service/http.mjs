// What every route needs from node:http: JSON answers, JSON bodies, credentials off the wire.

const MAX_BODY_BYTES = 64 * 1024;

/**
 * What a route answers; `body` undefined sends none (204).
 * @typedef {{ status: number, body?: unknown, headers?: Record<string, string> }} Reply
 */

/** A refusal made before any handler runs (too large, not JSON, bytes that are not base64). */
export class HttpError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** @param {import("node:http").ServerResponse} response @param {Reply} reply */
export function send(response, { status, body, headers = {} }) {
  if (body === undefined) return response.writeHead(status, headers).end();
  response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

/** @param {import("node:http").IncomingMessage} request */
export async function readJson(request) {
  let size = 0;
  const chunks = [];
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "Request body too large");
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "Request body must be JSON");
  }
}

/**
 * JSON has no bytes: the wire carries `encryptedData` as base64, the handlers want a Uint8Array.
 * Anything else is passed on untouched, for the handler to refuse with its own error.
 * @param {any} credentials what the body had
 */
export function decodeCredentials(credentials) {
  const encoded = credentials?.encryptedData;
  if (typeof encoded !== "string") return credentials;
  // Buffer.from skips what is not base64; refuse instead of storing other bytes than were meant.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 === 1) {
    throw new HttpError(400, "credentials.encryptedData must be base64");
  }
  return { ...credentials, encryptedData: new Uint8Array(Buffer.from(encoded, "base64")) };
}
