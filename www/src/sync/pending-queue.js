// @ts-check
// The commands made in this browser that the service has not answered yet, oldest first, in the
// app's `pending` store: they survive a reload and a closed tab. Each entry's `id` (the store's key
// generator, which only grows) is the mutation number the push sends. A secret waits here only
// sealed to the service's key (crypto/service-sealer.js) or, before the page has read that key, as
// the page's own AES-GCM ciphertext (crypto/secret-sealer.js), never in plaintext.
//
// One store serves every user who signs in on this browser profile; each entry carries the user
// who made it, and a user's queue is theirs alone: another user's commands are never pushed under
// this user's token. (The app's first offline version stored no user: `claimUnowned` gives each such
// entry to its connection's user.)
import { committed, openAppDatabase, settle } from "../storage/database.js";

const PENDING = "pending";

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

  /** Deletes this user's entries among those with keys in `range`. @param {IDBKeyRange} range */
  const removeIn = (range) =>
    withDatabase(async (db) => {
      const transaction = db.transaction(PENDING, "readwrite");
      const cursors = transaction.objectStore(PENDING).openCursor(range);
      cursors.onsuccess = () => {
        const cursor = cursors.result;
        if (!cursor) return;
        if (isMine(cursor.value)) cursor.delete();
        cursor.continue();
      };
      await committed(transaction);
    });

  return {
    /**
     * Adds a command at the end; resolves with its mutation number once it is stored.
     * @param {Omit<PendingMutation, "id" | "userId">} mutation
     * @returns {Promise<number>}
     */
    add: (mutation) =>
      withDatabase(async (db) => {
        const transaction = db.transaction(PENDING, "readwrite");
        const id = settle(transaction.objectStore(PENDING).add({ ...mutation, userId }));
        await committed(transaction);
        return /** @type {number} */ (await id);
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
    remove: (id) => removeIn(IDBKeyRange.only(id)),

    /** Drops every command of this user's up to `id`: the service has applied (or consumed) them. @param {number} id */
    removeThrough: (id) => (id < 1 ? Promise.resolve() : removeIn(IDBKeyRange.upperBound(id))),
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
