// @ts-check
// The commands made in this browser that the service has not answered yet, oldest first, in the
// app's `pending` store: they survive a reload and a closed tab. Each entry's `id` is the mutation
// number the push sends: the clock's milliseconds, or one past the last number given out when the
// clock has not moved past it (`mutationClock` in the `sync` store, which each pull's trim moves up
// to the service's last number too). Numbers that follow the clock go on past any the service took
// from this profile, even once the profile is restored from a backup that still holds older numbers
// (a restored key generator would give those out again, and the service would answer them
// `applied: "before"`, unrun). A secret waits here only
// sealed to the service's key (crypto/service-sealer.js) or, before the page has read that key, as
// the page's own AES-GCM ciphertext (crypto/secret-sealer.js), never in plaintext.
//
// One store serves every user who signs in on this browser profile; each entry carries the user
// who made it, and a user's queue is theirs alone: another user's commands are never pushed under
// this user's token. (The app's first offline version stored no user: `claimUnowned` gives each such
// entry to its connection's user.)
import { committed, openAppDatabase, settle } from "../storage/database.js";

const PENDING = "pending";
const SYNC = "sync";
/** The last mutation number given out, under the `sync` store. */
const MUTATION_CLOCK = "mutationClock";

/**
 * @typedef {{ sealed: Uint8Array, credentialType: string, expiresAt: string | null, sealedTo?: "service" }} PendingCredentials
 *   `sealedTo: "service"`: sealed to the service's key (crypto/service-sealer.js), which the page cannot
 *   open; otherwise the page's own ciphertext (crypto/secret-sealer.js)
 * @typedef {{ connectionId: string, providerId?: string, providerSlug?: string, alias?: string | null, credentials?: PendingCredentials }} PendingArgs
 * @typedef {{ id: number, userId?: string, name: "connect" | "refresh" | "disconnect", args: PendingArgs, label: string }} PendingMutation
 */

/** Runs `body` on the app database, closing it after. @template T @param {(db: IDBDatabase) => Promise<T>} body */
async function withDatabase(body) {
  const db = await openAppDatabase();
  try {
    return await body(db);
  } finally {
    db.close();
  }
}

/** The queue of the commands `userId` made on this browser profile. @param {string} userId */
export function pendingQueue(userId) {
  const isMine = (/** @type {PendingMutation} */ entry) => entry.userId === userId;

  /** Deletes this user's entries among those with keys in `range`, in `transaction` (which it sees committed). @param {IDBKeyRange} range @param {IDBTransaction} transaction */
  const removeIn = async (range, transaction) => {
    const cursors = transaction.objectStore(PENDING).openCursor(range);
    cursors.onsuccess = () => {
      const cursor = cursors.result;
      if (!cursor) return;
      if (isMine(cursor.value)) cursor.delete();
      cursor.continue();
    };
    await committed(transaction);
  };

  return {
    /**
     * Adds a command at the end; resolves with its mutation number once it is stored.
     * @param {Omit<PendingMutation, "id" | "userId">} mutation
     * @returns {Promise<number>}
     */
    add: (mutation) =>
      withDatabase(async (db) => {
        const transaction = db.transaction([PENDING, SYNC], "readwrite");
        const clock = transaction.objectStore(SYNC);
        const pending = transaction.objectStore(PENDING);
        // Past the last entry too: a tab still running an earlier version numbers by the key generator.
        const last = await settle(pending.openKeyCursor(null, "prev"));
        const given = Math.max((await settle(clock.get(MUTATION_CLOCK))) ?? 0, /** @type {number} */ (last?.key ?? 0));
        const id = Math.max(given + 1, Date.now());
        clock.put(id, MUTATION_CLOCK);
        pending.add({ ...mutation, userId, id });
        await committed(transaction);
        return id;
      }),

    /**
     * This user's commands after mutation `after`, oldest first. Callers pass the snapshot's
     * `lastMutationId`: the service has applied (or refused) everything up to it, which a pull
     * removes but a page closed in between may have left.
     * @param {number} [after] @returns {Promise<PendingMutation[]>}
     */
    all: (after = 0) =>
      withDatabase(async (db) => {
        const entries = await settle(db.transaction(PENDING).objectStore(PENDING).getAll(IDBKeyRange.lowerBound(after, true)));
        return entries.filter(isMine);
      }),

    /** Drops this one command (refused, by this page or the service). @param {number} id */
    remove: (id) => withDatabase((db) => removeIn(IDBKeyRange.only(id), db.transaction(PENDING, "readwrite"))),

    /**
     * Drops every command of this user's up to `id`: the service has applied (or consumed) them. The
     * numbers given out next are past `id`, even on a clock that is behind the one that gave it (a
     * profile restored from a backup onto another machine, once it has pulled). @param {number} id
     */
    removeThrough: (id) =>
      id < 1
        ? Promise.resolve()
        : withDatabase(async (db) => {
            const transaction = db.transaction([PENDING, SYNC], "readwrite");
            const clock = transaction.objectStore(SYNC);
            if (((await settle(clock.get(MUTATION_CLOCK))) ?? 0) < id) clock.put(id, MUTATION_CLOCK);
            await removeIn(IDBKeyRange.upperBound(id), transaction);
          }),
  };
}

/**
 * Gives each entry that names no user (the app's first offline version stored none) to the user of
 * the page's record of its connection: the one whose command made or read it here. An entry whose
 * connection has no record stays with no user, pushed by none. Run under the state lock.
 * @param {(connectionId: string) => Promise<string | null>} ownerOf
 */
export async function claimUnowned(ownerOf) {
  const entries = await withDatabase((db) => settle(db.transaction(PENDING).objectStore(PENDING).getAll()));
  /** @type {Map<number, string>} */
  const owners = new Map();
  for (const entry of entries.filter((e) => e.userId === undefined)) {
    const owner = await ownerOf(entry.args.connectionId);
    if (owner !== null) owners.set(entry.id, owner);
  }
  if (owners.size === 0) return;
  // Each entry read again in the transaction that gives it away: one a tab of the first version
  // pushed and removed meanwhile is not brought back, one claimed meanwhile keeps its user.
  await withDatabase(async (db) => {
    const transaction = db.transaction(PENDING, "readwrite");
    const pending = transaction.objectStore(PENDING);
    for (const [id, owner] of owners) {
      const reading = pending.get(id);
      reading.onsuccess = () => {
        const entry = reading.result;
        if (entry && entry.userId === undefined) pending.put({ ...entry, userId: owner });
      };
    }
    await committed(transaction);
  });
}
