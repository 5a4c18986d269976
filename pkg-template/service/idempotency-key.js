// What makes a write safe to retry: the `Idempotency-Key` a client sends, and the fingerprint of its
// request that a retry must match. The key is the IETF draft's sf-string (`"…"`) or, as Stripe and
// most clients send it, the bare value: 1 to 255 visible ASCII characters either way. The
// fingerprint is an HMAC-SHA-256 (WebCrypto) of a canonical form of the request, keyed by a key
// derived from CREDENTIALS_KEY by HKDF under a label of its own: a stolen table of fingerprints says
// nothing about the secrets in the bodies, and cannot be matched against guesses without the key.
import { HttpError } from "./responses.js";

const VISIBLE_ASCII = /^[!-~]{1,255}$/;
/** A key of 255 characters as an sf-string: its quotes, and a backslash before each character at most. */
const MAX_HEADER_LENGTH = 2 * 255 + 2;
/** JSON deeper than this is not fingerprinted (the canonical form is built recursively). */
const MAX_DEPTH = 64;
const FINGERPRINT_LABEL = new TextEncoder().encode("connect-provider idempotency fingerprint v1");
const CANONICAL_VERSION = "connect-provider request v1";

export const MALFORMED_KEY = 'Idempotency-Key must be 1 to 255 visible ASCII characters, bare or as a quoted string ("…")';

/**
 * The request's key: null without one (an empty value is no header, as wrangler dev drops it before
 * a Worker sees it); a malformed one is 400. Several header fields arrive joined by ", ", which is
 * not a key.
 * @param {Request} request
 * @returns {string | null}
 */
export function idempotencyKeyOf(request) {
  const value = request.headers.get("idempotency-key");
  if (value === null || value === "") return null;
  const key = value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? (sfStringContent(value) ?? value) : value;
  if (value.length > MAX_HEADER_LENGTH || !VISIBLE_ASCII.test(key)) throw new HttpError(400, MALFORMED_KEY);
  return key;
}

/**
 * The content of an RFC 8941 sf-string (`"a\"b"` is `a"b`), or null when `value` is not one (it is
 * then taken as a bare key).
 * @param {string} value
 */
function sfStringContent(value) {
  let content = "";
  for (let i = 1; i < value.length - 1; i += 1) {
    const char = value[i];
    if (char === "\\") {
      const next = value[i + 1];
      if (i + 1 >= value.length - 1 || (next !== '"' && next !== "\\")) return null;
      content += next;
      i += 1;
    } else if (char === '"' || char < " " || char > "~") {
      return null;
    } else {
      content += char;
    }
  }
  return content;
}

/**
 * Fingerprints under the current key and each old one (CREDENTIALS_KEY, CREDENTIALS_OLD_KEYS), so a
 * retry that spans a key rotation still matches the fingerprint its first request was kept under.
 * @param {Uint8Array[]} credentialKeys the current key first
 */
export async function requestFingerprinter(credentialKeys) {
  const keys = await Promise.all(
    credentialKeys.map(async (raw) => {
      const base = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: FINGERPRINT_LABEL },
        base,
        { name: "HMAC", hash: "SHA-256", length: 256 },
        false,
        ["sign"],
      );
    }),
  );
  return {
    /**
     * The request's fingerprints, hex, the current key's first: its route, the path's id as given,
     * its If-Match, and its JSON body with every object's keys sorted (so a client that serialises
     * the same body in another order is making the same request).
     * @param {{ route: string, id?: string, ifMatch: string | null, body: unknown }} request
     * @returns {Promise<string[]>}
     */
    async of({ route, id, ifMatch, body }) {
      const canonical = `[${[CANONICAL_VERSION, route, id ?? null, ifMatch].map((part) => JSON.stringify(part)).join(",")},${canonicalJson(body, 0)}]`;
      const bytes = new TextEncoder().encode(canonical);
      return Promise.all(keys.map(async (key) => hex(new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes)))));
    },
  };
}

/**
 * JSON with every object's keys in one order (UTF-16 code units), so that equal values write
 * equal text; numbers and strings as JSON.stringify writes them, except a number too large for a
 * double (1e400 in the text, Infinity once parsed), which JSON.stringify would write as `null` and
 * which the routes do not read as null.
 * @param {unknown} value @param {number} depth
 * @returns {string}
 */
export function canonicalJson(value, depth) {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (depth >= MAX_DEPTH) throw new HttpError(400, `Request body nests over ${MAX_DEPTH} levels, too deep for an Idempotency-Key`);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, depth + 1)).join(",")}]`;
  const entries = Object.keys(value).sort().map((name) => `${JSON.stringify(name)}:${canonicalJson(/** @type {Record<string, unknown>} */ (value)[name], depth + 1)}`);
  return `{${entries.join(",")}}`;
}

const hex = (/** @type {Uint8Array} */ bytes) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
