// @ts-check
// Offline first: every command runs at once on the page's IndexedDB, through the wasm handlers, and
// waits in the pending queue; when the network is there (on `online`, on a timer, after a command,
// on "Sync now") one tab at a time pushes the queue, pulls what changed and rebuilds the page's
// state from the service's answer plus what is still pending.
//
// Two Web Locks, shared by the tabs of this origin: STATE_LOCK around every change of the page's
// state (a command and its queue entry, a rebuild), so a rebuild never drops a command made
// meanwhile; SYNC_LOCK around a push and pull, taken only if free, so one tab syncs at a time.
import { pendingQueue } from "./pending-queue.js";
import { readSnapshot, writeSnapshot } from "./server-snapshot.js";
import { SyncBadRequest, SyncRefused, SyncUnavailable, syncClient } from "./sync-client.js";

const STATE_LOCK = "connect-provider:state";
const SYNC_LOCK = "connect-provider:sync";
/** The push route takes at most this many mutations, */
const PUSH_BATCH = 100;
/** in a body of at most 64 KiB (the services' MAX_BODY_BYTES, past which a push is 413): a batch
 * is filled up to this many bytes of JSON, the rest waiting for the next push. */
const PUSH_BYTES = 60 * 1024;
const jsonBytes = (/** @type {unknown} */ value) => new TextEncoder().encode(JSON.stringify(value)).length;
/** What the user reads of a command no push could carry. */
export const TOO_LARGE = "Too large to sync: the service takes a secret of at most 32 KiB";

/**
 * @typedef {import("./pending-queue.js").PendingMutation} PendingMutation
 * @typedef {{ label: string, message: string }} Rejection
 * @typedef {"synced" | "pending" | "offline" | "syncing" | "signed-out"} SyncState
 */

/** What the user reads when the service refused a command: why, and what to do about it. */
export function rejectionMessage(/** @type {string} */ code, /** @type {string} */ error) {
  return code === "NOT_ACTIVE" ? `${error}: connect again` : error;
}

/**
 * @param {object} parts
 * @param {string} parts.userId
 * @param {string} parts.clientId
 * @param {{ service: string, token: string }} parts.endpoint
 * @param {ReturnType<typeof import("./local-state.js").localState>} parts.local
 * @param {{ unseal(sealed: Uint8Array): Promise<string> }} parts.sealer
 * @param {(state: SyncState, waiting: number, synced?: boolean) => void} parts.onStatus `synced`: a push and pull just ended
 * @param {(rejections: Rejection[]) => void} parts.onRejected
 * @param {() => void} parts.onChange the page's state changed: render, and tell the other tabs
 */
export function syncEngine({ userId, clientId, endpoint, local, sealer, onStatus, onRejected, onChange }) {
  const client = syncClient(endpoint);

  /** The mutation as the push route takes it: the secret unsealed here, for the service to seal. @param {PendingMutation} mutation */
  async function wireOf({ id, name, args }) {
    const { credentials, ...rest } = args;
    if (!credentials) return { id, name, args: rest };
    const secret = await sealer.unseal(credentials.sealed);
    return { id, name, args: { ...rest, credentials: { secret, credentialType: credentials.credentialType, expiresAt: credentials.expiresAt } } };
  }

  /**
   * The queue's oldest mutations that fit one push, with their wire forms; a first mutation too
   * large for any push on its own is `tooLarge` (it would be refused with the whole push, for good).
   */
  async function nextBatch() {
    /** @type {PendingMutation[]} */
    const batch = [];
    const wire = [];
    let bytes = jsonBytes({ clientId, mutations: [] });
    for (const mutation of (await pendingQueue.all()).slice(0, PUSH_BATCH)) {
      const wired = await wireOf(mutation);
      const more = jsonBytes(wired) + (wire.length > 0 ? 1 : 0);
      if (bytes + more > PUSH_BYTES) return wire.length > 0 ? { batch, wire } : { batch, wire, tooLarge: mutation };
      bytes += more;
      batch.push(mutation);
      wire.push(wired);
    }
    return { batch, wire };
  }

  /** Pushes the queue, oldest first, in pushes the service reads whole; stops where the service stopped. */
  async function push() {
    for (;;) {
      const { batch, wire, tooLarge } = await nextBatch();
      if (tooLarge) {
        // Dropped with its reason, as a refusal of the service's would be; the rebuild undoes it.
        await pendingQueue.remove([tooLarge.id]);
        onRejected([{ label: tooLarge.label, message: TOO_LARGE }]);
        continue;
      }
      if (batch.length === 0) return;
      const answer = await client.push(clientId, wire);
      const rejections = answer.results.flatMap((result) => {
        const mutation = batch.find((m) => m.id === result.id);
        return result.ok === false && mutation ? [{ label: mutation.label, message: rejectionMessage(result.code ?? "", result.error ?? "") }] : [];
      });
      await pendingQueue.removeThrough(answer.lastMutationId);
      if (rejections.length) onRejected(rejections);
      if (answer.results.length < batch.length) return;
    }
  }

  /** Pulls every page of what changed since the snapshot's cursor into the snapshot. */
  async function pull() {
    let snapshot = await readSnapshot(userId);
    for (;;) {
      let answer;
      try {
        answer = await client.pull(clientId, snapshot.cursor);
      } catch (error) {
        // The cursor names no event of the service's (its data was reset): read the log from the start.
        if (!(error instanceof SyncBadRequest) || snapshot.cursor === null) throw error;
        snapshot = { ...snapshot, events: [], cursor: null };
        continue;
      }
      snapshot = {
        userId,
        connections: answer.connections,
        events: [...snapshot.events, ...answer.events],
        cursor: answer.cursor,
        lastMutationId: answer.lastMutationId,
      };
      if (!answer.more) break;
    }
    await writeSnapshot(snapshot);
    // A push whose answer was lost: the service applied these, and the pull says so.
    await pendingQueue.removeThrough(snapshot.lastMutationId);
  }

  const rebuild = () => navigator.locks.request(STATE_LOCK, () => local.rebuild());

  async function report(synced = false) {
    const waiting = (await pendingQueue.all()).length;
    onStatus(!navigator.onLine ? "offline" : waiting ? "pending" : "synced", waiting, synced);
  }

  return {
    /**
     * A command made in this page: queued and applied here in one step under STATE_LOCK; a command
     * the page's own handlers refuse is dropped from the queue, with the handler's answer.
     * @param {Omit<PendingMutation, "id">} mutation
     */
    async run(mutation) {
      const result = await navigator.locks.request(STATE_LOCK, async () => {
        const id = await pendingQueue.add(mutation);
        const outcome = await local.apply(mutation);
        if (!outcome.ok) await pendingQueue.remove([id]);
        return outcome;
      });
      await report();
      return result;
    },

    /** The page's state made again from the snapshot and the queue (after a reload, say). */
    async rebuild() {
      await rebuild();
      await report();
    },

    /** One push and pull, unless another tab is at it (that tab tells this one when it is done). */
    sync: () =>
      navigator.locks.request(SYNC_LOCK, { ifAvailable: true }, async (lock) => {
        if (!lock) return;
        if (!navigator.onLine) return report();
        onStatus("syncing", -1);
        try {
          await push();
          await pull();
          await rebuild();
          onChange();
          await report(true);
        } catch (error) {
          if (error instanceof SyncRefused) return onStatus("signed-out", -1);
          if (!(error instanceof SyncUnavailable) && !(error instanceof SyncBadRequest)) throw error;
          console.warn(`sync: ${/** @type {Error} */ (error).message}`);
          onStatus("offline", -1);
        }
      }),

    report: () => report(),
  };
}
