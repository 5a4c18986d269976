// @ts-check
// A ProviderConnectionRepository over IndexedDB: `save` is an upsert in one transaction, so a
// failed save (quota, abort) leaves nothing behind.
import { allForUser, committed } from "./database.js";

/** @typedef {import("connect-provider").ProviderConnectionRecord} ProviderConnectionRecord */

/** @param {IDBDatabase} db */
export function indexedDbRepository(db) {
  return {
    /** @param {ProviderConnectionRecord} connection */
    async save(connection) {
      const transaction = db.transaction("connections", "readwrite");
      transaction.objectStore("connections").put(connection);
      await committed(transaction);
    },

    /** The user's connections, newest first. @returns {Promise<ProviderConnectionRecord[]>} */
    async listForUser(/** @type {string} */ userId) {
      const connections = await allForUser(db, "connections", userId);
      return connections.sort((a, b) => (a.id < b.id ? 1 : -1));
    },
  };
}
