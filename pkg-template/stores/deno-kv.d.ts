import type { IdempotentConnectionStore } from "./index.js";
export type {
  CommitOptions, ConnectionStore, EventQuery, IdempotencyClaim, IdempotencyStore, IdempotentConnectionStore, KeptResponse, StoreEventBus, StoreRepository,
} from "./index.js";

/** What the store uses of a `Deno.Kv` (from `await Deno.openKv()`). */
export interface DenoKv {
  get(key: DenoKvKey): Promise<DenoKvEntryMaybe>;
  getMany(keys: DenoKvKey[]): Promise<DenoKvEntryMaybe[]>;
  list(selector: DenoKvListSelector, options?: { limit?: number; batchSize?: number }): AsyncIterable<DenoKvEntry>;
  atomic(): DenoKvAtomicOperation;
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
  commit(): Promise<{ ok: true; versionstamp: string } | { ok: false }>;
}

/**
 * A store on Deno KV, through the database you opened (`Deno.openKv()`; `--unstable-kv` outside
 * Deno Deploy). Its keys are under `["connect_provider"]`.
 */
export declare function denoKvStore(kv: DenoKv): IdempotentConnectionStore;
