// The store conformance suite on SQLite files, through better-sqlite3 and, where Node has it
// (22.5 and later), node:sqlite.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as api from "connect-provider";
import { conformanceRecord, storeConformanceCases } from "connect-provider/stores/conformance";
import { sqliteStore } from "connect-provider/stores/sqlite";
import { sqliteHarness } from "./stores/sqlite-harness.mjs";

/** A directory of its own for one test, removed after it. @param {string} prefix @param {(dir: string) => Promise<void>} use */
async function inTempDir(prefix, use) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const hasNodeSqlite = await import("node:sqlite").then(() => true, () => false);
// better-sqlite3 is built for the machine's Node; scripts/test.sh runs the node:sqlite half on Node 24.
const clients = process.env.SQLITE_CLIENTS?.split(",") ?? ["better-sqlite3", "node:sqlite"];

for (const client of clients) {
  const skip = client === "node:sqlite" && !hasNodeSqlite ? `node:sqlite needs Node 22.5+ (this is ${process.version})` : false;
  for (const { name, run } of storeConformanceCases(sqliteHarness(client, api))) {
    test(`sqliteStore (${client}): ${name}`, { skip }, run);
  }
}

test("the SQLite and PostgreSQL stores and the suite load through require too, and a CommonJS store passes the suite on one in-memory client (its faults, races from a second client and migrations from other processes are the file harness's, above)", { skip: !clients.includes("better-sqlite3") }, async () => {
  const require = createRequire(import.meta.url);
  const { sqliteStore } = require("connect-provider/stores/sqlite");
  const { postgresStore } = require("connect-provider/stores/postgres");
  const { storeConformanceCases } = require("connect-provider/stores/conformance");
  assert.equal(typeof postgresStore, "function");
  const Database = require("better-sqlite3");
  const harness = {
    api: require("connect-provider"),
    faults: false,
    async fresh() {
      const db = new Database(":memory:");
      return { store: sqliteStore(db), reopen: async () => sqliteStore(db), migrateConcurrently: async () => {}, close: async () => db.close() };
    },
  };
  const cases = storeConformanceCases(harness);
  assert.equal(cases.length, storeConformanceCases(sqliteHarness("better-sqlite3", api)).length);
  for (const { run } of cases) await run();
});

test("sqliteStore: a database of the first schema, its rows without a version, is migrated in place (rows read as version 1); a 0002 another tool applied is recorded as done", { skip: !clients.includes("better-sqlite3") }, async () => {
  const require = createRequire(import.meta.url);
  const Database = require("better-sqlite3");
  const sql = (name) => readFileSync(fileURLToPath(new URL(`../../node_modules/connect-provider/stores/sql/sqlite/${name}`, import.meta.url)), "utf8");
  const row = "INSERT INTO provider_connections (id, user_id, provider_id, provider_slug, status, created_at, updated_at) VALUES (?, ?, ?, 'schwab', 'pending', ?, ?)";
  const ids = ["0190f5b2-3c4d-7e8f-9a0b-000000000001", "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b", "00000000-0000-0000-0000-000000000001"];
  for (const byTool of [false, true]) {
    const db = new Database(":memory:");
    try {
      db.exec(sql("0001_provider_connections.sql"));
      db.prepare(row).run(...ids, "2026-01-02T03:04:05.678Z", "2026-01-02T03:04:05.678Z");
      if (byTool) db.exec(sql("0002_connection_version.sql"));
      const store = sqliteStore(db);
      await store.migrate();
      await store.migrate();
      assert.deepEqual(db.prepare("SELECT version, name FROM connect_provider_migrations ORDER BY version").all().map((r) => [r.version, r.name]), [[1, "0001_provider_connections"], [2, "0002_connection_version"], [3, "0003_idempotency_keys"], [4, "0004_event_outbox"], [5, "0005_sync_clients"], [7, "0007_sync_refusals"]]);
      const found = await store.repository.findById(ids[0]);
      assert.equal(found?.version, 1);
      assert.equal(await store.repository.save({ ...found, status: "failed", version: 2 }), true);
      assert.equal(await store.repository.save({ ...found, status: "revoked", version: 2 }), false);
      assert.equal((await store.repository.findById(ids[0]))?.status, "failed");
    } finally {
      db.close();
    }
  }
});

test("sqliteStore: a commit waiting for another connection's write lock gives up before a 5 s handler deadline (the service's), so the command's answer, the state and the log agree: nothing lands after the handler gave up", { skip: !clients.includes("better-sqlite3") }, async () => {
  const { default: Database } = await import("better-sqlite3");
  await inTempDir("connect-provider-lock-", async (dir) => {
    const path = join(dir, "db.sqlite");
    // No busy timeout of the client's own: the store's wait decides, as with node:sqlite's default.
    const store = sqliteStore(new Database(path, { timeout: 0 }));
    await store.migrate();
    const other = new Database(path, { timeout: 0 });
    other.exec("BEGIN IMMEDIATE");
    const released = new Promise((resolve) => setTimeout(() => resolve(other.exec("COMMIT")), 7000));
    const busErrors = [];
    const handler = new api.ConnectProviderHandler(store.repository, store.eventBus, { timeoutMs: 5000, onEventBusError: (error, event) => busErrors.push([event.eventType, String(error)]) });
    const userId = crypto.randomUUID();
    const command = { userId, providerId: crypto.randomUUID(), providerSlug: "bank", credentials: { encryptedData: new Uint8Array([1, 2, 3]), credentialType: "oauth2" } };
    const result = await handler.handle(command);
    await released;
    // Past the handler's deadline and the lock's release: a commit still waiting would land now.
    await new Promise((resolve) => setTimeout(resolve, 500));
    handler.free();
    assert.deepEqual(result, { ok: false, error: "Database error occurred: database is locked", code: "DATABASE_ERROR" });
    assert.deepEqual(await store.repository.findByUserId(userId), [], "nothing saved, then or later");
    assert.deepEqual(await store.events({ userId }), [], "nor logged: the lock kept out both events, whose publish is fail-open");
    assert.deepEqual(busErrors, [["ProviderConnectionAttempted", "SqliteError: database is locked"], ["ProviderConnectionFailed", "SqliteError: database is locked"]]);
  });
});

test("sqliteStore: the wait for another connection's write lock is timed on the monotonic clock, so a wall clock that stands still (or is set back) does not stretch it past 4 s", { skip: !clients.includes("better-sqlite3") }, async () => {
  const { default: Database } = await import("better-sqlite3");
  const wallClock = Date.now;
  await inTempDir("connect-provider-clock-", async (dir) => {
    try {
      const path = join(dir, "db.sqlite");
      const store = sqliteStore(new Database(path, { timeout: 0 }));
      await store.migrate();
      const other = new Database(path, { timeout: 0 });
      other.exec("BEGIN IMMEDIATE");
      const record = conformanceRecord();
      const frozen = wallClock();
      Date.now = () => frozen;
      const outcome = store.repository.commit(record, []).then(
        (value) => ["fulfilled", value],
        (error) => ["rejected", String(error.message)],
      );
      // The other connection lets go after 6 s: a wait still going then would commit.
      const released = new Promise((resolve) => setTimeout(() => resolve(other.exec("COMMIT")), 6000));
      const first = await Promise.race([outcome, released.then(() => "the lock was released first")]);
      await released;
      await outcome;
      Date.now = wallClock;
      assert.deepEqual(first, ["rejected", "database is locked"]);
      assert.equal(await store.repository.findById(record.id), null);
    } finally {
      Date.now = wallClock;
    }
  });
});

test("sqliteStore: a ROLLBACK that finds no transaction (SQLite rolled it back itself, after an I/O error) leaves the connection in use, on a client that does not say whether it is in one (node:sqlite before 22.16)", { skip: !clients.includes("better-sqlite3") }, async () => {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(":memory:");
  let failing = false;
  // No inTransaction: the client says nothing; its COMMIT fails after SQLite has rolled back.
  const client = {
    prepare: (sql) => db.prepare(sql),
    exec(sql) {
      if (failing && sql === "COMMIT") {
        db.exec("ROLLBACK");
        throw new Error("disk I/O error");
      }
      return db.exec(sql);
    },
  };
  const store = sqliteStore(client);
  await store.migrate();
  failing = true;
  const first = conformanceRecord();
  await assert.rejects(store.repository.commit(first, []), { message: "disk I/O error" });
  assert.throws(() => db.exec("ROLLBACK"), /no transaction is active/, "what the store's ROLLBACK met");
  failing = false;
  const second = conformanceRecord();
  assert.equal(await store.repository.save(second), true, "the connection is still used");
  assert.equal(await store.repository.findById(first.id), null);
  assert.deepEqual(await store.repository.findById(second.id), second);
  db.close();
});

test("sqliteStore: a connection left inside a transaction it could not roll back is refused by every later call, where a save would have run inside that transaction and vanished with it", { skip: !clients.includes("better-sqlite3") }, async () => {
  const { default: Database } = await import("better-sqlite3");
  await inTempDir("connect-provider-rollback-", async (dir) => {
    const path = join(dir, "db.sqlite");
    const db = new Database(path);
    // The client as the stores see it, whose COMMIT and ROLLBACK fail once `failing` (as an I/O error would make them).
    let failing = false;
    const client = {
      prepare: (sql) => db.prepare(sql),
      exec(sql) {
        if (failing && sql === "COMMIT") throw new Error("disk I/O error (COMMIT)");
        if (failing && sql === "ROLLBACK") throw new Error("disk I/O error (ROLLBACK)");
        return db.exec(sql);
      },
      get inTransaction() {
        return db.inTransaction;
      },
    };
    const stuck = sqliteStore(client);
    await stuck.migrate();
    const store = sqliteStore(client);
    failing = true;
    const first = conformanceRecord();
    await assert.rejects(stuck.repository.commit(first, []), { message: "disk I/O error (COMMIT)" });
    assert.equal(db.inTransaction, true, "the transaction is still open on the connection");
    const refusal = { message: "sqlite store: this connection was left inside a transaction that could not be rolled back (disk I/O error (ROLLBACK)); close it and open another" };
    const second = conformanceRecord();
    await assert.rejects(stuck.repository.save(second), refusal);
    await assert.rejects(store.repository.save(second), refusal, "every store over that connection");
    await assert.rejects(store.repository.findById(first.id), refusal);
    await assert.rejects(store.repository.commit(second, []), refusal);
    await assert.rejects(store.events({}), refusal);
    db.close();
    const reopened = sqliteStore(new Database(path));
    assert.equal(await reopened.repository.findById(first.id), null, "closing rolled the commit back");
    assert.equal(await reopened.repository.findById(second.id), null);
  });
});

test("sqliteStore: records saved with ids that are not UUIDs (a store of another tool's rows) are paged past by findExpiringPage: the next page takes the cursor it answered", { skip: !clients.includes("better-sqlite3") }, async () => {
  const Database = createRequire(import.meta.url)("better-sqlite3");
  const store = sqliteStore(new Database(":memory:"));
  await store.migrate();
  const expiresAt = "2026-12-01T12:00:00.000Z";
  const ids = ["legacy-1", "legacy-2", "Legacy-3 with spaces"];
  for (const id of ids) await store.repository.save(conformanceRecord({ id, status: "active", credentials: { encryptedData: new Uint8Array([1]), credentialType: "oauth2", expiresAt } }));
  const read = [];
  let after = null;
  do {
    const page = await store.repository.findExpiringPage("2026-12-02T00:00:00.000Z", { after, limit: 1 });
    read.push(...page.records.map((record) => record.id));
    after = page.next;
  } while (after !== null);
  assert.deepEqual(read, [...ids].sort());
  await assert.rejects(store.repository.findExpiringPage("2026-12-02T00:00:00.000Z", { after: { expiresAt, id: "" }, limit: 1 }), {
    name: "TypeError",
    message: "sqlite store: findExpiringPage: after must be null or the { expiresAt, id } the page before answered as next",
  });
});

test("the shipped SQL stores have findOwned and findExpiringPage, whose conformance cases run only where a store has them", async () => {
  const { d1Store } = await import("connect-provider/stores/d1");
  const { postgresStore } = await import("connect-provider/stores/postgres");
  const stores = {
    // Each made over a stand-in for its client: only the repository's methods are looked at.
    sqlite: sqliteStore(/** @type {any} */ ({ prepare() {}, exec() {} })),
    d1: d1Store(/** @type {any} */ ({ prepare() {}, batch() {} })),
    postgres: postgresStore(/** @type {any} */ ({ query() {} })),
  };
  for (const [name, store] of Object.entries(stores)) {
    assert.deepEqual([typeof store.repository.findOwned, typeof store.repository.findExpiringPage], ["function", "function"], name);
  }
});
