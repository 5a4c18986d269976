// What every store module returns: the repository and event bus the handlers take, its schema's
// migration, and its event log read back.
import type { ProviderConnectionRecord, ProviderEvent } from "../index.js";

export interface StoreRepository {
  /**
   * Writes the record if it is the next version: `version` 1 where no record has its `id`, or one
   * more than the stored record's. Resolves `true` when written, `false` when it was not (the
   * record is stale: nothing is written). The check is made in the database, so of two writers of
   * the same version exactly one wins. The first `createdAt` saved is kept. Rejects, with nothing
   * written, a record with a bad field (naming it) or a value the store cannot hold (naming its limit).
   */
  save(record: ProviderConnectionRecord): Promise<boolean>;
  /**
   * The same conditional write as `save`, and `events` appended to the log in order, in one atomic
   * step: resolves `true` with all of it written, `false` with nothing written (no event either)
   * when the record is stale, and rejects with nothing written when the database fails. Each event
   * is checked as `eventBus.publish` checks one, before anything is written.
   */
  commit(record: ProviderConnectionRecord, events: ProviderEvent[]): Promise<boolean>;
  findById(connectionId: string): Promise<ProviderConnectionRecord | null>;
  /** Every status, the disconnected ones included. */
  findByUserId(userId: string): Promise<ProviderConnectionRecord[]>;
  findActiveByUser(userId: string): Promise<ProviderConnectionRecord[]>;
  /** Active records whose credentials expire at or before `instant` (an ISO string), expired ones included. */
  findExpiringBefore(instant: string): Promise<ProviderConnectionRecord[]>;
  /** The store's own event bus (the very object `ConnectionStore.eventBus` is): handlers given both commit through `commit`. */
  eventBus: StoreEventBus;
}

export interface StoreEventBus {
  /** Appends the event to the store's log, in the same database as the connections. */
  publish(event: ProviderEvent): Promise<void>;
}

export interface EventQuery {
  /** Only this user's events. */
  userId?: string | null;
  /** Only events published after the one with this `eventId` (of this user's, with `userId`). */
  after?: string | null;
  /** At most this many, from 1 to 10,000; 1,000 when absent. */
  limit?: number | null;
}

export interface ConnectionStore {
  repository: StoreRepository;
  eventBus: StoreEventBus;
  /** Creates or upgrades the store's tables, indexes, keyspace or object stores; safe to run again, and from two processes at once. */
  migrate(): Promise<void>;
  /** The event log in publishing order (the store's own sequence), each event as it was published. */
  events(query?: EventQuery): Promise<ProviderEvent[]>;
}
