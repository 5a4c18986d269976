import type { OutboxConnectionStore } from "./index.js";
export type {
  CommitOptions, ConnectionStore, EventQuery, ExpiringCursor, IdempotencyClaim, IdempotencyStore, IdempotentConnectionStore, KeptResponse, SyncClients, SyncRefusal, OutboxConnectionStore, EventOutbox, OutboxEntry, SetAsideEntry, StoreEventBus, StoreRepository,
} from "./index.js";

/** What the store uses of a better-sqlite3 `Database` or a `node:sqlite` `DatabaseSync`. */
export interface SqliteDatabase {
  prepare(sql: string): {
    run(...values: unknown[]): unknown;
    get(...values: unknown[]): any;
    all(...values: unknown[]): any[];
  };
  exec(sql: string): unknown;
}

/** A store on SQLite, through the client you opened (better-sqlite3 12, or node:sqlite on Node 22.5+). */
export declare function sqliteStore(db: SqliteDatabase): OutboxConnectionStore;
