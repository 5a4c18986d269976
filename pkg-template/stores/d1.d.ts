import type { OutboxConnectionStore } from "./index.js";
export type {
  CommitOptions, ConnectionStore, EventQuery, ExpiringCursor, IdempotencyClaim, IdempotencyStore, IdempotentConnectionStore, KeptResponse, SyncClients, SyncRefusal, OutboxConnectionStore, EventOutbox, OutboxEntry, SetAsideEntry, StoreEventBus, StoreRepository,
} from "./index.js";

/** What the store uses of a Cloudflare `D1Database` binding. */
export interface D1Database {
  prepare(sql: string): D1PreparedStatement;
  batch(statements: D1PreparedStatement[]): Promise<unknown[]>;
}
export interface D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement;
  first(): Promise<Record<string, unknown> | null>;
  all(): Promise<{ results: Record<string, unknown>[] }>;
  run(): Promise<unknown>;
}

/** A store on Cloudflare D1, through the Worker's binding (`env.DB`). */
export declare function d1Store(db: D1Database): OutboxConnectionStore;
