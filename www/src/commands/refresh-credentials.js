// @ts-check
// Replaces a connection's credentials through the wasm RefreshProviderTokensHandler; a refusal
// says itself whether only the user can mend it (`needsUserAction`).
import { RefreshProviderTokensHandler } from "connect-provider";
import { sealedCredentials } from "./sealed-credentials.js";

/** @typedef {import("connect-provider").ProviderEvent} ProviderEvent */
/** @typedef {{ secret: string, credentialType: string, expiresAt: string | null }} EnteredCredentials */
/** @typedef {{ result: import("connect-provider").HandlerResult<null, import("connect-provider").RefreshFailure>, needsUserAction: boolean }} RefreshOutcome */

/**
 * @param {object} ports
 * @param {string} ports.userId
 * @param {ConstructorParameters<typeof RefreshProviderTokensHandler>[0]} ports.repository
 * @param {{ publish: (event: ProviderEvent) => unknown }} ports.eventBus
 * @param {{ seal: (plaintext: string) => Promise<Uint8Array> }} ports.sealer
 * @param {import("connect-provider").HandlerOptions} [ports.options]
 * @returns {(connectionId: string, entered: EnteredCredentials) => Promise<RefreshOutcome>}
 */
export function refreshCredentials({ userId, repository, eventBus, sealer, options }) {
  const handler = new RefreshProviderTokensHandler(repository, eventBus, options);
  return async (connectionId, entered) => {
    const credentials = await sealedCredentials(sealer, entered);
    const result = await handler.handle({ userId, connectionId, credentials });
    return { result, needsUserAction: !result.ok && result.needsUserAction };
  };
}
