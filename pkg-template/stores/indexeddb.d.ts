import type { ConnectionStore } from "./index.js";
import type { ProviderConnectionRecord, ProviderEvent } from "../index.js";
export type { ConnectionStore, EventQuery, StoreEventBus, StoreRepository } from "./index.js";

export interface IndexedDbStoreOptions {
  /** The database's name; `"connect-provider"` when absent. Other object stores in it are left alone. */
  name?: string;
  /** The IndexedDB to use; `globalThis.indexedDB` (a page's or a worker's) when absent. */
  indexedDB?: IDBFactory;
  /** The key ranges of that same IndexedDB; `globalThis.IDBKeyRange` when absent. */
  IDBKeyRange?: typeof IDBKeyRange;
  /** An upgrade of the schema waits for other connections (other tabs) to close the database. */
  onBlocked?: () => void;
  /**
   * Another connection (another tab, newer code) asked for a newer version: the store has closed its
   * connection so as not to block it, and opens the database again when next used.
   */
  onVersionChange?: () => void;
}

export interface IndexedDbStore extends ConnectionStore {
  /**
   * Opens the database (every method does, on first use), making or completing its object stores
   * `connections` and `events` in one upgrade, one version up, when they are missing or short.
   */
  migrate(): Promise<void>;
  /**
   * Replaces everything the store holds of `userId` (its connections and its events) with `records`
   * and `events`, in one transaction: an offline client's rebase onto the state a server sent it.
   * Each record is checked as `save` checks it, and must be the user's, before anything is written.
   */
  replaceUser(userId: string, state: { records: ProviderConnectionRecord[]; events: ProviderEvent[] }): Promise<void>;
  /** Closes the connection; a later call opens it again. */
  close(): void;
}

/** A store on IndexedDB, in a page or a worker: one database, opened when first used. */
export declare function indexedDbStore(options?: IndexedDbStoreOptions): IndexedDbStore;
