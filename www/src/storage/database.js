// @ts-check
// The app's own corner of the `connect-provider` database: the object store `keys`, which holds
// the sealing key (see crypto/secret-sealer.js), beside the `connections` and `events` of the
// package's IndexedDB store (see main.js). Each adds what it lacks one version up and leaves the
// other's stores alone, so a database of the app's earlier versions is used in place.

export const DATABASE_NAME = "connect-provider";
const KEYS = "keys";
/** How many times opening retries when another tab moves the version on meanwhile. */
const OPEN_ATTEMPTS = 10;

/**
 * Opens the database with its `keys` store, making the store (one version up) in a database that
 * lacks it. The caller closes the connection once it has the key, so it never blocks an upgrade.
 * @param {string} [name]
 * @param {{ onBlocked?: () => void }} [options] `onBlocked`: another tab holds the database open, so
 *   the upgrade waits for it to close.
 * @returns {Promise<IDBDatabase>}
 */
export async function openKeyDatabase(name = DATABASE_NAME, options = {}) {
  for (let attempt = 1; ; attempt += 1) {
    const found = await open(name);
    if (found.objectStoreNames.contains(KEYS)) return found;
    found.close();
    try {
      const upgraded = await open(name, found.version + 1, options.onBlocked);
      if (upgraded.objectStoreNames.contains(KEYS)) return upgraded;
      upgraded.close();
    } catch (error) {
      if (/** @type {DOMException} */ (error)?.name !== "VersionError" || attempt >= OPEN_ATTEMPTS) throw error;
    }
  }
}

/** Opens `version` (or the current one; a new database is made at 1), making `keys` in any upgrade. */
async function open(/** @type {string} */ name, /** @type {number | undefined} */ version = undefined, /** @type {(() => void) | undefined} */ onBlocked = undefined) {
  const opening = version === undefined ? indexedDB.open(name) : indexedDB.open(name, version);
  opening.onupgradeneeded = () => {
    if (!opening.result.objectStoreNames.contains(KEYS)) opening.result.createObjectStore(KEYS);
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
