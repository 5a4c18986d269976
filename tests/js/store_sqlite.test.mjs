// The store conformance suite on SQLite files, through better-sqlite3 and, where Node has it
// (22.5 and later), node:sqlite.
import { test } from "node:test";
import * as api from "connect-provider";
import { storeConformanceCases } from "connect-provider/stores/conformance";
import { sqliteHarness } from "./stores/sqlite-harness.mjs";

const hasNodeSqlite = await import("node:sqlite").then(() => true, () => false);
// better-sqlite3 is built for the machine's Node; scripts/test.sh runs the node:sqlite half on Node 24.
const clients = process.env.SQLITE_CLIENTS?.split(",") ?? ["better-sqlite3", "node:sqlite"];

for (const client of clients) {
  const skip = client === "node:sqlite" && !hasNodeSqlite ? `node:sqlite needs Node 22.5+ (this is ${process.version})` : false;
  for (const { name, run } of storeConformanceCases(sqliteHarness(client, api))) {
    test(`sqliteStore (${client}): ${name}`, { skip }, run);
  }
}
