import type { OutboxConnectionStore } from "./index.js";
export type {
  CommitOptions, ConnectionStore, EventQuery, ExpiringCursor, IdempotencyClaim, IdempotencyStore, IdempotentConnectionStore, KeptResponse, SyncClients, SyncRefusal, OutboxConnectionStore, EventOutbox, OutboxEntry, SetAsideEntry, StoreEventBus, StoreRepository,
} from "./index.js";

/** What the store uses of a node-postgres (`pg`) `Pool` or `Client`. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  connect?(): unknown;
}

/** A store on PostgreSQL, on the original service's provider_connections table, through your pg Pool or Client. */
export declare function postgresStore(db: PgQueryable): OutboxConnectionStore;
