// Conformance harnesses for the SQLite store: a fresh file per case, opened by better-sqlite3 or
// by node:sqlite, and migrate() run from other processes at once by tests/js/stores/migrate-sqlite.mjs.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { sqliteStore } from "connect-provider/stores/sqlite";

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
        async close() {
          for (const db of open) db.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}
