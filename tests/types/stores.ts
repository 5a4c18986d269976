// Uses each store subpath as the README shows; must compile under --strict with no error.
import { ConnectProviderHandler, ListProviderConnectionsHandler, type ProviderEvent } from "connect-provider";
import {
  sqliteStore, type ConnectionStore, type IdempotentConnectionStore, type KeptResponse, type SqliteDatabase, type StoreEventBus,
} from "connect-provider/stores/sqlite";
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

/** A service's retry, as the edge runs it: the key claimed, the answer kept with the commit or replayed. */
export async function retry(store: IdempotentConnectionStore, userId: string, key: string, fingerprint: string): Promise<KeptResponse | null> {
  const claim = await store.idempotency.claim(userId, key, fingerprint, Date.now(), 60_000);
  if (claim.state === "replay") return claim.response;
  if (claim.state !== "claimed") return null;
  const response: KeptResponse = { status: 201, body: { id: key }, headers: { location: `/providers/${key}` } };
  const record = conformanceRecord({ userId });
  if (!(await store.repository.commit(record, [], { idempotency: { userId, key, token: claim.token, response } }))) {
    await store.idempotency.release(userId, key, claim.token);
  }
  const purged: number = await store.idempotency.purge(Date.now() - 86_400_000, 100);
  console.log(purged, await store.idempotency.complete(userId, key, claim.token, { status: 204 }));
  return response;
}
const idempotent: IdempotentConnectionStore[] = [sqliteStore(sqlite), postgresStore(pool), d1Store(d1), denoKvStore(kv)];
console.log(idempotent.length);

const harness: ConformanceHarness = {
  api,
  idempotency: true,
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

// The outbox and its relay, as a service wires them.
import { createRelay, type DrainResult } from "connect-provider/relay";
import type { OutboxEntry, SyncRefusal } from "connect-provider/stores/sqlite";

export async function relayOnce(): Promise<DrainResult> {
  const store = sqliteStore(sqlite);
  const waiting: OutboxEntry[] = await store.outbox.pending(10);
  console.log(waiting.map((entry) => [entry.event.eventId, entry.attempts, entry.nextAttemptAt]));
  const relay = createRelay(store.outbox, async (events) => console.log(events.length), { batchSize: 50, onFailure: (f) => console.log(f.retryAt) });
  const running = relay.start({ onDrain: (result) => console.log(result?.delivered) });
  running.nudge();
  await running.stop();
  const lag: number = (await relay.lag()).pending;
  console.log(lag, (await store.outbox.setAside(5)).map((entry) => entry.lastError));
  const kvStore = denoKvStore(kv, { queue: { backoffSchedule: [100, 1000] } });
  // With a queue asked for, the store has one: no optional chaining needed.
  await kvStore.queue.listen((event) => console.log(event.eventType));
  const maybeQueued = denoKvStore(kv, { queue: Math.random() > 0.5 });
  await maybeQueued.queue?.idle();
  // Instants as ISO text; options left undefined; a deliver that returns nothing; an outbox with the six methods the relay calls.
  const leased: boolean = await store.outbox.lease("relay-1", "2026-12-08T10:00:00.000Z", 15_000);
  const configured = { batchSize: undefined as number | undefined, holder: leased ? "relay-1" : undefined };
  const { lease, release, pending, delivered, failed, lag: lagOf } = store.outbox;
  createRelay({ lease, release, pending, delivered, failed, lag: lagOf }, (events) => void console.log(events.length), configured);
  return relay.drain();
}

// Sync clients, and a commit that advances one with its change.
export async function pushOne(store: IdempotentConnectionStore, userId: string): Promise<number> {
  const last: number = await store.sync.lastMutation(userId, "phone");
  const moved: boolean = await store.sync.advance(userId, "phone", last, last + 1);
  const record = conformanceRecord({ userId });
  const committed: boolean = await store.repository.commit(record, [], { mutation: { userId, clientId: "phone", from: last + 1, to: last + 2 } });
  const again: number = (await denoKvStore(kv, { queue: true }).queue?.redeliver({ olderThanMs: 60_000 })) ?? 0;
  const refused: boolean = await store.sync.advance(userId, "phone", last + 2, last + 3, { code: "NOT_ACTIVE", error: "Connection is not active" });
  const { lastMutationId, refusals }: { lastMutationId: number; refusals: SyncRefusal[] } = await store.sync.state(userId, "phone");
  return moved && committed && refused ? again + lastMutationId + refusals.length : -1;
}
