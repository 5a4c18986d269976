import type { ConnectionStore } from "./index.js";
import type * as Api from "../index.js";
import type { ProviderConnectionRecord } from "../index.js";

/** A database for one case: a store on it, and ways to reach the same database again. */
export interface FreshDatabase {
  /** A store on a new, empty database; the cases call its migrate() themselves. */
  store: ConnectionStore;
  /** A store on a new connection to the same database (the earlier one may be closed first). */
  reopen(): Promise<ConnectionStore>;
  /** Runs migrate() from `count` other clients at once: other processes, where the runtime has them. */
  migrateConcurrently(count: number): Promise<void>;
  /** Closes every connection and removes the database. */
  close(): Promise<void>;
  /**
   * A store on a NEW client (connection) to the same, migrated database, whose client throws from
   * its `failFrom`-th call on (every call after too), as a database that goes away would; with
   * `Infinity`, a healthy second client, which the concurrency cases race from. Without it the
   * fault-injection case fails, unless the harness says `faults: false` (then it is left out, with a
   * console note), and the races use one client. With `{ after: true }` the `failFrom`-th call
   * reaches the database and only its answer is lost (a COMMIT that landed as the connection
   * dropped); the calls after it fail as before.
   */
  faulty?(failFrom: number, mode?: { after?: boolean }): Promise<FaultyClient>;
  /**
   * Sets the stored version of a saved record directly, past the store's check (as a migration or
   * another writer might), so that a version near 2**40 can be written and read back. Optional:
   * without it that part of the round-trip case is skipped.
   */
  setVersion?(connectionId: string, version: number): Promise<void>;
  /**
   * For a store that hands its events to a queue in the write that logs them (Deno KV's
   * `{ queue: true }`): the eventIds it has marked as handed to the queue (Deno KV's pending marks,
   * set in the `atomic()` that enqueues), none consumed. The fault case then checks, after each
   * fault, that they are exactly the log's.
   */
  queued?(): Promise<string[]>;
}

export interface FaultyClient {
  /** A store on the faulty client; not migrated again (the database already is). */
  store: ConnectionStore;
  /** Closes the faulty client (a transaction it left open is rolled back by the database). */
  close(): Promise<void>;
  /** Whether a call has failed yet; without it, a run that answers ok is taken as not having reached the fault. */
  reached?(): boolean;
}

export interface ConformanceHarness {
  fresh(): Promise<FreshDatabase>;
  /**
   * `false` for a store without `idempotency` (as IndexedDB's): its cases are left out. Otherwise
   * the store must have it, and the cases of claims, replays, leases, purges and completing commits run.
   */
  idempotency?: boolean;
  /**
   * `false` for a store without `outbox` (Deno KV, IndexedDB); otherwise the store must have it, and
   * the cases of its order, lease, failures, set-aside events and races run, and the fault case
   * checks that the outbox holds exactly the log.
   */
  outbox?: boolean;
  /** `false` for a store without `sync` (IndexedDB); otherwise the store must have it, and its cases run. */
  sync?: boolean;
  /** `false` to leave out the fault-injection case, for a database that `faulty()` cannot reach; otherwise it needs `faulty`. */
  faults?: boolean;
  /** `false` when `faulty()` has no `{ after: true }` mode: the fault case then fails calls only before they reach the database. */
  faultsAfter?: boolean;
  /** The package's handlers, which some cases run over the store. */
  api: Pick<typeof Api,
    | "ConnectProviderHandler" | "DisconnectProviderHandler" | "RefreshProviderTokensHandler"
    | "GetProviderConnectionHandler" | "ListProviderConnectionsHandler">;
}

export interface ConformanceCase {
  name: string;
  /** Resolves when the store meets the case; rejects with what differs. */
  run(): Promise<void>;
}

export declare function storeConformanceCases(harness: ConformanceHarness): ConformanceCase[];
/** An active record with credentials, as the handlers save one, with fresh ids. */
export declare function conformanceRecord(overrides?: Partial<ProviderConnectionRecord>): ProviderConnectionRecord;
