// @ts-check
// Encrypts the secret in the page with AES-GCM under a non-extractable key that lives in
// IndexedDB: script can use the key but never read it, and only ciphertext is stored. The one
// way back to the plaintext is `unseal`, which the sync push alone calls, to hand the secret to
// the service over HTTPS (which seals it under its own key).
import { committed, settle } from "../storage/database.js";

const KEY_ID = "credentials-aes-gcm";
const IV_BYTES = 12;

/** @param {IDBDatabase} db */
async function loadOrCreateKey(db) {
  const stored = await settle(db.transaction("keys").objectStore("keys").get(KEY_ID));
  if (stored) return /** @type {CryptoKey} */ (stored);
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  const transaction = db.transaction("keys", "readwrite");
  transaction.objectStore("keys").add(key, KEY_ID);
  try {
    await committed(transaction);
    return key;
  } catch (error) {
    // Another tab stored its key first: use that one, so every tab can decrypt every secret. No key
    // there: the store failed (a full disk), and the page cannot seal.
    const stored = await settle(db.transaction("keys").objectStore("keys").get(KEY_ID));
    if (!stored) throw error;
    return /** @type {CryptoKey} */ (stored);
  }
}

/** @param {IDBDatabase} db */
export async function secretSealer(db) {
  const key = await loadOrCreateKey(db);
  return {
    /** The IV followed by the ciphertext and tag. @returns {Promise<Uint8Array>} */
    async seal(/** @type {string} */ plaintext) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(plaintext)));
      const out = new Uint8Array(IV_BYTES + sealed.length);
      out.set(iv);
      out.set(sealed, IV_BYTES);
      return out;
    },
    /** The plaintext of what `seal` made. @returns {Promise<string>} */
    async unseal(/** @type {Uint8Array} */ sealed) {
      const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: sealed.subarray(0, IV_BYTES) }, key, sealed.subarray(IV_BYTES));
      // ignoreBOM: a secret that begins with U+FEFF keeps it.
      return new TextDecoder("utf-8", { ignoreBOM: true }).decode(plain);
    },
  };
}
