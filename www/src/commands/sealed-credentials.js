// @ts-check
// Credentials for a command from what a form read: the secret is sealed here and goes no further.
// The connect and the replace-credentials forms both come through this one function.

/** @typedef {import("connect-provider").CredentialType} CredentialType */
/** @typedef {import("connect-provider").ProviderCredentialsInput} ProviderCredentialsInput */

/**
 * @param {{ seal: (plaintext: string) => Promise<Uint8Array> }} sealer
 * @param {{ secret: string, credentialType: string, expiresAt: string | null }} entered
 * @returns {Promise<ProviderCredentialsInput | null>} `null` without a secret, which the handlers refuse
 */
export async function sealedCredentials(sealer, { secret, credentialType, expiresAt }) {
  if (!secret) return null;
  // The select offers only the package's types; the handler checks it all the same.
  return { encryptedData: await sealer.seal(secret), credentialType: /** @type {CredentialType} */ (credentialType), expiresAt };
}
