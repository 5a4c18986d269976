#!/usr/bin/env node
// Connects a provider with the wasm handler against a real SQLite file, then tries a bad slug,
// printing every event and the rows that were stored.
//   node examples/node/connect.mjs [database-path]
import { randomBytes, randomUUID } from "node:crypto";
import { ConnectProviderHandler } from "connect-provider";
import { openDatabase, sqliteEventBus, sqliteRepository } from "./sqlite-store.mjs";

const path = process.argv[2] ?? new URL("./connections.sqlite", import.meta.url).pathname;
const db = openDatabase(path);
const printEvent = (event) => {
  const detail = event.connectionId ? ` connection=${event.connectionId}` : event.reason ? ` reason="${event.reason}"` : "";
  console.log(`event  ${event.occurredAt}  ${event.eventType}  slug=${event.providerSlug}${detail}`);
};
const handler = new ConnectProviderHandler(sqliteRepository(db), sqliteEventBus(db, printEvent));

const userId = randomUUID();
const connect = (providerSlug, alias) =>
  handler.handle({
    userId,
    providerId: randomUUID(),
    providerSlug,
    alias,
    // In a real service this is the provider's token, encrypted by your key service.
    credentials: { encryptedData: randomBytes(32), credentialType: "oauth2", expiresAt: new Date(Date.now() + 3600_000).toISOString() },
  });

console.log(`result ${JSON.stringify(await connect("schwab", "Brokerage"))}`);
console.log(`result ${JSON.stringify(await connect("", "No slug"))}`);

const rows = db
  .prepare("SELECT id, provider_slug, status, alias, credential_type, length(encrypted_data) AS secret_bytes FROM provider_connections WHERE user_id = ?")
  .all(userId);
for (const row of rows) console.log(`row    ${JSON.stringify(row)}`);
console.log(`stored in ${path}`);
db.close();
