// @ts-check
// Replaces a connection's credentials through the wasm RefreshProviderTokensHandler, and says
// whether a refusal needs the user to act, by the domain's own word: the Failed event's flag.
import { RefreshProviderTokensError, RefreshProviderTokensHandler } from "connect-provider";
import { sealedCredentials } from "./sealed-credentials.js";

/** @typedef {import("connect-provider").ProviderEvent} ProviderEvent */
/** @typedef {{ secret: string, credentialType: string, expiresAt: string | null }} EnteredCredentials */
/** @typedef {{ result: import("connect-provider").HandlerResult<null>, needsUserAction: boolean }} RefreshOutcome */

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
  /** @type {Set<(event: ProviderEvent) => void>} */
  const watchers = new Set();
  // Every event is seen here before it is stored, so the flag is known even if storing fails.
  const bus = {
    publish(/** @type {ProviderEvent} */ event) {
      for (const watch of watchers) watch(event);
      return eventBus.publish(event);
    },
  };
  const handler = new RefreshProviderTokensHandler(repository, bus, options);

  return async (connectionId, entered) => {
    const credentials = await sealedCredentials(sealer, entered);
    /** @type {boolean | undefined} */
    let flagged;
    const watch = (/** @type {ProviderEvent} */ event) => {
      if (event.eventType === "ProviderTokenRefreshFailed" && event.connectionId === connectionId) flagged = event.needsUserAction;
    };
    watchers.add(watch);
    try {
      const result = await handler.handle({ userId, connectionId, credentials });
      // Without the event (a bus that failed first), the error string says the same.
      const needsUserAction = !result.ok && (flagged ?? result.error === RefreshProviderTokensError.NOT_ACTIVE);
      return { result, needsUserAction };
    } finally {
      watchers.delete(watch);
    }
  };
}
