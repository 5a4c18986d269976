// @ts-check
// The app's IndexedDB database: one store per kind of record, and promise helpers over the
// callback API.

export const DATABASE_NAME = "connect-provider";
const VERSION = 1;

/** Opens the database, creating its stores on first use. */
export function openDatabase(name = DATABASE_NAME) {
  const opening = indexedDB.open(name, VERSION);
  opening.onupgradeneeded = () => {
    const db = opening.result;
    db.createObjectStore("connections", { keyPath: "id" }).createIndex("byUser", "userId");
    db.createObjectStore("events", { keyPath: "eventId" }).createIndex("byUser", "userId");
    db.createObjectStore("keys");
  };
  return settle(opening);
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
