// The store conformance suite on SQLite files, through better-sqlite3 and, where Node has it
// (22.5 and later), node:sqlite.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
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

test("the SQLite and PostgreSQL stores and the suite load through require too, and a CommonJS store passes the suite", { skip: !clients.includes("better-sqlite3") }, async () => {
  const require = createRequire(import.meta.url);
  const { sqliteStore } = require("connect-provider/stores/sqlite");
  const { postgresStore } = require("connect-provider/stores/postgres");
  const { storeConformanceCases } = require("connect-provider/stores/conformance");
  assert.equal(typeof postgresStore, "function");
  const Database = require("better-sqlite3");
  const harness = {
    api: require("connect-provider"),
    async fresh() {
      const db = new Database(":memory:");
      return { store: sqliteStore(db), reopen: async () => sqliteStore(db), migrateConcurrently: async () => {}, close: async () => db.close() };
    },
  };
  const cases = storeConformanceCases(harness);
  assert.equal(cases.length, storeConformanceCases(sqliteHarness("better-sqlite3", api)).length);
  for (const { run } of cases) await run();
});
