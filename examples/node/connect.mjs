#!/usr/bin/env node
// Connects a provider with the wasm handler on the package's own store, then tries a bad slug, and
// prints each result, the event log and the stored rows. SQLite at the path given (or
// ./connections.sqlite); PostgreSQL when DATABASE_URL is set.
//   node examples/node/connect.mjs [database-path]
//   DATABASE_URL=postgresql://… node examples/node/connect.mjs
import { randomBytes, randomUUID } from "node:crypto";
import { ConnectProviderHandler } from "connect-provider";

const { store, close, where } = await openStore();
await store.migrate();
const handler = new ConnectProviderHandler(store.repository, store.eventBus);

const userId = randomUUID();
const connect = (providerSlug, alias) =>
  handler.handle({
    userId,
    providerId: randomUUID(),
    providerSlug,
    alias,
    // In a real service these are the provider's token, sealed by your key (see examples/node-service).
    credentials: { encryptedData: randomBytes(32), credentialType: "oauth2", expiresAt: new Date(Date.now() + 3600_000).toISOString() },
  });

console.log(`result ${JSON.stringify(await connect("schwab", "Brokerage"))}`);
console.log(`result ${JSON.stringify(await connect("", "No slug"))}`);
for (const event of await store.events({ userId })) {
  const detail = event.connectionId ? ` connection=${event.connectionId}` : event.reason ? ` reason="${event.reason}"` : "";
  console.log(`event  ${event.occurredAt}  ${event.eventType}  slug=${event.providerSlug}${detail}`);
}
for (const record of await store.repository.findByUserId(userId)) {
  const { credentials, ...row } = record;
  console.log(`row    ${JSON.stringify({ ...row, credentialType: credentials?.credentialType ?? null, secretBytes: credentials?.encryptedData.length ?? 0 })}`);
}
console.log(`stored in ${where}`);
await close();

async function openStore() {
  if (process.env.DATABASE_URL) {
    const { default: pg } = await import("pg");
    const { postgresStore } = await import("connect-provider/stores/postgres");
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
    return { store: postgresStore(pool), close: () => pool.end(), where: "PostgreSQL (DATABASE_URL)" };
  }
  const { default: Database } = await import("better-sqlite3");
  const { sqliteStore } = await import("connect-provider/stores/sqlite");
  const path = process.argv[2] ?? new URL("./connections.sqlite", import.meta.url).pathname;
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  return { store: sqliteStore(db), close: async () => db.close(), where: path };
}
