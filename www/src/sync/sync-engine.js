// @ts-check
// Offline first: every command runs at once on the page's IndexedDB, through the wasm handlers, and
// waits in the pending queue; when the network is there (on `online`, on a timer, after a command,
// on "Sync now") one tab at a time pushes the queue, pulls what changed and rebuilds the page's
// state from the service's answer plus what is still pending. A 429 or 503 that says when to come
// back (`Retry-After`) is waited out: a sync asked for meanwhile only shows what waits; after a 429
// one runs when the wait ends; "Sync now" does not wait.
//
// Two Web Locks, shared by the tabs of this origin: STATE_LOCK around every change of the page's
// state (a command and its queue entry, a rebuild, a pull's snapshot and queue trim) and every read
// of the queue for a push, so a rebuild never drops a command made meanwhile and a push never sends
// one whose run here has not ended (and may yet be refused); SYNC_LOCK around a push and pull, so
// one tab syncs at a time (a tab that finds it held waits its turn).
//
// A command the service applied leaves the queue only once a pull has brought its change into the
// snapshot: until then the page's state is rebuilt (after a reload, say) from the old snapshot with
// the command on top. A command the service refused leaves at once, with its reason, and the page's
// state is rebuilt without it even when the pull then fails.
import { SEALED_TO_SERVICE_OVERHEAD, keepServiceKey, serviceKeyOf } from "../crypto/service-sealer.js";
import { claimUnowned, pendingQueue } from "./pending-queue.js";
import { readSnapshot, writeSnapshot } from "./server-snapshot.js";
import { SyncBadRequest, SyncBusy, SyncRefused, SyncUnavailable, syncClient } from "./sync-client.js";

const STATE_LOCK = "connect-provider:state";
const SYNC_LOCK = "connect-provider:sync";
/** The push route takes at most this many mutations, */
const PUSH_BATCH = 100;
/** in a body of at most 64 KiB (the services' MAX_BODY_BYTES, past which a push is 413): a batch
 * is filled up to this many bytes of JSON, the rest waiting for the next push. */
const PUSH_BYTES = 60 * 1024;
const jsonBytes = (/** @type {unknown} */ value) => new TextEncoder().encode(JSON.stringify(value)).length;
/** What the user reads of a command no push could carry, or whose secret the service would refuse. */
export const TOO_LARGE = "Too large to sync: the service takes a secret of at most 32 KiB";
/** The service's longest secret, in UTF-8 bytes (MAX_SECRET_BYTES of connect-provider/service). */
const SERVICE_SECRET_BYTES = 32 * 1024;
/** The length of a mutation's secret, in UTF-8 bytes. @param {PendingMutation} mutation @param {{ args: { credentials?: { secret?: string } } }} wired */
function secretBytes(mutation, wired) {
  const credentials = mutation.args.credentials;
  if (!credentials) return 0;
  if (credentials.sealedTo === "service") return credentials.sealed.length - SEALED_TO_SERVICE_OVERHEAD;
  return new TextEncoder().encode(wired.args.credentials?.secret ?? "").length;
}
/** Standard base64, as the push takes a sealed secret. @param {Uint8Array} bytes */
const base64 = (bytes) => btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(""));
/** What the user reads of a command whose secret this page can no longer decrypt (its key or entry damaged). */
export const UNREADABLE = "Its secret could not be read back in this browser: enter it again";

/**
 * @typedef {import("./pending-queue.js").PendingMutation} PendingMutation
 * @typedef {{ label: string, message: string }} Rejection
 * @typedef {"synced" | "pending" | "offline" | "syncing" | "signed-out" | "refused"} SyncState
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
 * @param {() => void} parts.onWake the wait the service asked for (`Retry-After`) is over: sync
 */
export function syncEngine({ userId, clientId, endpoint, local, sealer, onStatus, onRejected, onChange, onWake }) {
  const client = syncClient(endpoint);
  const queue = pendingQueue(userId);
  /**
   * Until when (`performance.now()`) the service asked this tab not to call (a 429's or a 503's
   * `Retry-After`): a sync asked for meanwhile only shows what waits, and one runs when it ends.
   */
  let quietUntil = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let wakeTimer;
  /**
   * @param {number} ms the wait asked for, more than 0
   * @param {boolean} wake sync when it ends: after a 429 (a backlog goes on at the limit's pace); after a
   *   503 the page's own timer syncs next, so an outage is not called every few seconds from every tab
   */
  function keepQuiet(ms, wake) {
    quietUntil = performance.now() + ms;
    clearTimeout(wakeTimer);
    wakeTimer = wake ? setTimeout(onWake, ms) : undefined;
  }

  /**
   * The mutation as the push route takes it: a secret sealed to the service as it is
   * (`sealedSecret`), one sealed with the page's own key unsealed here, for the service to seal;
   * `null` when the secret cannot be decrypted. @param {PendingMutation} mutation
   */
  async function wireOf({ id, name, args }) {
    const { credentials, ...rest } = args;
    if (!credentials) return { id, name, args: rest };
    if (credentials.sealedTo === "service") {
      return { id, name, args: { ...rest, credentials: { sealedSecret: base64(credentials.sealed), credentialType: credentials.credentialType, expiresAt: credentials.expiresAt } } };
    }
    const secret = await sealer.unseal(credentials.sealed).catch(() => null);
    if (secret === null) return null;
    return { id, name, args: { ...rest, credentials: { secret, credentialType: credentials.credentialType, expiresAt: credentials.expiresAt } } };
  }

  /**
   * The queue's oldest mutations after `through` that fit one push, with their wire forms. A first
   * mutation that no push can carry (too large for one on its own, which would be refused with the
   * whole push for good; a secret over the service's limit; or a secret that cannot be decrypted)
   * is `dropped`, with why. Read under
   * STATE_LOCK: each one's run on the page has ended, and was not refused.
   * @param {number} through
   * @returns {Promise<{ batch: PendingMutation[], wire: object[], dropped?: { mutation: PendingMutation, why: string } }>}
   */
  const nextBatch = (through) =>
    navigator.locks.request(STATE_LOCK, async () => {
      /** @type {PendingMutation[]} */
      const batch = [];
      const wire = [];
      let bytes = jsonBytes({ clientId, mutations: [] });
      for (const mutation of (await queue.all(through)).slice(0, PUSH_BATCH)) {
        const wired = await wireOf(mutation);
        if (wired === null) return wire.length > 0 ? { batch, wire } : { batch, wire, dropped: { mutation, why: UNREADABLE } };
        const more = jsonBytes(wired) + (wire.length > 0 ? 1 : 0);
        // A secret over the service's limit would be answered "Invalid or missing credentials".
        if (bytes + more > PUSH_BYTES || secretBytes(mutation, wired) > SERVICE_SECRET_BYTES) {
          return wire.length > 0 ? { batch, wire } : { batch, wire, dropped: { mutation, why: TOO_LARGE } };
        }
        bytes += more;
        batch.push(mutation);
        wire.push(wired);
      }
      return { batch, wire };
    });

  /**
   * Pushes the queue after the snapshot's last mutation, oldest first, in pushes the service reads
   * whole; stops where the service stopped. Refused commands leave the queue, and the page shows
   * why at once (every refusal of this sync so far, in `rejections`); applied ones wait for the pull.
   * @param {Rejection[]} rejections
   */
  async function push(rejections) {
    /** @param {PendingMutation} mutation @param {string} message */
    const refused = async (mutation, message) => {
      // The page's state still holds its change until the rebuild: marked stale with its removal.
      await navigator.locks.request(STATE_LOCK, async () => {
        local.markUnfinished();
        await queue.remove(mutation.id);
      });
      rejections.push({ label: mutation.label, message });
      onRejected([...rejections]);
    };
    let through = (await readSnapshot(userId)).lastMutationId;
    for (;;) {
      const { batch, wire, dropped } = await nextBatch(through);
      if (dropped) {
        // Dropped with its reason, as a refusal of the service's would be; the rebuild undoes it.
        await refused(dropped.mutation, dropped.why);
        continue;
      }
      if (batch.length === 0) return;
      const answer = await client.push(clientId, wire);
      for (const result of answer.results) {
        const mutation = batch.find((m) => m.id === result.id);
        if (result.ok !== false || !mutation) continue;
        await refused(mutation, rejectionMessage(result.code ?? "", result.error ?? ""));
      }
      if (answer.results.length < batch.length) return;
      through = answer.lastMutationId;
    }
  }

  /**
   * Pulls every page of what changed since the snapshot's cursor into the snapshot, each page kept
   * as it comes: a pull cut short goes on next time from the last page it kept.
   */
  async function pull() {
    let snapshot = await readSnapshot(userId);
    for (;;) {
      let answer;
      try {
        answer = await client.pull(clientId, snapshot.cursor);
      } catch (error) {
        // The cursor names no event of the service's (its data was reset): read the log from the start.
        if (!(error instanceof SyncBadRequest) || error.status !== 400 || snapshot.cursor === null) throw error;
        snapshot = { ...snapshot, events: [], cursor: null };
        continue;
      }
      // An event the snapshot holds already is not added again (the log's eventIds are one each).
      const held = new Set(snapshot.events.map((event) => event.eventId));
      snapshot = {
        userId,
        connections: answer.connections,
        events: [...snapshot.events, ...answer.events.filter((event) => !held.has(event.eventId))],
        cursor: answer.cursor,
        lastMutationId: answer.lastMutationId,
      };
      // Each page holds all the user's connections: with it, the snapshot holds the change of every
      // command the service applied (this sync's push, or one whose answer was lost), which are done.
      // Both under STATE_LOCK, so a rebuild reads the old snapshot with the whole queue or the new
      // one with what is left of it, never the old snapshot without the commands it lacks. (Readers
      // of the queue skip them by lastMutationId meanwhile.)
      const kept = snapshot;
      await navigator.locks.request(STATE_LOCK, async () => {
        local.markUnfinished();
        await writeSnapshot(kept);
        await queue.removeThrough(kept.lastMutationId);
      });
      if (!answer.more) return;
    }
  }

  /** Whether this page has read the service's sealing key (or learnt the service has none). */
  let keyRead = false;
  /**
   * The key the page seals the next queued secrets to (crypto/service-sealer.js), read once a page
   * load, at its first sync, and kept for the offline loads. Not read: the page seals with its own key.
   */
  async function readServiceKey() {
    if (keyRead) return;
    try {
      const key = await serviceKeyOf(await client.key());
      if (key) keepServiceKey(endpoint.service, key);
      keyRead = true;
    } catch (error) {
      // A service without the route (older) will not grow one this page load; anything else, the push says.
      if (error instanceof SyncBadRequest) keyRead = true;
    }
  }

  /** The page's state made again from the snapshot and the queue, and shown. */
  async function rebuild() {
    await navigator.locks.request(STATE_LOCK, () => local.rebuild());
    onChange();
  }

  /** The commands still waiting for the service: those after the snapshot's last mutation. */
  const waiting = async () => (await queue.all((await readSnapshot(userId)).lastMutationId)).length;

  /** What this tab's own sync last said that a count of the queue must not replace: it is syncing, or the service refused its token or its request. @type {SyncState | null} */
  let held = null;

  /** Shows what waits; `synced`: at the end of this tab's sync, whose say it is. */
  async function report(synced = false) {
    const count = await waiting();
    if (held && !synced && navigator.onLine) return;
    onStatus(!navigator.onLine ? "offline" : count ? "pending" : "synced", count, synced);
  }

  return {
    /**
     * A command made in this page: queued and applied here in one step under STATE_LOCK; a command
     * the page's own handlers refuse is dropped from the queue, with the handler's answer.
     * @param {Omit<PendingMutation, "id" | "userId">} mutation
     */
    async run(mutation) {
      const result = await navigator.locks.request(STATE_LOCK, async () => {
        if (local.unfinished()) {
          await local.rebuild();
          onChange();
        }
        const id = await queue.add(mutation);
        let outcome;
        try {
          outcome = await local.apply(mutation);
        } catch (error) {
          // Not run here (the module restarted under it, say): not queued either, or a command the
          // page reports as failed would be pushed all the same, and made again by a user who retries.
          await queue.remove(id);
          throw error;
        }
        if (!outcome.ok) await queue.remove(id);
        return outcome;
      });
      // The command is made and queued: a status line that cannot be counted now must not turn it into a failure.
      await report().catch((error) => console.warn("sync: the status line was not updated:", error));
      return result;
    },

    /**
     * The page's state made again from the snapshot and the queue (after a reload, say); the
     * queue's entries of the app's first offline version, which name no user, go to theirs first.
     * @param {(connectionId: string) => Promise<string | null>} ownerOf the user of the page's record of a connection
     */
    async start(ownerOf) {
      await navigator.locks.request(STATE_LOCK, () => claimUnowned(ownerOf));
      await rebuild();
      await report();
    },

    /**
     * One push and pull. One tab syncs at a time: a tab that finds another at it waits, then syncs
     * its own (its user's commands, made while the other synced).
     */
    sync: () =>
      navigator.locks.request(SYNC_LOCK, async () => {
        if (!navigator.onLine || performance.now() < quietUntil) {
          // Offline, a rebuild another tab left unfinished is finished here, from what this profile holds.
          if (local.unfinished()) await rebuild();
          return report();
        }
        held = "syncing";
        onStatus("syncing", -1);
        /** @type {Rejection[]} */
        const rejections = [];
        try {
          await readServiceKey();
          await push(rejections);
          await pull();
          await rebuild();
          held = null;
          await report(true);
        } catch (error) {
          held = error instanceof SyncRefused ? "signed-out" : error instanceof SyncBadRequest ? "refused" : null;
          // Refused commands left the queue: the page's state is made again without them, the pull or not.
          if (rejections.length) await rebuild().catch((failed) => console.warn("sync: the page's state was not made again:", failed));
          if (error instanceof SyncRefused) return onStatus("signed-out", -1);
          if (!(error instanceof SyncUnavailable) && !(error instanceof SyncBadRequest)) throw error;
          console.warn(`sync: ${/** @type {Error} */ (error).message}`);
          // A wait of 0 (or a date already past) is none: no wake that would call the service again at once.
          if (error instanceof SyncUnavailable && error.retryAfterMs !== null && error.retryAfterMs > 0) keepQuiet(error.retryAfterMs, error instanceof SyncBusy);
          // A request the service will not take is no network trouble: the changes stay queued, and
          // the page says so rather than "Offline".
          // The write limit reached (a large backlog meets it): online, with changes waiting.
          onStatus(error instanceof SyncBadRequest ? "refused" : error instanceof SyncBusy ? "pending" : "offline", await waiting());
        }
      }),

    /** Shows what waits (another tab changed it, or the network went), unless this tab's sync has the say. */
    report: () => report(),

    /** The user asked to sync now ("Sync now"): the next sync calls the service, whatever wait it asked for. */
    resume() {
      quietUntil = 0;
      clearTimeout(wakeTimer);
    },
  };
}
