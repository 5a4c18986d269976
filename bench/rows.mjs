// The per-command rows of `npm run bench`, in the Node that runs this file: the wasm handlers
// against the plain-JS baseline, interleaved in this one process. Prints one JSON line of rows.
// Usage: node bench/rows.mjs [path/to/better-sqlite3] [path/to/the built floor module]
import { createRequire } from "node:module";
import { ConnectProviderHandler } from "connect-provider";
import { BaselineConnectProviderHandler } from "./baseline/connect-provider.mjs";
import { rowsOfLifecycle } from "./lifecycle-rows.mjs";
import { floorRow } from "./floor-row.mjs";
import { measure, ROUND_MS, ROUNDS, timedLoop } from "./measure.mjs";


const COMMAND = {
  userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b",
  providerId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c",
  providerSlug: "schwab",
  alias: "Retirement",
  credentials: { encryptedData: new Uint8Array(256).fill(7), credentialType: "oauth2", expiresAt: "2027-01-01T00:00:00Z" },
};
const BAD_SLUG = { ...COMMAND, providerSlug: "" };

/** A repository that keeps the last 10,000 connections, so memory stays level for both. */
function memoryRepository(settle) {
  const connections = new Map();
  return {
    save(connection) {
      connections.set(connection.id, connection);
      if (connections.size >= 10_000) connections.clear();
      return settle();
    },
  };
}

/** A better-sqlite3 insert inside an async function: what a Node service's repository does. */
function sqliteRepository(Database) {
  const db = new Database(":memory:");
  db.exec(`CREATE TABLE provider_connections (id TEXT PRIMARY KEY, user_id TEXT, provider_id TEXT, provider_slug TEXT,
    status TEXT, alias TEXT, credential_type TEXT, encrypted_data BLOB, expires_at TEXT, connected_at TEXT,
    last_sync_at TEXT, created_at TEXT, updated_at TEXT)`);
  const insert = db.prepare("INSERT INTO provider_connections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  let rows = 0;
  return {
    async save(c) {
      insert.run(c.id, c.userId, c.providerId, c.providerSlug, c.status, c.alias, c.credentials.credentialType,
        c.credentials.encryptedData, c.credentials.expiresAt, c.connectedAt, c.lastSyncAt, c.createdAt, c.updatedAt);
      if (++rows % 10_000 === 0) db.exec("DELETE FROM provider_connections");
    },
  };
}

const asyncNow = async () => {};
const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));
const plain = () => undefined;

/** One call of `run(handler)` handles `commands` commands; the floor only awaits the same
 * adapter calls (a save and two publishes) on the same repository. */
function connectRow(label, { save, publish, command = COMMAND, inFlight = 1, repository, jsOptions }) {
  const make = (Handler, options) => new Handler(repository?.() ?? memoryRepository(save), { publish }, options);
  const floorRepository = repository?.() ?? memoryRepository(save);
  const floor = {
    async handle(command) {
      const record = { ...command, id: crypto.randomUUID(), status: "active" };
      await publish(record);
      await floorRepository.save(record);
      await publish(record);
      return { ok: true, value: record.id };
    },
  };
  const run =
    inFlight === 1
      ? (handler) => handler.handle(command)
      : (handler) => Promise.all(Array.from({ length: inFlight }, () => handler.handle(command)));
  return { label, commands: inFlight, wasm: make(ConnectProviderHandler), js: make(BaselineConnectProviderHandler, jsOptions), floor, run };
}

export function rowsOfConnect(Database) {
  const rows = [
    connectRow("async adapters (resolve at once), 1 in flight", { save: asyncNow, publish: asyncNow }),
    connectRow("async adapters, 1 in flight, against plain JS without a default deadline", { save: asyncNow, publish: asyncNow, jsOptions: { deadline: false } }),
    connectRow("async adapters, 100 in flight", { save: asyncNow, publish: asyncNow, inFlight: 100 }),
    connectRow("async adapters, 1,000 in flight", { save: asyncNow, publish: asyncNow, inFlight: 1000 }),
    connectRow("save settles on the next macrotask, 100 in flight", { save: nextMacrotask, publish: asyncNow, inFlight: 100 }),
    connectRow("failure path (invalid slug), async adapters", { save: asyncNow, publish: asyncNow, command: BAD_SLUG }),
    connectRow("plain-value adapters (the synchronous path), 1 in flight", { save: plain, publish: plain }),
  ];
  if (Database) {
    rows.splice(4, 0, connectRow("save is a better-sqlite3 insert in an async function, 1 in flight", { publish: asyncNow, repository: () => sqliteRepository(Database) }));
  }
  return rows;
}

const sqlitePath = process.argv[2];
const Database = sqlitePath ? createRequire(import.meta.url)(sqlitePath) : undefined;
const results = [];
const floor = process.argv[3] ? [floorRow(process.argv[3], COMMAND)] : [];
for (const row of [...floor, ...rowsOfConnect(Database), ...(await rowsOfLifecycle())]) {
  results.push(await measure(row.label, (name, ms) => timedLoop(row.run, row[name], row.commands, ms), row.floor !== undefined));
}
console.log(JSON.stringify({ node: process.version, rounds: ROUNDS, roundMs: ROUND_MS, rows: results }));
