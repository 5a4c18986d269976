// The service's public key for an offline client's queued secrets (docs/sync.md): a page that
// waits to push a secret seals it to this key, so that nothing in the browser profile can open it
// again; the push alone brings it here, where it is opened and sealed under CREDENTIALS_KEY like
// any other secret. The key pair is derived from each credentials key (HKDF-SHA256 to a P-256
// scalar): it needs no setting of its own, and rotates with CREDENTIALS_KEY (an old key's pair
// still opens what was sealed to it).
//
//   sealed = version (1 byte, 1) | key id (8 bytes) | the sender's one-off P-256 public key (65 bytes,
//            uncompressed) | nonce (12 bytes) | AES-256-GCM ciphertext | tag (16 bytes)
//   AES key = HKDF-SHA256(ECDH(one-off key, service key), salt empty,
//             info = LABEL | one-off public key | service public key)
//   associated data = LABEL | version | key id | one-off public key | user id (lower case)
//   key id = the first 8 bytes of SHA-256(KEY_ID_LABEL | service public key), both keys raw
//
// www/src/crypto/service-sealer.js is the sealing side; tests/js/support/sync-sealing-cases.mjs holds the
// two together, in Node and in Deno.

import { concat, hex } from "./bytes.js";
import { MAX_SECRET_BYTES } from "./sealed-credentials.js";

export const SYNC_SEALED_VERSION = 1;
const KEY_ID_BYTES = 8;
const POINT_BYTES = 65;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + POINT_BYTES;
export const SYNC_SEAL_OVERHEAD_BYTES = HEADER_BYTES + NONCE_BYTES + TAG_BYTES;
/** The longest seal opened: that of the longest secret a client may send. */
export const MAX_SYNC_SEALED_BYTES = SYNC_SEAL_OVERHEAD_BYTES + MAX_SECRET_BYTES;
const encoder = new TextEncoder();
const LABEL = encoder.encode("connect-provider sync seal v1\u0000");
const KEY_ID_LABEL = encoder.encode("connect-provider sync key id v1\u0000");
const DERIVE_LABEL = "connect-provider sync key v1";
const ECDH = { name: "ECDH", namedCurve: "P-256" };
/** PKCS #8 of a P-256 private key without its public point, up to the 32 bytes of the scalar (RFC 5915). */
const PKCS8_PREFIX = Uint8Array.of(
  0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
  0x3d, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20,
);

/**
 * The P-256 key pair of one credentials key. A derived scalar outside 1..n-1 (odds of 2^-32) is
 * refused by the import, and the next counter tried.
 * @param {Uint8Array} credentialsKey
 */
async function keyPairOf(credentialsKey) {
  const ikm = await crypto.subtle.importKey("raw", credentialsKey, "HKDF", false, ["deriveBits"]);
  for (let counter = 0; ; counter += 1) {
    const info = encoder.encode(`${DERIVE_LABEL} ${counter}`);
    const scalar = new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info }, ikm, 256));
    const pkcs8 = concat(PKCS8_PREFIX, scalar);
    let privateKey;
    try {
      privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, ECDH, true, ["deriveBits"]);
    } catch (error) {
      if (counter < 8) continue;
      throw error;
    } finally {
      scalar.fill(0);
      pkcs8.fill(0);
    }
    // The public point, from the private key's JWK (WebCrypto has no other way to it); the JWK's `d` is dropped.
    const { x, y } = await crypto.subtle.exportKey("jwk", privateKey);
    const publicJwk = { kty: "EC", crv: "P-256", x, y };
    const publicRaw = new Uint8Array(await crypto.subtle.exportKey("raw", await crypto.subtle.importKey("jwk", publicJwk, ECDH, true, [])));
    const keyId = new Uint8Array(await crypto.subtle.digest("SHA-256", concat(KEY_ID_LABEL, publicRaw))).slice(0, KEY_ID_BYTES);
    // Kept unextractable from here on: only `deriveBits` with it. The exported copy is zeroed.
    const exported = new Uint8Array(await crypto.subtle.exportKey("pkcs8", privateKey));
    const opening = await crypto.subtle.importKey("pkcs8", exported, ECDH, false, ["deriveBits"]).finally(() => exported.fill(0));
    return { keyId, publicJwk, publicRaw, privateKey: opening };
  }
}

/** A secret sealed to the service that does not open: another user's, altered, or no such seal. */
export class SyncSealError extends Error {
  name = "SyncSealError";
}

/**
 * A secret sealed to a pair this service does not hold: during a rollout of a new CREDENTIALS_KEY
 * an instance still on the old settings meets one sealed to the new pair, and the push stops there
 * to be sent again, rather than lose a secret the client can no longer seal again.
 */
export class SyncKeyNotHeld extends Error {
  name = "SyncKeyNotHeld";
  /** @param {string} keyId hex */
  constructor(keyId) {
    super(`sealed to the sync key ${keyId}, which this service does not hold`);
    this.keyId = keyId;
  }
}

/**
 * The pairs are derived on first use (3 to 5 ms a key on Node), not at the service's start: a
 * Worker's isolate that never serves a sync pays nothing.
 * @param {Uint8Array[]} credentialKeys the current credentials key first, then the old ones
 */
export function createSyncKey(credentialKeys) {
  const keys = credentialKeys.map((key) => key.slice());
  /** @type {Promise<{ current: Awaited<ReturnType<typeof keyPairOf>>, byId: Map<string, Awaited<ReturnType<typeof keyPairOf>>> }> | undefined} */
  let derived;
  const pairs = () => {
    derived ??= Promise.all(keys.map(keyPairOf)).then((all) => ({ current: all[0], byId: new Map(all.map((pair) => [hex(pair.keyId), pair])) }));
    // A failure is not kept: the next call derives again.
    derived.catch(() => (derived = undefined));
    return derived;
  };

  return {
    /** What GET /sync/key answers: the current pair's id (hex) and its public key as a JWK. */
    async published() {
      const { current } = await pairs();
      return { keyId: hex(current.keyId), publicKey: current.publicJwk };
    },
    /**
     * The secret sealed to one of this service's pairs for `userId`.
     * @param {Uint8Array} sealed @param {string} userId
     * @returns {Promise<string>} @throws {SyncSealError | SyncKeyNotHeld}
     */
    async open(sealed, userId) {
      if (!(sealed instanceof Uint8Array) || sealed.length < SYNC_SEAL_OVERHEAD_BYTES || sealed[0] !== SYNC_SEALED_VERSION) {
        throw new SyncSealError("not a secret sealed to this service");
      }
      if (sealed.length > MAX_SYNC_SEALED_BYTES) throw new SyncSealError("longer than the seal of the longest secret a client may send");
      const keyId = hex(sealed.subarray(1, 1 + KEY_ID_BYTES));
      const pair = (await pairs()).byId.get(keyId);
      if (pair === undefined) throw new SyncKeyNotHeld(keyId);
      const senderRaw = sealed.subarray(1 + KEY_ID_BYTES, HEADER_BYTES);
      try {
        const sender = await crypto.subtle.importKey("raw", senderRaw, ECDH, false, []);
        const shared = new Uint8Array(await crypto.subtle.deriveBits({ name: "ECDH", public: sender }, pair.privateKey, 256));
        const ikm = await crypto.subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
        shared.fill(0);
        const info = concat(LABEL, senderRaw, pair.publicRaw);
        const key = await crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info }, ikm, { name: "AES-GCM", length: 256 }, false, ["decrypt"]);
        const iv = sealed.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
        const additionalData = concat(LABEL, sealed.subarray(0, HEADER_BYTES), encoder.encode(userId.toLowerCase()));
        const plain = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData }, key, sealed.subarray(HEADER_BYTES + NONCE_BYTES)));
        try {
          // ignoreBOM: a secret that begins with U+FEFF keeps it.
          return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(plain);
        } finally {
          plain.fill(0);
        }
      } catch {
        throw new SyncSealError("the sealed secret does not open for this user (altered, or another user's)");
      }
    },
  };
}
