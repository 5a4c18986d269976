// @ts-check
// What the service last said of this user, in the app's `sync` store: its connections (views, with
// versions), its events, the pull's cursor, and this browser profile's client id. The page's state
// is rebuilt from it plus the pending commands (sync/local-state.js).
import { committed, openAppDatabase, settle } from "../storage/database.js";

const SYNC = "sync";

/**
 * @typedef {import("connect-provider").ProviderConnectionView} ProviderConnectionView
 * @typedef {import("connect-provider").ProviderEvent} ProviderEvent
 * @typedef {{ userId: string, connections: ProviderConnectionView[], events: ProviderEvent[], cursor: string | null, lastMutationId: number }} ServerSnapshot
 */

/** The snapshot of `userId`, or an empty one before the first pull. @returns {Promise<ServerSnapshot>} */
export async function readSnapshot(/** @type {string} */ userId) {
  const db = await openAppDatabase();
  try {
    const found = await settle(db.transaction(SYNC).objectStore(SYNC).get(`snapshot:${userId}`));
    return found ?? { userId, connections: [], events: [], cursor: null, lastMutationId: 0 };
  } finally {
    db.close();
  }
}

/** Stores the snapshot of its user. @param {ServerSnapshot} snapshot */
export async function writeSnapshot(snapshot) {
  const db = await openAppDatabase();
  try {
    const transaction = db.transaction(SYNC, "readwrite");
    transaction.objectStore(SYNC).put(snapshot, `snapshot:${snapshot.userId}`);
    await committed(transaction);
  } finally {
    db.close();
  }
}

/** This browser profile's client id: made once, kept with the snapshot. @returns {Promise<string>} */
export async function clientId() {
  const db = await openAppDatabase();
  try {
    const transaction = db.transaction(SYNC, "readwrite");
    const store = transaction.objectStore(SYNC);
    const found = await settle(store.get("clientId"));
    if (found) return found;
    const made = crypto.randomUUID();
    // `add`, not `put`: a tab that made one at the same time keeps the first.
    store.add(made, "clientId");
    try {
      await committed(transaction);
      return made;
    } catch {
      return settle(db.transaction(SYNC).objectStore(SYNC).get("clientId"));
    }
  } finally {
    db.close();
  }
}
