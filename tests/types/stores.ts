// Uses each store subpath as the README shows; must compile under --strict with no error.
import { ConnectProviderHandler, ListProviderConnectionsHandler, type ProviderEvent } from "connect-provider";
import { sqliteStore, type ConnectionStore, type SqliteDatabase, type StoreEventBus } from "connect-provider/stores/sqlite";
import { postgresStore, type PgQueryable } from "connect-provider/stores/postgres";
import { d1Store, type D1Database } from "connect-provider/stores/d1";
import { denoKvStore, type DenoKv } from "connect-provider/stores/deno-kv";
import { indexedDbStore } from "connect-provider/stores/indexeddb";
import { storeConformanceCases, conformanceRecord, type ConformanceHarness } from "connect-provider/stores/conformance";
import * as api from "connect-provider";

declare const sqlite: SqliteDatabase;
declare const pool: PgQueryable;
declare const d1: D1Database;
declare const kv: DenoKv;

const stores: ConnectionStore[] = [sqliteStore(sqlite), postgresStore(pool), d1Store(d1), denoKvStore(kv), indexedDbStore({ name: "app" })];

export async function lifecycle(store: ConnectionStore, userId: string): Promise<ProviderEvent[]> {
  await store.migrate();
  const connected = await new ConnectProviderHandler(store.repository, store.eventBus).handle({
    userId, providerId: userId, providerSlug: "schwab", credentials: { encryptedData: new Uint8Array([1]), credentialType: "oauth2" },
  });
  if (connected.ok) {
    const list = await new ListProviderConnectionsHandler(store.repository).handle({ userId });
    if (list.ok) console.log(list.value.totalCount);
  }
  const record = conformanceRecord({ userId });
  const saved: boolean = await store.repository.save(record);
  const events = await store.events({ userId, limit: 10, after: null });
  const committed: boolean = await store.repository.commit({ ...record, version: 2 }, events);
  const bus: StoreEventBus = store.repository.eventBus;
  console.log(saved, committed, bus === store.eventBus);
  return events;
}

const harness: ConformanceHarness = {
  api,
  async fresh() {
    const store = stores[0];
    return {
      store, reopen: async () => store, migrateConcurrently: async () => {}, close: async () => {},
      faulty: async (failFrom: number) => ({ store, close: async () => {}, reached: () => failFrom < 1 }),
      setVersion: async (connectionId: string, version: number) => console.log(connectionId, version),
    };
  },
};
for (const { name, run } of storeConformanceCases(harness)) console.log(name, typeof run);
