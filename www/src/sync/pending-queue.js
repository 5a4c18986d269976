// @ts-check
// The commands made in this browser that the service has not answered yet, oldest first, in the
// app's `pending` store: they survive a reload and a closed tab. Each entry's `id` (the store's key
// generator, which only grows) is the mutation number the push sends. A secret waits here only as
// the page's AES-GCM ciphertext (crypto/secret-sealer.js), never in plaintext.
import { committed, openAppDatabase, settle } from "../storage/database.js";

const PENDING = "pending";

/**
 * @typedef {{ sealed: Uint8Array, credentialType: string, expiresAt: string | null }} PendingCredentials
 * @typedef {{ connectionId: string, providerId?: string, providerSlug?: string, alias?: string | null, credentials?: PendingCredentials }} PendingArgs
 * @typedef {{ id: number, name: "connect" | "refresh" | "disconnect", args: PendingArgs, label: string }} PendingMutation
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

export const pendingQueue = {
  /**
   * Adds a command at the end; resolves with its mutation number once it is stored.
   * @param {Omit<PendingMutation, "id">} mutation
   * @returns {Promise<number>}
   */
  add: (mutation) =>
    withDatabase(async (db) => {
      const transaction = db.transaction(PENDING, "readwrite");
      const id = settle(transaction.objectStore(PENDING).add(mutation));
      await committed(transaction);
      return /** @type {number} */ (await id);
    }),

  /** Every waiting command, oldest first. @returns {Promise<PendingMutation[]>} */
  all: () => withDatabase((db) => settle(db.transaction(PENDING).objectStore(PENDING).getAll())),

  /** Drops these commands (answered, or refused by this page). @param {number[]} ids */
  remove: (ids) =>
    withDatabase(async (db) => {
      if (ids.length === 0) return;
      const transaction = db.transaction(PENDING, "readwrite");
      for (const id of ids) transaction.objectStore(PENDING).delete(id);
      await committed(transaction);
    }),

  /** Drops every command up to `id`: the service has applied (or consumed) them. @param {number} id */
  removeThrough: (id) =>
    withDatabase(async (db) => {
      if (id < 1) return;
      const transaction = db.transaction(PENDING, "readwrite");
      transaction.objectStore(PENDING).delete(IDBKeyRange.upperBound(id));
      await committed(transaction);
    }),
};
