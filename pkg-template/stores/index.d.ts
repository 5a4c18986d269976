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
  commit(record: ProviderConnectionRecord, events: ProviderEvent[], options?: CommitOptions): Promise<boolean>;
  findById(connectionId: string): Promise<ProviderConnectionRecord | null>;
  /**
   * `findById` for one user: the record when it is `userId`'s, `false` when the connection is
   * another user's (read no further than its owner: no more work, and no failure to read it, than
   * for one that is not there), `null` when there is none. The services' repositories find through
   * it, so another user's connection is not found in time either. Optional for a store of your own.
   */
  findOwned?(connectionId: string, userId: string): Promise<ProviderConnectionRecord | false | null>;
  /** Every status, the disconnected ones included. */
  findByUserId(userId: string): Promise<ProviderConnectionRecord[]>;
  findActiveByUser(userId: string): Promise<ProviderConnectionRecord[]>;
  /** Active records whose credentials expire at or before `instant` (an ISO string), expired ones included. */
  findExpiringBefore(instant: string): Promise<ProviderConnectionRecord[]>;
  /**
   * findExpiringBefore's answer a page at a time, by expiry (to the millisecond) then id: the records of at
   * most `limit` (1 to 1,000) entries after `after` (the page before's `next`), and `next`, where the page
   * after starts, or null at the end. A page may hold fewer records than `limit` and not be the last (an
   * entry whose record changed since it was listed is left out); only `next: null` ends. The services'
   * periodic job pages through it when the store has it (SQLite, PostgreSQL, D1, Deno KV).
   */
  findExpiringPage?(
    instant: string,
    page: { after?: ExpiringCursor | null; limit: number },
  ): Promise<{ records: ProviderConnectionRecord[]; next: ExpiringCursor | null }>;
  /** The store's own event bus (the very object `ConnectionStore.eventBus` is): handlers given both commit through `commit`. */
  eventBus: StoreEventBus;
}

export interface CommitOptions {
  /**
   * Completes this claim of `store.idempotency` with `response` in the same atomic step as the
   * commit, so the answer to a request is kept exactly when its change is. When the claim is no
   * longer `token`'s (its lease ran out and another request took the key), the commit rejects and
   * writes nothing. Only on stores that have `idempotency` (IndexedDB's commit rejects it with a
   * `TypeError`, writing nothing).
   */
  idempotency?: { userId: string; key: string; token: string; response: KeptResponse };
  /**
   * Advances `store.sync`'s client from mutation `from` to `to` in the same atomic step as the
   * commit, so a pushed mutation is applied exactly when its change is stored. When the client is
   * no longer at `from` (another push applied it), the commit rejects and writes nothing. Only on
   * stores that have `sync` (IndexedDB's commit rejects it with a `TypeError`, writing nothing).
   */
  mutation?: { userId: string; clientId: string; from: number; to: number };
}

/**
 * Each sync client's last applied mutation (an offline client pushing its commands), per user and
 * client, in the store's own database. Arguments are checked first: userId 1 to 255 characters,
 * clientId 1 to 100, neither with U+0000; mutation numbers whole, from 0; a bad one is a RangeError.
 */
export interface SyncClients {
  /** The last mutation applied for the client; 0 for a client never seen. */
  lastMutation(userId: string, clientId: string): Promise<number>;
  /**
   * The client's last mutation and the refusals it keeps (the last 100, by id), read together:
   * what a push sent again is answered from.
   */
  state(userId: string, clientId: string): Promise<{ lastMutationId: number; refusals: SyncRefusal[] }>;
  /**
   * Moves the client from `from` to `to` (> from), checked inside the database; `false` when it
   * is no longer at `from`. Of pushes advancing one client from one number at once, one wins.
   * With `refusal`, mutation `to` was refused: the client keeps it (dropping its oldest past 100)
   * in the same write. `refusal.code` is 1 to 64 capitals, digits and _, from a capital;
   * `refusal.error` 1 to 200 characters without U+0000.
   */
  advance(userId: string, clientId: string, from: number, to: number, refusal?: { code: string; error: string }): Promise<boolean>;
}

/** A refusal a sync client was answered, kept for a push sent again. */
export interface SyncRefusal {
  /** The mutation's number. */
  id: number;
  code: string;
  error: string;
}

/** An answer kept for an idempotency key, replayed to a retry exactly as it is here. */
export interface KeptResponse {
  /** 100 to 599. */
  status: number;
  /** Any JSON value; absent for an answer without a body. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** What `claim` found, and what the caller may do. */
export type IdempotencyClaim =
  /** The key is the caller's now: run the request, then `complete` or `release` with `token`. */
  | { state: "claimed"; token: string }
  /** Another request with this key and fingerprint is still running: its lease holds until `lockedUntil` (ms since the epoch). */
  | { state: "running"; lockedUntil: number }
  /** The request ran: its kept answer. */
  | { state: "replay"; response: KeptResponse }
  /** The key was used with another fingerprint. */
  | { state: "mismatch" };

/**
 * Idempotency keys (an HTTP service's `Idempotency-Key`), kept in the store's own database, one per
 * user and key. Each decision is checked inside the database, so of clients claiming one key at
 * once exactly one gets it. Instants are milliseconds since the epoch. Arguments are checked first:
 * userId and key non-empty strings of at most 255 characters without U+0000, a fingerprint of at
 * most 128; a bad one is a TypeError or RangeError naming it.
 */
export interface IdempotencyStore {
  /**
   * Takes the key for a request whose fingerprint is `fingerprint`, with a lease until
   * `now + leaseMs` (1 ms to an hour); a key whose lease ran out without an answer is taken over by the same
   * fingerprint (its first request died).
   */
  claim(userId: string, key: string, fingerprint: string, now: number, leaseMs: number): Promise<IdempotencyClaim>;
  /** Keeps `response` for the key; `true` when this token held the claim, `false` (nothing written) otherwise. */
  complete(userId: string, key: string, token: string, response: KeptResponse): Promise<boolean>;
  /** Frees the key for another try (the request failed without an answer worth keeping); `true` when this token held it. */
  release(userId: string, key: string, token: string): Promise<boolean>;
  /** Removes up to `limit` (1 to 1,000) keys claimed before `before`, oldest first, whatever their state; answers how many. */
  purge(before: number, limit: number): Promise<number>;
}

/** An event waiting in the outbox, in commit order. */
export interface OutboxEntry {
  /** The event exactly as `events()` gives it. */
  event: ProviderEvent;
  /** Failed deliveries so far. */
  attempts: number;
  /** Not to be tried before this instant (ISO), after a failure; null to try now. */
  nextAttemptAt: string | null;
}

/** An event that kept failing, held for an operator. */
export interface SetAsideEntry {
  event: ProviderEvent;
  attempts: number;
  /** The message system's last error, at most 500 characters. */
  lastError: string;
  setAsideAt: string;
}

/**
 * The transactional outbox: every event the store logs enters it in the same transaction as its
 * append (and as the change a commit stores with it), and leaves once a relay has delivered it.
 * One relay holds the lease at a time; `delivered` and `failed` change nothing unless `holder`
 * still holds it, checked inside the database. Instants are milliseconds since the epoch (or a
 * Date, or ISO text); a bad argument is a RangeError naming it.
 */
export interface EventOutbox {
  /** Takes or renews the one lease until `now + leaseMs` (at most 10 minutes); `false` while another holder's runs. */
  lease(holder: string, now: number | Date | string, leaseMs: number): Promise<boolean>;
  /** Gives the lease up; `true` when `holder` held it. */
  release(holder: string): Promise<boolean>;
  /** The first `limit` (1 to 1,000) events waiting, oldest commit first; none that were set aside. */
  pending(limit: number): Promise<OutboxEntry[]>;
  /** Takes delivered events out; answers how many left (0 when `holder` lost the lease). */
  delivered(holder: string, eventIds: string[], now: number | Date | string): Promise<number>;
  /** Counts a failed delivery: when to try again, or set aside for an operator; `false` when `holder` lost the lease. */
  failed(
    holder: string,
    eventId: string,
    failure: { error: string; nextAttemptAt: number | Date | string; setAside: boolean },
    now: number | Date | string,
  ): Promise<boolean>;
  /** The events set aside, oldest commit first. */
  setAside(limit: number): Promise<SetAsideEntry[]>;
  /** Puts a set-aside event back in line (at its commit's place), its attempts at 0; `true` when it was set aside. */
  requeue(eventId: string): Promise<boolean>;
  /** How far behind delivery is: events waiting, the oldest one's occurredAt, and how many are set aside. */
  lag(): Promise<{ pending: number; oldestOccurredAt: string | null; setAside: number }>;
}

export interface StoreEventBus {
  /** Appends the event to the store's log, in the same database as the connections. */
  publish(event: ProviderEvent): Promise<void>;
}

export interface EventQuery {
  /** Only this user's events. */
  userId?: string | null;
  /** Only events after the one with this `eventId` in that order (of this user's, with `userId`). */
  after?: string | null;
  /** At most this many, from 1 to 10,000; 1,000 when absent. */
  limit?: number | null;
}

/** Where a page of findExpiringPage ends: its last entry's expiry and connection id. */
export interface ExpiringCursor {
  expiresAt: string;
  id: string;
}

export interface ConnectionStore {
  repository: StoreRepository;
  eventBus: StoreEventBus;
  /** Creates or upgrades the store's tables, indexes, keyspace or object stores; safe to run again, and from two processes at once. */
  migrate(): Promise<void>;
  /** The event log in commit order (the store's sequence; PostgreSQL's position, drawn at the commit), each event as it was published. */
  events(query?: EventQuery): Promise<ProviderEvent[]>;
}

/** A store that also keeps idempotency keys (SQLite, PostgreSQL, D1, Deno KV; not IndexedDB). */
export interface IdempotentConnectionStore extends ConnectionStore {
  idempotency: IdempotencyStore;
  /** Sync clients' last applied mutations. */
  sync: SyncClients;
}

/** A store with a transactional outbox for a relay (SQLite, PostgreSQL, D1). */
export interface OutboxConnectionStore extends IdempotentConnectionStore {
  outbox: EventOutbox;
}
