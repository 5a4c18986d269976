// @ts-check
// Offline first: every command runs at once on the page's IndexedDB, through the wasm handlers, and
// waits in the pending queue; when the network is there (on `online`, on a timer, after a command,
// on "Sync now") one tab at a time pushes the queue, pulls what changed and rebuilds the page's
// state from the service's answer plus what is still pending.
//
// Two Web Locks, shared by the tabs of this origin: STATE_LOCK around every change of the page's
// state (a command and its queue entry, a rebuild) and every read of the queue for a push, so a
// rebuild never drops a command made meanwhile and a push never sends one whose run here has not
// ended (and may yet be refused); SYNC_LOCK around a push and pull, taken only if free, so one tab
// syncs at a time.
//
// A command the service applied leaves the queue only once a pull has brought its change into the
// snapshot: until then the page's state is rebuilt (after a reload, say) from the old snapshot with
// the command on top. A command the service refused leaves at once, with its reason.
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
  const queue = pendingQueue(userId);

  /** The mutation as the push route takes it: the secret unsealed here, for the service to seal. @param {PendingMutation} mutation */
  async function wireOf({ id, name, args }) {
    const { credentials, ...rest } = args;
    if (!credentials) return { id, name, args: rest };
    const secret = await sealer.unseal(credentials.sealed);
    return { id, name, args: { ...rest, credentials: { secret, credentialType: credentials.credentialType, expiresAt: credentials.expiresAt } } };
  }

  /**
   * The queue's oldest mutations after `through` that fit one push, with their wire forms; a first
   * mutation too large for any push on its own is `tooLarge` (it would be refused with the whole
   * push, for good). Read under STATE_LOCK: each one's run on the page has ended, and was not refused.
   * @param {number} through
   */
  const nextBatch = (through) => navigator.locks.request(STATE_LOCK, () => batchAfter(through));

  /** @param {number} through */
  async function batchAfter(through) {
    /** @type {PendingMutation[]} */
    const batch = [];
    const wire = [];
    let bytes = jsonBytes({ clientId, mutations: [] });
    const waiting = (await queue.all()).filter((mutation) => mutation.id > through);
    for (const mutation of waiting.slice(0, PUSH_BATCH)) {
      const wired = await wireOf(mutation);
      const more = jsonBytes(wired) + (wire.length > 0 ? 1 : 0);
      if (bytes + more > PUSH_BYTES) return wire.length > 0 ? { batch, wire } : { batch, wire, tooLarge: mutation };
      bytes += more;
      batch.push(mutation);
      wire.push(wired);
    }
    return { batch, wire };
  }

  /**
   * Pushes the queue, oldest first, in pushes the service reads whole; stops where the service
   * stopped. The refused commands leave the queue; the applied ones wait for the pull.
   */
  async function push() {
    let through = 0;
    for (;;) {
      const { batch, wire, tooLarge } = await nextBatch(through);
      if (tooLarge) {
        // Dropped with its reason, as a refusal of the service's would be; the rebuild undoes it.
        await queue.remove(tooLarge.id);
        onRejected([{ label: tooLarge.label, message: TOO_LARGE }]);
        continue;
      }
      if (batch.length === 0) return;
      const answer = await client.push(clientId, wire);
      const refused = answer.results.flatMap((result) => {
        const mutation = batch.find((m) => m.id === result.id);
        return result.ok === false && mutation ? [mutation] : [];
      });
      for (const mutation of refused) await queue.remove(mutation.id);
      if (refused.length) {
        onRejected(refused.map((mutation) => {
          const result = answer.results.find((r) => r.id === mutation.id);
          return { label: mutation.label, message: rejectionMessage(result?.code ?? "", result?.error ?? "") };
        }));
      }
      if (answer.results.length < batch.length) return;
      through = answer.lastMutationId;
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
    // The snapshot now holds the change of every command the service applied (this sync's push, or
    // one whose answer was lost): they are done.
    await queue.removeThrough(snapshot.lastMutationId);
  }

  const rebuild = () => navigator.locks.request(STATE_LOCK, () => local.rebuild());

  async function report(synced = false) {
    const waiting = (await queue.all()).length;
    onStatus(!navigator.onLine ? "offline" : waiting ? "pending" : "synced", waiting, synced);
  }

  return {
    /**
     * A command made in this page: queued and applied here in one step under STATE_LOCK; a command
     * the page's own handlers refuse is dropped from the queue, with the handler's answer.
     * @param {Omit<PendingMutation, "id" | "userId">} mutation
     */
    async run(mutation) {
      const result = await navigator.locks.request(STATE_LOCK, async () => {
        const id = await queue.add(mutation);
        const outcome = await local.apply(mutation);
        if (!outcome.ok) await queue.remove(id);
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
