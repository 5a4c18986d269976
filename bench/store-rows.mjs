// The store rows of `npm run bench`, on the machine's Node: ConnectProvider (1 and 100 in flight),
// DisconnectProvider and a List of 20 through the package's real stores, the wasm handlers beside the plain-JS
// baseline on the same store: SQLite (a WAL file, better-sqlite3), PostgreSQL (a server started
// here on a Unix socket, a pg Pool) and D1 (in Miniflare, timed inside the Worker, next to its
// binding). Prints one JSON line of rows.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { postgresStore } from "connect-provider/stores/postgres";
import { sqliteStore } from "connect-provider/stores/sqlite";
import { startPostgres } from "../tests/js/support/postgres.mjs";
import { bundleWorker, startWorker } from "../tests/js/support/workerd.mjs";
import { measure, timedLoop } from "./measure.mjs";
import { handlers, seedList } from "./store-workload.mjs";

const LABELS = {
  connect: "ConnectProvider, 1 in flight",
  connect100: "ConnectProvider, 100 in flight",
  disconnect: "DisconnectProvider, 1 in flight",
  list: "List 20 connections",
};
const home = mkdtempSync(join(tmpdir(), "connect-provider-bench-stores-"));
const rows = [];

/** Times each row of `handlers(store)` in this process. */
async function inProcess(name, store) {
  await seedList(store);
  const workload = handlers(store);
  for (const [row, label] of Object.entries(LABELS)) {
    const { run, commands = 1, floor } = workload[row];
    rows.push(await measure(`${label} on ${name}`, (kind, ms) => timedLoop(run, workload[row][kind], commands, ms), floor !== undefined));
  }
}

try {
  const db = new Database(join(home, "bench.sqlite"));
  db.pragma("journal_mode = WAL");
  await inProcess("SQLite (better-sqlite3, WAL file)", sqliteStore(db));
  db.close();

  const server = startPostgres();
  try {
    const pool = new pg.Pool({ ...server.config(await server.createDatabase("bench")), max: 10 });
    await inProcess("PostgreSQL 15 (pg Pool, Unix socket)", postgresStore(pool));
    await pool.end();
  } finally {
    await server.stop();
  }

  const bundle = join(home, "bundle");
  await bundleWorker(fileURLToPath(new URL("./d1-worker.js", import.meta.url)), bundle);
  const { mf, url } = await startWorker(join(bundle, "d1-worker.js"), { modulesRoot: bundle, d1Databases: ["DB"], d1Persist: join(home, "d1") });
  try {
    const base = String(url).replace(/\/$/, "");
    await (await mf.dispatchFetch(`${base}/seed`, { method: "POST" })).json();
    for (const [row, label] of Object.entries(LABELS)) {
      rows.push(await measure(`${label} on D1 (Miniflare, inside the Worker)`, async (kind, ms) => {
        const answer = await mf.dispatchFetch(`${base}/time?row=${row}&kind=${kind}&ms=${ms}`, { method: "POST" });
        return (await answer.json()).us;
      }, row === "list"));
    }
  } finally {
    await mf.dispose();
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
console.log(JSON.stringify({ node: process.version, rows }));
