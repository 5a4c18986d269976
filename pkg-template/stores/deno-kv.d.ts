import type { ProviderEvent } from "../index.js";
import type { IdempotentConnectionStore } from "./index.js";
export type {
  CommitOptions, ConnectionStore, EventQuery, ExpiringCursor, IdempotencyClaim, IdempotencyStore, IdempotentConnectionStore, KeptResponse, SyncClients, SyncRefusal, StoreEventBus, StoreRepository,
} from "./index.js";

/** What the store uses of a `Deno.Kv` (from `await Deno.openKv()`). */
export interface DenoKv {
  get(key: DenoKvKey): Promise<DenoKvEntryMaybe>;
  getMany(keys: DenoKvKey[]): Promise<DenoKvEntryMaybe[]>;
  list(selector: DenoKvListSelector, options?: { limit?: number; batchSize?: number }): AsyncIterable<DenoKvEntry>;
  atomic(): DenoKvAtomicOperation;
  /** Needed by `queue.listen` only. */
  listenQueue?(handler: (value: unknown) => Promise<void> | void): Promise<void>;
}
export type DenoKvKeyPart = Uint8Array | string | number | bigint | boolean | symbol;
export type DenoKvKey = readonly DenoKvKeyPart[];
export type DenoKvListSelector =
  | { prefix: DenoKvKey }
  | { prefix: DenoKvKey; start: DenoKvKey }
  | { prefix: DenoKvKey; end: DenoKvKey };
export interface DenoKvEntry {
  key: DenoKvKey;
  value: unknown;
  versionstamp: string;
}
export interface DenoKvEntryMaybe {
  key: DenoKvKey;
  value: unknown;
  versionstamp: string | null;
}
export interface DenoKvAtomicOperation {
  check(...checks: { key: DenoKvKey; versionstamp: string | null }[]): DenoKvAtomicOperation;
  set(key: DenoKvKey, value: unknown): DenoKvAtomicOperation;
  delete(key: DenoKvKey): DenoKvAtomicOperation;
  enqueue(value: unknown, options?: { delay?: number; keysIfUndelivered?: DenoKvKey[]; backoffSchedule?: number[] }): DenoKvAtomicOperation;
  commit(): Promise<{ ok: true; versionstamp: string } | { ok: false }>;
}

/** The events, through Deno KV's own queue (`denoKvStore(kv, { queue: true })`). */
export interface DenoKvEventQueue {
  /**
   * Consumes the store's messages with `kv.listenQueue`: each event handed to `handler` at least once
   * (marked consumed by its eventId after `handler` resolves, so a process killed in between, or two
   * processes handed copies at once, run it again: deduplicate by eventId; copies in one process take
   * turns; a throw leaves it to KV's retries). Other
   * values on the database's queue go to `others`. Resolves when the listener stops (the KV closes).
   */
  listen(handler: (event: ProviderEvent) => Promise<void> | void, options?: { others?: (value: unknown) => Promise<void> | void }): Promise<void>;
  /**
   * Resolves once no message is being handled (its handler and its consumed mark done): await it
   * before closing the KV when stopping, so no handler is cut off and run again after a restart.
   */
  idle(): Promise<void>;
  /**
   * Takes no message from now on (each is left to KV, handed over again at the next start or sent
   * again by `redeliver`, without spending a retry), and resolves once those being handled are done:
   * await it before closing the KV when stopping, however long the backlog.
   */
  stop(): Promise<void>;
  /**
   * Enqueues again each event still waiting to be consumed after `olderThanMs` (60 s), up to `limit`
   * (100); answers how many. Run it now and then: KV's local backend keeps a message that was being
   * handed over when its process died aside until a later start.
   */
  redeliver(options?: { olderThanMs?: number; limit?: number }): Promise<number>;
  /** The events whose messages KV gave up on after its retries, for an operator (1 to 1,000; 100). */
  undelivered(limit?: number): Promise<ProviderEvent[]>;
}

export interface DenoKvConnectionStore extends IdempotentConnectionStore {
  /** With `{ queue: true }` only. */
  queue?: DenoKvEventQueue;
}

/**
 * A store on Deno KV, through the database you opened (`Deno.openKv()`; `--unstable-kv` outside
 * Deno Deploy). Its keys are under `["connect_provider"]`. With `{ queue: true }`, each logged event
 * is also enqueued in the same atomic operation, for `store.queue.listen`.
 */
export declare function denoKvStore(
  kv: DenoKv,
  options: { queue: true | { backoffSchedule?: number[] } },
): DenoKvConnectionStore & { queue: DenoKvEventQueue };
export declare function denoKvStore(kv: DenoKv, options?: { queue?: boolean | { backoffSchedule?: number[] } }): DenoKvConnectionStore;
