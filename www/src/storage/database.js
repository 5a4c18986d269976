// @ts-check
// The app's IndexedDB database: one store per kind of record, and promise helpers over the
// callback API.

export const DATABASE_NAME = "connect-provider";

/**
 * 1: the stores `connections` (with `byUser`), `events` (with `byUser`) and `keys`.
 * 2: two indexes on `connections` for the lifecycle queries (see indexeddb-repository.js):
 *    `byUserStatus` on [userId, status] and `byStatusExpiry` on [status, credentials.expiresAt].
 *    Adding an index re-reads the records already stored, so a version 1 database keeps all it has.
 */
export const VERSION = 2;

/** @type {Record<number, (db: IDBDatabase, transaction: IDBTransaction) => void>} */
const UPGRADES = {
  1(db) {
    db.createObjectStore("connections", { keyPath: "id" }).createIndex("byUser", "userId");
    db.createObjectStore("events", { keyPath: "eventId" }).createIndex("byUser", "userId");
    db.createObjectStore("keys");
  },
  2(_db, transaction) {
    const connections = transaction.objectStore("connections");
    connections.createIndex("byUserStatus", ["userId", "status"]);
    // A record without credentials or without an expiry has no key here, so it is not indexed.
    connections.createIndex("byStatusExpiry", ["status", "credentials.expiresAt"]);
  },
};

/**
 * Opens the database, creating or upgrading its stores as needed.
 * @param {string} [name]
 * @param {{ onBlocked?: () => void, onVersionChange?: () => void }} [options]
 *   `onBlocked`: another tab holds an older version open, so the upgrade waits for it to close;
 *   `onVersionChange`: a newer version (another tab, newer code) wants the database, so this
 *   connection has been closed and the page needs reloading.
 * @returns {Promise<IDBDatabase>}
 */
export async function openDatabase(name = DATABASE_NAME, options = {}) {
  const opening = indexedDB.open(name, VERSION);
  opening.onupgradeneeded = (event) => {
    const transaction = /** @type {IDBTransaction} */ (opening.transaction);
    for (let version = event.oldVersion + 1; version <= VERSION; version += 1) UPGRADES[version](opening.result, transaction);
  };
  opening.onblocked = () => options.onBlocked?.();
  const db = await settle(opening);
  db.onversionchange = () => {
    db.close();
    options.onVersionChange?.();
  };
  return db;
}

/**
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
export function settle(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves when the transaction commits; rejects with its error (e.g. QuotaExceededError) if it aborts. */
export function committed(/** @type {IDBTransaction} */ transaction) {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve(undefined);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new DOMException("Transaction aborted", "AbortError"));
  });
}

/**
 * Every record of a store that belongs to `userId`.
 * @param {IDBDatabase} db
 * @param {"connections" | "events"} store
 * @param {string} userId
 */
export function allForUser(db, store, userId) {
  return settle(db.transaction(store).objectStore(store).index("byUser").getAll(userId));
}
