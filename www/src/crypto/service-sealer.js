// @ts-check
// Seals a secret that waits to sync to the service's public key (GET /sync/key): ECDH on P-256
// with a one-off key of this seal, HKDF-SHA256, AES-256-GCM, the user's id bound as associated
// data. Nothing in this browser profile can open it again, not even this page: the push carries it
// as it is, and the service opens it (connect-provider/service's sync-key.js holds the format).
//
// The key is kept in localStorage for the offline loads (it is public); a page that has never
// reached the service has none, and seals with its own key instead (secret-sealer.js).

const KEPT = "connect-provider.serviceKey";
const VERSION = 1;
const KEY_ID = /^[0-9a-f]{16}$/;
const encoder = new TextEncoder();
const LABEL = encoder.encode("connect-provider sync seal v1\u0000");
const KEY_ID_LABEL = encoder.encode("connect-provider sync key id v1\u0000");
const ECDH = { name: "ECDH", namedCurve: "P-256" };
/** What a seal adds to the secret: version, key id, one-off public key, nonce, tag. */
export const SEALED_TO_SERVICE_OVERHEAD = 1 + 8 + 65 + 12 + 16;

/** @typedef {{ keyId: string, publicKey: { kty: "EC", crv: "P-256", x: string, y: string } }} ServiceKey */

const hex = (/** @type {Uint8Array} */ bytes) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
/** The parts one after another. @param {BufferSource[]} parts */
const joined = async (...parts) => new Uint8Array(await new Blob(parts).arrayBuffer());

/**
 * The key as GET /sync/key answers it, or null for anything else: a point on P-256 whose id is its
 * own (a key the service would not know its seals by is never kept).
 * @param {unknown} value @returns {Promise<ServiceKey | null>}
 */
export async function serviceKeyOf(value) {
  const { keyId, publicKey } = /** @type {Record<string, any>} */ (value ?? {});
  if (typeof keyId !== "string" || !KEY_ID.test(keyId) || publicKey?.kty !== "EC" || publicKey.crv !== "P-256") return null;
  if (typeof publicKey.x !== "string" || typeof publicKey.y !== "string") return null;
  const key = { keyId, publicKey: /** @type {ServiceKey["publicKey"]} */ ({ kty: "EC", crv: "P-256", x: publicKey.x, y: publicKey.y }) };
  try {
    const raw = new Uint8Array(await crypto.subtle.exportKey("raw", await crypto.subtle.importKey("jwk", key.publicKey, ECDH, true, [])));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await joined(KEY_ID_LABEL, raw)));
    return hex(digest.subarray(0, 8)) === keyId ? key : null;
  } catch {
    return null;
  }
}

/**
 * The key kept for `service`, or null. Checked again as it is used, not only when it was kept: a
 * damaged entry (an id not its point's own) would seal to a pair the service does not hold, and
 * that secret would hold the queue up for good.
 * @param {string} service @returns {Promise<ServiceKey | null>}
 */
export async function keptServiceKey(service) {
  let kept;
  try {
    kept = JSON.parse(localStorage.getItem(KEPT) ?? "null");
  } catch {
    return null;
  }
  return kept?.service === service ? serviceKeyOf(kept.key) : null;
}

/** Keeps the service's key for the next seals, and the offline loads. @param {string} service @param {ServiceKey} key */
export function keepServiceKey(service, key) {
  localStorage.setItem(KEPT, JSON.stringify({ service, key }));
}

/**
 * `plaintext` sealed to the service's key for `userId`.
 * @param {ServiceKey} serviceKey @param {string} plaintext @param {string} userId
 * @returns {Promise<Uint8Array>}
 */
export async function sealToService(serviceKey, plaintext, userId) {
  const service = await crypto.subtle.importKey("jwk", serviceKey.publicKey, ECDH, true, []);
  const serviceRaw = new Uint8Array(await crypto.subtle.exportKey("raw", service));
  const oneOff = await crypto.subtle.generateKey(ECDH, true, ["deriveBits"]);
  const senderRaw = new Uint8Array(await crypto.subtle.exportKey("raw", oneOff.publicKey));
  const shared = await crypto.subtle.deriveBits({ name: "ECDH", public: service }, oneOff.privateKey, 256);
  const ikm = await crypto.subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
  const info = await joined(LABEL, senderRaw, serviceRaw);
  const key = await crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info }, ikm, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
  const keyId = Uint8Array.from(serviceKey.keyId.match(/../g) ?? [], (pair) => parseInt(pair, 16));
  const header = await joined(Uint8Array.of(VERSION), keyId, senderRaw);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const additionalData = await joined(LABEL, header, encoder.encode(userId.toLowerCase()));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData }, key, encoder.encode(plaintext)));
  return joined(header, iv, ciphertext);
}
