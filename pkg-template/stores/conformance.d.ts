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
}

export interface ConformanceHarness {
  fresh(): Promise<FreshDatabase>;
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
