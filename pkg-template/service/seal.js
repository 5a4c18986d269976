// The provider's secret, sealed by the service before anything stores it: AES-256-GCM through
// WebCrypto, a fresh random 96-bit nonce per seal, the user's id bound as associated data (a sealed
// secret copied onto another user's connection does not open), and the key's id inside the sealed
// bytes, so that keys can rotate: the current key seals, the old ones only open.
//
//   sealed = version (1 byte, 1) | key id (8 bytes) | nonce (12 bytes) | ciphertext | tag (16 bytes)
//   associated data = "connect-provider credentials v1" | 0x00 | version | key id | user id (lower case)
//   key id = the first 8 bytes of SHA-256("connect-provider key id v1" | 0x00 | key)

import { concat, hex } from "./bytes.js";

export const SEALED_VERSION = 1;
const KEY_ID_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES;
export const SEAL_OVERHEAD_BYTES = HEADER_BYTES + NONCE_BYTES + TAG_BYTES;
const encoder = new TextEncoder();
const AAD_LABEL = encoder.encode("connect-provider credentials v1\u0000");
const KEY_ID_LABEL = encoder.encode("connect-provider key id v1\u0000");

/** A sealed secret that does not open: unknown key, another user, or altered bytes. */
export class SealError extends Error {
  name = "SealError";
}

/** The key's id as sealed bytes carry it. @param {Uint8Array} rawKey */
export async function keyIdOf(rawKey) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", concat(KEY_ID_LABEL, rawKey)));
  return digest.slice(0, KEY_ID_BYTES);
}

/** @param {Uint8Array} header @param {string} userId */
const associatedData = (header, userId) => concat(AAD_LABEL, header, encoder.encode(userId.toLowerCase()));

/**
 * @param {{ key: Uint8Array, oldKeys?: Uint8Array[] }} keys 32 bytes each
 */
export async function createSealer({ key, oldKeys = [] }) {
  /** @type {Map<string, CryptoKey>} key id (hex) -> the key, imported for AES-GCM and never extractable */
  const byId = new Map();
  let currentId;
  for (const [i, raw] of [key, ...oldKeys].entries()) {
    const id = await keyIdOf(raw);
    if (i === 0) currentId = id;
    else if (byId.has(hex(id))) continue; // the current key listed again among the old ones
    byId.set(hex(id), await crypto.subtle.importKey("raw", raw, "AES-GCM", false, i === 0 ? ["encrypt", "decrypt"] : ["decrypt"]));
  }
  const current = /** @type {Uint8Array} */ (currentId);
  const header = concat(Uint8Array.of(SEALED_VERSION), current);
  const sealingKey = /** @type {CryptoKey} */ (byId.get(hex(current)));

  /** @param {Uint8Array} plaintext @param {string} userId */
  async function sealBytes(plaintext, userId) {
    const iv = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
    const additionalData = associatedData(header, userId);
    const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData }, sealingKey, plaintext));
    return concat(header, iv, ciphertext);
  }

  /** @param {Uint8Array} sealed @param {string} userId */
  async function openBytes(sealed, userId) {
    if (!(sealed instanceof Uint8Array) || sealed.length < SEAL_OVERHEAD_BYTES || sealed[0] !== SEALED_VERSION) {
      throw new SealError("not a sealed secret of this service");
    }
    const sealedHeader = sealed.subarray(0, HEADER_BYTES);
    const key = byId.get(hex(sealedHeader.subarray(1)));
    if (key === undefined) throw new SealError("sealed under a key this service does not hold");
    try {
      const iv = sealed.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
      const additionalData = associatedData(sealedHeader, userId);
      return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData }, key, sealed.subarray(HEADER_BYTES + NONCE_BYTES)));
    } catch {
      throw new SealError("the sealed secret does not open for this user (altered, or another user's)");
    }
  }

  return {
    /** The current key's id, hex. */
    keyId: hex(current),
    /** The secret (a string) sealed for the user. @param {string} secret @param {string} userId */
    seal: (secret, userId) => sealBytes(encoder.encode(secret), userId),
    /** The secret a sealed value holds, for the user it was sealed for (a rotation job, a provider call). @param {Uint8Array} sealed @param {string} userId */
    async open(sealed, userId) {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(await openBytes(sealed, userId));
    },
    /** Whether the current key sealed it. @param {Uint8Array} sealed */
    isCurrent: (sealed) => sealed instanceof Uint8Array && sealed.length >= HEADER_BYTES && hex(sealed.subarray(1, HEADER_BYTES)) === hex(current),
    /** Opened with whichever key sealed it and sealed again under the current key, for a rotation job. @param {Uint8Array} sealed @param {string} userId */
    async reseal(sealed, userId) {
      return sealBytes(await openBytes(sealed, userId), userId);
    },
  };
}
