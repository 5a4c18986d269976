// A request's JSON body, read with a byte cap and a deadline: a declared Content-Length over the
// cap is refused unread, a stream that grows past it is cut off there (Content-Length alone is
// never trusted), a media type other than JSON is 415, and bytes that are not UTF-8 JSON are 400.
import { HttpError } from "./responses.js";

export const MAX_BODY_BYTES = 64 * 1024;
export const BODY_DEADLINE_MS = 10_000;
/**
 * What is left of a body that is refused (too large, or never read: a 401, 415 or 429) is read and
 * dropped before the answer, up to this much and for up to this long, so the runtime can keep the
 * connection; past either, the rest is left to the runtime, which closes the connection.
 */
export const DISCARD_LIMIT_BYTES = 1024 * 1024;
export const DISCARD_DEADLINE_MS = 2_000;

/**
 * `application/json`, with at most a UTF-8 charset parameter.
 * @param {string | null} contentType
 */
export function isJson(contentType) {
  if (contentType === null) return false;
  const [type, ...parameters] = contentType.split(";").map((part) => part.trim().toLowerCase());
  if (type !== "application/json") return false;
  return parameters.every((parameter) => parameter === "" || /^charset="?utf-8"?$/.test(parameter));
}

/**
 * @param {Request} request
 * @param {{ maxBytes?: number, deadlineMs?: number }} [limits]
 * @returns {Promise<Record<string, unknown>>} the body, a JSON object
 */
export async function readJsonObject(request, limits) {
  return (await readJsonBody(request, limits)).value;
}

/**
 * The body as readJsonObject reads it, and the bytes it was read from (which a route that reads the
 * body before another part of the service, as a retry's fingerprint does, hands on unchanged).
 * @param {Request} request
 * @param {{ maxBytes?: number, deadlineMs?: number }} [limits]
 * @returns {Promise<{ value: Record<string, unknown>, bytes: Uint8Array }>}
 */
export async function readJsonBody(request, { maxBytes = MAX_BODY_BYTES, deadlineMs = BODY_DEADLINE_MS } = {}) {
  if (!isJson(request.headers.get("content-type"))) throw new HttpError(415, "Content-Type must be application/json");
  const declared = request.headers.get("content-length");
  if (declared !== null && (!/^\d+$/.test(declared) || Number(declared) > maxBytes)) {
    throw new HttpError(/^\d+$/.test(declared) ? 413 : 400, /^\d+$/.test(declared) ? "Request body too large" : "Bad Content-Length");
  }
  const bytes = await readCapped(request, maxBytes, deadlineMs);
  let value;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch {
    throw new HttpError(400, "Request body must be JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new HttpError(400, "Request body must be a JSON object");
  return { value, bytes };
}

/** @param {Request} request @param {number} maxBytes @param {number} deadlineMs */
async function readCapped(request, maxBytes, deadlineMs) {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let size = 0;
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new HttpError(408, "Request body too slow")), deadlineMs);
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await discardFrom(reader);
        throw new HttpError(413, "Request body too large");
      }
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, "Request body could not be read");
  } finally {
    clearTimeout(timer);
    release(reader);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * Drops what is left of a body nobody read (see DISCARD_LIMIT_BYTES); a body already read, or
 * being read, is left alone.
 * @param {Request} request
 */
export async function discardUnread(request) {
  if (request.body === null || request.bodyUsed || request.body.locked) return;
  // A body declared larger than the cap is not worth reading at all: the connection will close.
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > DISCARD_LIMIT_BYTES) return;
  const reader = request.body.getReader();
  try {
    await discardFrom(reader);
  } finally {
    release(reader);
  }
}

/** @param {ReadableStreamDefaultReader<Uint8Array>} reader */
async function discardFrom(reader) {
  let dropped = 0;
  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ done: true, late: true }), DISCARD_DEADLINE_MS);
  });
  try {
    for (;;) {
      const read = /** @type {{ done: boolean, value?: Uint8Array, late?: boolean }} */ (await Promise.race([reader.read(), deadline]));
      if (read.late || (!read.done && (dropped += read.value?.byteLength ?? 0) > DISCARD_LIMIT_BYTES)) {
        await reader.cancel().catch(() => {});
        return;
      }
      if (read.done) return;
    }
  } catch {
    // A body that failed while being dropped needs nothing more.
  } finally {
    clearTimeout(timer);
  }
}

/** Lets go of a reader; one with a read still pending (a deadline passed) was cancelled and needs nothing. @param {ReadableStreamDefaultReader<Uint8Array>} reader */
function release(reader) {
  try {
    reader.releaseLock();
  } catch {
    // Released by the cancel.
  }
}
