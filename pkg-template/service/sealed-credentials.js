// A client's credentials as the handlers take them: the provider's secret sealed for the caller
// before anything else sees it. Shared by the routes and the sync push.

/** The longest secret a client may send (UTF-8 bytes); sealed, it stays under the handlers' 64 KiB. */
export const MAX_SECRET_BYTES = 32 * 1024;

/**
 * `credentials: { secret, credentialType, expiresAt? }` with the secret sealed for `userId`; null
 * (which the handlers refuse as missing credentials) when there is no usable secret.
 * @param {{ seal(secret: string, userId: string): Promise<Uint8Array> }} sealer
 * @param {unknown} credentials @param {string} userId
 */
export async function sealedCredentials(sealer, credentials, userId) {
  if (credentials === null || typeof credentials !== "object" || Array.isArray(credentials)) return null;
  const { secret, credentialType, expiresAt } = /** @type {Record<string, unknown>} */ (credentials);
  if (typeof secret !== "string" || secret.length === 0 || !wellFormed(secret)) return null;
  if (new TextEncoder().encode(secret).length > MAX_SECRET_BYTES) return null;
  const encryptedData = await sealer.seal(secret, userId);
  return expiresAt === undefined ? { encryptedData, credentialType } : { encryptedData, credentialType, expiresAt };
}

/** A string without a lone surrogate, which UTF-8 cannot carry (it would be sealed as U+FFFD). @param {string} text */
function wellFormed(text) {
  return typeof text.isWellFormed === "function" ? text.isWellFormed() : !/[\uD800-\uDFFF]/.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""));
}
