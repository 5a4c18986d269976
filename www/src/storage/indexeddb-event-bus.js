// @ts-check
// An EventBus that keeps every domain event in IndexedDB, then tells the page.
import { allForUser, committed } from "./database.js";

/** @typedef {import("connect-provider").ProviderEvent} ProviderEvent */

/**
 * @param {IDBDatabase} db
 * @param {{ onPublished?: (event: ProviderEvent) => void }} [options]
 */
export function indexedDbEventBus(db, options = {}) {
  return {
    /** @param {ProviderEvent} event */
    async publish(event) {
      const transaction = db.transaction("events", "readwrite");
      transaction.objectStore("events").put(event);
      await committed(transaction);
      options.onPublished?.(event);
    },

    /** The user's events, newest first (UUID v7 ids sort by time). @returns {Promise<ProviderEvent[]>} */
    async listForUser(/** @type {string} */ userId) {
      const events = await allForUser(db, "events", userId);
      return events.sort((a, b) => (a.eventId < b.eventId ? 1 : -1));
    },
  };
}
