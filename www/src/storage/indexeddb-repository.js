// @ts-check
// A ProviderConnectionRepository over IndexedDB, with every method the package's handlers use.
// `save` is an upsert in one transaction, so a failed save (quota, abort) leaves nothing behind.
// Records are stored as `save` receives them and read back unchanged (structured clone keeps the
// `Uint8Array` of `credentials.encryptedData`).
import { allForUser, committed, settle } from "./database.js";

/** @typedef {import("connect-provider").ProviderConnectionRecord} ProviderConnectionRecord */

/** Below every ISO 8601 string, so a key range can start at "no earlier expiry". */
const EARLIEST = "";

/** @param {IDBDatabase} db */
export function indexedDbRepository(db) {
  const connections = () => db.transaction("connections").objectStore("connections");

  return {
    /** @param {ProviderConnectionRecord} connection */
    async save(connection) {
      const transaction = db.transaction("connections", "readwrite");
      transaction.objectStore("connections").put(connection);
      await committed(transaction);
    },

    /** @returns {Promise<ProviderConnectionRecord | null>} */
    async findById(/** @type {string} */ connectionId) {
      return (await settle(connections().get(connectionId))) ?? null;
    },

    /** The user's connections in every status (the handler orders them). @returns {Promise<ProviderConnectionRecord[]>} */
    findByUserId(/** @type {string} */ userId) {
      return allForUser(db, "connections", userId);
    },

    /** The user's active connections, from the [userId, status] index. @returns {Promise<ProviderConnectionRecord[]>} */
    findActiveByUser(/** @type {string} */ userId) {
      return settle(connections().index("byUserStatus").getAll([userId, "active"]));
    },

    /**
     * Active connections whose credentials expire at or before `instant`, every user's (it is a
     * refresh job's query). Read from the [status, credentials.expiresAt] index rather than by
     * scanning: records without credentials or expiry are not in it, and the range stops at
     * `instant`. The expiries are `toISOString` text, which sorts by time for years 0000–9999;
     * the rarer six-digit years (`+010000-…`, `-000001-…`) sort below every four-digit one, so
     * the range starts below them all and each candidate is then compared as a time.
     * @param {string} instant an ISO 8601 instant
     * @returns {Promise<ProviderConnectionRecord[]>}
     */
    async findExpiringBefore(instant) {
      const range = IDBKeyRange.bound(["active", EARLIEST], ["active", instant]);
      const candidates = await settle(connections().index("byStatusExpiry").getAll(range));
      const by = Date.parse(instant);
      return candidates.filter((connection) => Date.parse(connection.credentials?.expiresAt ?? "") <= by);
    },
  };
}
