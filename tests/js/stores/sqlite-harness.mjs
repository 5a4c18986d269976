// Conformance harnesses for the SQLite store: a fresh file per case, opened by better-sqlite3 or
// by node:sqlite, and migrate() run from other processes at once by tests/js/stores/migrate-sqlite.mjs.
// faulty() opens another connection to the file, behind a client that fails from a given call on.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { sqliteStore } from "connect-provider/stores/sqlite";
import { faultyClient } from "../../workerd/faulty-client.js";

const run = promisify(execFile);
const migrateScript = fileURLToPath(new URL("./migrate-sqlite.mjs", import.meta.url));

/** @param {"better-sqlite3" | "node:sqlite"} client */
export async function openSqlite(client, path) {
  if (client === "better-sqlite3") {
    const { default: Database } = await import("better-sqlite3");
    return new Database(path);
  }
  const { DatabaseSync } = await import("node:sqlite");
  return new DatabaseSync(path);
}

/** @param {"better-sqlite3" | "node:sqlite"} client @param {object} api */
export function sqliteHarness(client, api) {
  return {
    api,
    async fresh() {
      const dir = mkdtempSync(join(tmpdir(), "connect-provider-sqlite-"));
      const path = join(dir, "store.sqlite");
      const open = [await openSqlite(client, path)];
      return {
        store: sqliteStore(open[0]),
        async reopen() {
          open[0].close();
          open.push(await openSqlite(client, path));
          open.shift();
          return sqliteStore(open[0]);
        },
        async migrateConcurrently(count) {
          await Promise.all(Array.from({ length: count }, () => run(process.execPath, [migrateScript, client, path])));
        },
        async faulty(failFrom, { after = false } = {}) {
          const db = await openSqlite(client, path);
          open.push(db);
          // Every call reaches the database: prepare compiles there, exec and run/get/all run there.
          const faulty = faultyClient(db, failFrom, { counts: () => true, wraps: isStatement, after });
          return {
            store: sqliteStore(faulty.client),
            reached: faulty.reached,
            async close() {
              db.close();
              open.splice(open.indexOf(db), 1);
            },
          };
        },
        async setVersion(connectionId, version) {
          open[0].prepare("UPDATE provider_connections SET version = ? WHERE id = ?").run(version, connectionId);
        },
        async close() {
          for (const db of open) db.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

/** A prepared statement of either client (what `prepare` answers). */
function isStatement(/** @type {unknown} */ value) {
  return value !== null && typeof value === "object" && typeof (/** @type {any} */ (value).run) === "function" && typeof (/** @type {any} */ (value).all) === "function";
}
