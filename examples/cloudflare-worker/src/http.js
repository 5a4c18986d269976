// What every route needs from HTTP: JSON answers, JSON bodies, and credentials off the wire.

/**
 * @param {unknown} body
 * @param {number} [status]
 * @param {HeadersInit} [headers]
 */
export const json = (body, status = 200, headers) => Response.json(body, { status, headers });

/** A refusal made before any handler runs (a body that is not JSON, bytes that are not base64). */
export class HttpError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** @param {Request} request */
export async function readJson(request) {
  try {
    return await request.json();
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
  if (typeof credentials?.encryptedData !== "string") return credentials;
  let binary;
  try {
    binary = atob(credentials.encryptedData);
  } catch {
    throw new HttpError(400, "credentials.encryptedData must be base64");
  }
  return { ...credentials, encryptedData: Uint8Array.from(binary, (char) => char.charCodeAt(0)) };
}
