// @ts-check
// The page's state is the service's last answer with the pending commands applied on top, through
// the same wasm handlers the service runs. `rebuild` makes it again: the user's connections and
// events in IndexedDB replaced by the snapshot's, then each pending command run in order.
import { pendingQueue } from "./pending-queue.js";
import { readSnapshot } from "./server-snapshot.js";

/**
 * The ciphertext of a connection's credentials stays with the service, which sealed it under its own
 * key; the page's copy of such a record carries this one byte in its place (the domain refuses empty
 * credentials). A refresh made here replaces it with the page's own ciphertext.
 */
export const HELD_BY_SERVICE = Uint8Array.of(0);

/** @typedef {import("connect-provider").ProviderConnectionView} ProviderConnectionView */
/** @typedef {import("./pending-queue.js").PendingMutation} PendingMutation */
/** @typedef {{ handle(command: object): Promise<any> }} Handler */
/** @typedef {{ connect: Handler, refresh: Handler, disconnect: Handler }} Handlers */

/** The record the handlers read, from a view the service sent. @param {ProviderConnectionView} view */
export function recordOfView(view) {
  return {
    id: view.id,
    userId: view.userId,
    providerId: view.providerId,
    providerSlug: view.providerSlug,
    status: view.status,
    alias: view.alias,
    credentials: view.credentialType
      ? { encryptedData: HELD_BY_SERVICE, credentialType: view.credentialType, expiresAt: view.credentialsExpireAt }
      : null,
    connectedAt: view.connectedAt,
    lastSyncAt: view.lastSyncAt,
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
    version: view.version,
  };
}

/**
 * The command a pending mutation is, for this user's handlers.
 * @param {string} userId @param {PendingMutation} mutation
 */
export function commandOf(userId, { name, args }) {
  const credentials = args.credentials
    ? { encryptedData: args.credentials.sealed, credentialType: args.credentials.credentialType, expiresAt: args.credentials.expiresAt }
    : null;
  if (name === "connect") {
    return { userId, connectionId: args.connectionId, providerId: args.providerId, providerSlug: args.providerSlug, alias: args.alias, credentials };
  }
  if (name === "refresh") return { userId, connectionId: args.connectionId, credentials };
  return { userId, connectionId: args.connectionId };
}

/**
 * @param {{ userId: string, store: import("connect-provider/stores/indexeddb").IndexedDbStore, handlers: Handlers }} parts
 */
export function localState({ userId, store, handlers }) {
  const queue = pendingQueue(userId);
  /** Set while a rebuild is under way, for every tab of the profile to see (localStorage is shared and synchronous). */
  const unfinishedKey = `connect-provider.rebuilding.${userId}`;
  return {
    /**
     * Runs one command on the page's state. @param {Pick<PendingMutation, "name" | "args">} mutation
     */
    apply: (mutation) => handlers[mutation.name].handle(commandOf(userId, /** @type {PendingMutation} */ (mutation))),

    /**
     * The snapshot, then every pending command it does not hold yet on top (one the snapshot says
     * the service applied is in its connections already). A command the page's state now refuses
     * stays pending: the service decides, and its answer removes it with its reason.
     * @returns {Promise<{ pending: PendingMutation[], serverEventIds: Set<string> }>}
     */
    async rebuild() {
      const snapshot = await readSnapshot(userId);
      // Between the snapshot's write and the last command's, the page's state lacks commands that
      // wait: a tab closed meanwhile, or a command whose write failed here, leaves the mark, and the
      // next command or sync of any tab makes the state again first (`unfinished`).
      localStorage.setItem(unfinishedKey, String(Date.now()));
      await store.replaceUser(userId, { records: snapshot.connections.map(recordOfView), events: snapshot.events });
      const pending = await queue.all(snapshot.lastMutationId);
      let complete = true;
      for (const mutation of pending) {
        const result = await this.apply(mutation);
        // The domain's refusal is the state's answer; the page's database failing is not.
        if (!result.ok && result.code === "DATABASE_ERROR") complete = false;
      }
      if (complete) localStorage.removeItem(unfinishedKey);
      return { pending, serverEventIds: new Set(snapshot.events.map((event) => event.eventId)) };
    },

    /** Whether the last rebuild of this user's state did not finish (its tab closed, or a write of its failed). */
    unfinished: () => localStorage.getItem(unfinishedKey) !== null,

    /**
     * Marks the state as one to make again (as an unfinished rebuild is), under STATE_LOCK with the
     * change to the queue or the snapshot that makes it stale: a refused command taken out of the
     * queue, a pulled page written. The sync's rebuild clears it; if its tab closes first, the next
     * command or sync of any tab rebuilds.
     */
    markUnfinished: () => localStorage.setItem(unfinishedKey, String(Date.now())),
  };
}
