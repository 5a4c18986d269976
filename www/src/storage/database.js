// @ts-check
// The app's own corner of the `connect-provider` database, beside the `connections` and `events` of
// the package's IndexedDB store (see main.js): `keys` holds the sealing key (crypto/secret-sealer.js),
// `pending` the commands waiting to be pushed (sync/pending-queue.js), and `sync` what the service
// last answered with the profile's client id (sync/server-snapshot.js) and the last mutation number
// given out (sync/pending-queue.js). Each side adds what it lacks one version up and leaves the
// other's stores alone, so a database of the app's earlier versions is used in place.

export const DATABASE_NAME = "connect-provider";
/** The app's object stores and how each is keyed. @type {Record<string, IDBObjectStoreParameters>} */
const APP_STORES = {
  keys: {},
  // Keyed by the mutation number, which sync/pending-queue.js gives (the key generator gave it in
  // the app's earlier versions, and stays for their databases).
  pending: { keyPath: "id", autoIncrement: true },
  sync: {},
};
const hasAppStores = (/** @type {IDBDatabase} */ db) => Object.keys(APP_STORES).every((name) => db.objectStoreNames.contains(name));
/** How many times opening retries when another tab moves the version on meanwhile. */
const OPEN_ATTEMPTS = 10;

/**
 * Opens the database with the app's stores, making those it lacks (one version up). The app keeps
 * this connection for its queue; it lets go whenever another tab asks for a newer version.
 * @param {string} [name]
 * @param {{ onBlocked?: () => void }} [options] `onBlocked`: another tab holds the database open, so
 *   the upgrade waits for it to close.
 * @returns {Promise<IDBDatabase>}
 */
export async function openAppDatabase(name = DATABASE_NAME, options = {}) {
  for (let attempt = 1; ; attempt += 1) {
    const found = await open(name);
    if (hasAppStores(found)) return found;
    found.close();
    try {
      const upgraded = await open(name, found.version + 1, options.onBlocked);
      if (hasAppStores(upgraded)) return upgraded;
      upgraded.close();
    } catch (error) {
      if (/** @type {DOMException} */ (error)?.name !== "VersionError" || attempt >= OPEN_ATTEMPTS) throw error;
    }
  }
}

/** Opens `version` (or the current one; a new database is made at 1), making the app's stores in any upgrade. */
async function open(/** @type {string} */ name, /** @type {number | undefined} */ version = undefined, /** @type {(() => void) | undefined} */ onBlocked = undefined) {
  const opening = version === undefined ? indexedDB.open(name) : indexedDB.open(name, version);
  opening.onupgradeneeded = () => {
    for (const [store, options] of Object.entries(APP_STORES)) {
      if (!opening.result.objectStoreNames.contains(store)) opening.result.createObjectStore(store, options);
    }
  };
  opening.onblocked = () => onBlocked?.();
  const db = await settle(opening);
  db.onversionchange = () => db.close();
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
