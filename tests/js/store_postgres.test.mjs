// The store conformance suite on a real PostgreSQL server that this file starts and stops: each case
// on a new database, through a pg Pool (and once through a Client), migrate() from other processes.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import * as api from "connect-provider";
import { conformanceRecord, storeConformanceCases } from "connect-provider/stores/conformance";
import { postgresStore } from "connect-provider/stores/postgres";
import { startPostgres } from "./support/postgres.mjs";
import { faultyClient } from "../workerd/faulty-client.js";

const run = promisify(execFile);
const migrateScript = fileURLToPath(new URL("./stores/migrate-postgres.mjs", import.meta.url));
/** @type {ReturnType<typeof startPostgres>} */
let server;
before(() => {
  server = startPostgres();
});
after(() => server?.stop());

/**
 * A database of its own for one test and a Pool on it with `options`; the pool ended and the
 * database dropped after it.
 * @param {string} name @param {import("pg").PoolConfig} options
 * @param {(pool: import("pg").Pool, database: string) => Promise<void>} use
 */
async function onPool(name, options, use) {
  const database = await server.createDatabase(name);
  const pool = new pg.Pool({ ...server.config(database), ...options });
  try {
    await use(pool, database);
  } finally {
    await pool.end();
    await server.dropDatabase(database);
  }
}

/** @param {"Pool" | "Client"} kind */
function harness(kind) {
  const connect = async (database) => {
    if (kind === "Pool") return new pg.Pool({ ...server.config(database), max: 20 });
    const client = new pg.Client(server.config(database));
    await client.connect();
    return client;
  };
  return {
    api,
    async fresh() {
      const database = await server.createDatabase();
      const open = [await connect(database)];
      return {
        store: postgresStore(open[0]),
        async reopen() {
          await open.shift().end();
          open.push(await connect(database));
          return postgresStore(open[0]);
        },
        async migrateConcurrently(count) {
          await Promise.all(Array.from({ length: count }, () => run(process.execPath, [migrateScript, server.url(database)])));
        },
        // A Pool (or a Client) of its own; its queries, and a pooled client's, reject from failFrom on.
        async faulty(failFrom, { after = false } = {}) {
          const db = await connect(database);
          const faulty = faultyClient(db, failFrom, {
            counts: (method) => method === "query" || method === "connect",
            wraps: (value) => value instanceof pg.Client,
            rejects: () => true,
            // A query that ran and whose answer was lost. (A pool's connect() that succeeded, its client then
            // lost to the test, would only keep the pool's end() waiting for it.)
            after: after && ((method) => method === "query"),
          });
          return { store: postgresStore(faulty.client), reached: faulty.reached, close: () => db.end() };
        },
        async setVersion(connectionId, version) {
          await open[0].query("UPDATE provider_connections SET version = $1 WHERE id = $2", [version, connectionId]);
        },
        async close() {
          for (const db of open) await db.end();
          await server.dropDatabase(database);
        },
      };
    },
  };
}

for (const kind of ["Pool", "Client"]) {
  for (const { name, run: body } of storeConformanceCases(harness(kind))) test(`postgresStore (${kind}): ${name}`, body);
}

test("postgresStore: migrate() leaves the original service's table and its rows as they are, adding only the version column (1 for its rows)", async () => {
  await onPool("original", {}, async (pool) => {
    // The original's table, as its SQLAlchemy model creates it (with its users and providers).
    await pool.query(`
      CREATE TABLE users (id uuid PRIMARY KEY);
      CREATE TABLE providers (id uuid PRIMARY KEY);
      CREATE TABLE provider_connections (
        id uuid PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE, provider_id uuid NOT NULL REFERENCES providers (id),
        provider_slug varchar(50) NOT NULL, status varchar(20) NOT NULL, alias varchar(100), credential_type varchar(20),
        encrypted_credentials bytea, credentials_expires_at timestamptz, connected_at timestamptz, last_sync_at timestamptz);
      CREATE INDEX idx_provider_connections_user_provider ON provider_connections (user_id, provider_id);
      INSERT INTO users VALUES ('0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b');
      INSERT INTO providers VALUES ('00000000-0000-0000-0000-000000000001');
      INSERT INTO provider_connections (id, user_id, provider_id, provider_slug, status, credential_type, encrypted_credentials,
        credentials_expires_at, connected_at, created_at, updated_at)
      VALUES ('0190f5b2-3c4d-7e8f-9a0b-000000000001', '0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b', '00000000-0000-0000-0000-000000000001',
        'schwab', 'active', 'oauth2', '\\xdeadbeef', '2027-01-01 00:00:00.123456+00', '2026-01-02 03:04:05.678+00',
        '2026-01-02 03:04:05.678+00', '2026-01-02 03:04:05.678+00');`);
    const columns = async () => (await pool.query(
      "SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_name = 'provider_connections' ORDER BY column_name",
    )).rows;
    const before = await columns();
    const store = postgresStore(pool);
    await store.migrate();
    await store.migrate();
    assert.deepEqual(await columns(), [...before, { column_name: "version", data_type: "bigint", character_maximum_length: null }].sort((a, b) => a.column_name.localeCompare(b.column_name)));
    assert.equal((await store.repository.findById("0190f5b2-3c4d-7e8f-9a0b-000000000001"))?.version, 1, "a row of the original reads as version 1");
    const indexes = (await pool.query("SELECT indexname FROM pg_indexes WHERE tablename = 'provider_connections' ORDER BY indexname")).rows.map((r) => r.indexname);
    assert.deepEqual(indexes, ["idx_provider_connections_active", "idx_provider_connections_expiring", "idx_provider_connections_expiring_pages", "idx_provider_connections_user_provider", "provider_connections_pkey"]);
    const view = await new api.GetProviderConnectionHandler(store.repository).handle({
      userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b", connectionId: "0190f5b2-3c4d-7e8f-9a0b-000000000001",
    });
    assert.equal(view.ok, true);
    assert.deepEqual(
      { slug: view.value.providerSlug, expires: view.value.credentialsExpireAt, connected: view.value.connectedAt, isConnected: view.value.isConnected },
      { slug: "schwab", expires: "2027-01-01T00:00:00.123Z", connected: "2026-01-02T03:04:05.678Z", isConnected: true },
    );
    const disconnected = await new api.DisconnectProviderHandler(store.repository, store.eventBus).handle({
      userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b", connectionId: "0190f5b2-3c4d-7e8f-9a0b-000000000001",
    });
    assert.deepEqual(disconnected, { ok: true, value: null });
    const [row] = (await pool.query("SELECT status, credential_type, encrypted_credentials, credentials_expires_at, version FROM provider_connections")).rows;
    assert.deepEqual(row, { status: "disconnected", credential_type: null, encrypted_credentials: null, credentials_expires_at: null, version: "2" });
    // The original service's INSERT, which leaves the version out, still works after the migration.
    await pool.query(`INSERT INTO provider_connections (id, user_id, provider_id, provider_slug, status, created_at, updated_at)
      VALUES ('0190f5b2-3c4d-7e8f-9a0b-000000000002', '0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b', '00000000-0000-0000-0000-000000000001', 'schwab', 'pending', now(), now())`);
    assert.equal((await store.repository.findById("0190f5b2-3c4d-7e8f-9a0b-000000000002"))?.version, 1, "a row the original inserts after the migration");
  });
});

test("postgresStore: the schema is the original's (names, types and lengths), and a bigint version", async () => {
  await onPool("schema", {}, async (pool) => {
    await postgresStore(pool).migrate();
    const { rows } = await pool.query(
      "SELECT column_name AS name, data_type AS type, character_maximum_length AS length FROM information_schema.columns WHERE table_name = 'provider_connections' ORDER BY ordinal_position",
    );
    assert.deepEqual(rows.map((r) => [r.name, r.type, r.length]), [
      ["id", "uuid", null], ["user_id", "uuid", null], ["provider_id", "uuid", null],
      ["provider_slug", "character varying", 50], ["status", "character varying", 20], ["alias", "character varying", 100],
      ["credential_type", "character varying", 20], ["encrypted_credentials", "bytea", null],
      ["credentials_expires_at", "timestamp with time zone", null], ["connected_at", "timestamp with time zone", null],
      ["last_sync_at", "timestamp with time zone", null], ["created_at", "timestamp with time zone", null],
      ["updated_at", "timestamp with time zone", null], ["version", "bigint", null],
    ]);
  });
});

test("postgresStore: findExpiringPage pages rows the original wrote with microseconds as their millisecond: each once, by id within it, none repeated", async () => {
  await onPool("microseconds", {}, async (pool) => {
    const store = postgresStore(pool);
    await store.migrate();
    const T = "2026-12-01T12:00:00.000Z";
    const records = [0, 1, 2].map(() => conformanceRecord({ credentials: { encryptedData: new Uint8Array(8), credentialType: "oauth2", expiresAt: "2026-12-01T11:00:00.123Z" } }));
    for (const record of records) assert.equal(await store.repository.save(record), true);
    // As a writer with microseconds (Python's datetime) leaves them: three instants within one millisecond.
    for (const [i, record] of records.entries()) {
      await pool.query("UPDATE provider_connections SET credentials_expires_at = $1 WHERE id = $2", [`2026-12-01 11:00:00.123${["900", "100", "500"][i]}+00`, record.id]);
    }
    const seen = [];
    let after = null;
    for (let round = 0; round < 5; round += 1) {
      const page = await store.repository.findExpiringPage(T, { after, limit: 1 });
      seen.push(...page.records.map((r) => r.id));
      if (page.next === null) break;
      assert.equal(page.next.expiresAt, "2026-12-01T11:00:00.123Z");
      after = page.next;
    }
    assert.deepEqual(seen, records.map((r) => r.id).sort(), "each once, in id order");
    // A page is read along the index of migration 0008, in its order: no scan of every expiring row, no sort.
    const { connectionStatements } = await import("../../node_modules/connect-provider/stores/sql-statements.js");
    const statements = connectionStatements((n) => `$${n}`, {
      instant: (p) => `${p}::timestamptz`,
      text: (c) => `${c}::text`,
      milliseconds: (c) => `date_trunc('milliseconds', ${c} AT TIME ZONE 'UTC')`,
    });
    const client = await pool.connect();
    try {
      await client.query("SET enable_seqscan = off");
      await client.query("SET enable_bitmapscan = off");
      const [{ "QUERY PLAN": plan }] = (await client.query(`EXPLAIN (FORMAT JSON) ${statements.findExpiringPageAfter}`, [T, "2026-12-01T11:00:00.123Z", records[0].id, 200])).rows;
      const text = JSON.stringify(plan);
      assert.match(text, /"Index Name":"idx_provider_connections_expiring_pages"/, text);
      assert.doesNotMatch(text, /"Node Type":"Sort"/, text);
    } finally {
      client.release();
    }
  });
});

/** An event as the handlers publish it, for `userId`, with `providerSlug`. */
const loggedEvent = (userId, providerSlug) => ({
  eventType: "ProviderConnectionAttempted",
  eventId: randomUUID(),
  occurredAt: "2026-12-01T12:00:00.000Z",
  userId,
  providerId: randomUUID(),
  providerSlug,
});

test("postgresStore: events() reads in commit order, so a cursor never passes over an event that commits after the read", async () => {
  const database = await server.createDatabase("order");
  const pool = new pg.Pool({ ...server.config(database), max: 4 });
  const holder = new pg.Client(server.config(database));
  await holder.connect();
  try {
    const store = postgresStore(pool);
    await store.migrate();
    // A trigger of the test's, which fires before the store's own: an insert of the slug "held" has
    // drawn its sequence and waits there until the holder lets go of lock 4242.
    await holder.query(`CREATE FUNCTION test_hold() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.payload->>'providerSlug' = 'held' THEN PERFORM pg_advisory_xact_lock_shared(4242); END IF; RETURN NEW; END $$`);
    await holder.query("CREATE TRIGGER a_test_hold BEFORE INSERT ON provider_connection_events FOR EACH ROW EXECUTE FUNCTION test_hold()");
    await holder.query("SELECT pg_advisory_lock(4242)");
    const userId = randomUUID();
    const held = loggedEvent(userId, "held");
    const later = loggedEvent(userId, "schwab");
    const publishing = store.eventBus.publish(held);
    const waiting = "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND NOT granted";
    while ((await holder.query(waiting)).rows[0].n === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await store.eventBus.publish(later);
    assert.deepEqual(await store.events({ userId }), [later], "a read while the first insert is open");
    await holder.query("SELECT pg_advisory_unlock(4242)");
    await publishing;
    assert.deepEqual(await store.events({ userId, after: later.eventId }), [held], "the read after the cursor");
    assert.deepEqual(await store.events({ after: later.eventId }), [held], "the same without a user");
    assert.deepEqual(await store.events({ userId }), [later, held]);
    const bySequence = (await holder.query("SELECT event_id FROM provider_connection_events ORDER BY sequence")).rows.map((r) => r.event_id);
    assert.deepEqual(bySequence, [held.eventId, later.eventId], "the sequences were drawn in the other order");
  } finally {
    await holder.end();
    await pool.end();
    await server.dropDatabase(database);
  }
});

test("postgresStore: the commit-order migration keeps the order of the events logged before it, and later ones come after them", async () => {
  await onPool("position", {}, async (pool) => {
    const store = postgresStore(pool);
    await store.migrate();
    // Back to the schema before 0006, with two events logged there and one sequence value lost.
    await pool.query(`DROP TRIGGER provider_connection_events_position ON provider_connection_events;
      ALTER TABLE provider_connection_events DROP COLUMN position;
      DROP SEQUENCE provider_connection_events_position;
      DELETE FROM connect_provider_migrations WHERE version = 6`);
    const userId = randomUUID();
    const before = [loggedEvent(userId, "schwab"), loggedEvent(userId, "vanguard")];
    await store.eventBus.publish(before[0]);
    await pool.query("SELECT nextval(pg_get_serial_sequence('provider_connection_events', 'sequence'))");
    await store.eventBus.publish(before[1]);
    await store.migrate();
    const later = loggedEvent(userId, "fidelity");
    await store.eventBus.publish(later);
    assert.deepEqual(await store.events({ userId }), [...before, later]);
    assert.deepEqual(await store.events({ userId, after: before[1].eventId }), [later]);
    const rows = (await pool.query("SELECT sequence, position FROM provider_connection_events ORDER BY position")).rows;
    assert.deepEqual(rows, [{ sequence: "1", position: "1" }, { sequence: "3", position: "3" }, { sequence: "4", position: "4" }]);
  });
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** The stored version of `id` and how many events its user has, as a separate connection reads them. */
async function storedState(reader, store, record) {
  const found = await store.repository.findById(record.id);
  const logged = (await reader.query("SELECT count(*)::int AS n FROM provider_connection_events WHERE user_id = $1", [record.userId])).rows[0].n;
  return { version: found?.version ?? null, logged };
}

test("postgresStore: commits kept waiting past 4 s from their call give up, and nothing of them lands once the wait ends: a row another transaction holds (the statement is cut off), then a Client's turn behind it (refused before BEGIN)", async () => {
  const database = await server.createDatabase("rowwait");
  const client = new pg.Client(server.config(database));
  const holder = new pg.Client(server.config(database));
  await client.connect();
  await holder.connect();
  try {
    const store = postgresStore(client);
    await store.migrate();
    const record = conformanceRecord();
    assert.equal(await store.repository.save(record), true);
    await holder.query("BEGIN");
    await holder.query("SELECT id FROM provider_connections WHERE id = $1 FOR UPDATE", [record.id]);
    const next = { ...record, status: "disconnected", credentials: null, version: 2 };
    const events = [loggedEvent(record.userId, "schwab")];
    const settled = [];
    const commits = [store.repository.commit(next, events), store.repository.commit(next, events)].map((commit, i) =>
      commit.then(
        (value) => settled.push([i, "fulfilled", value]),
        (error) => settled.push([i, "rejected", String(error.message)]),
      ),
    );
    // The holder lets go after 6 s, past the service's 5 s handler deadline.
    await sleep(6000);
    const beforeRelease = [...settled];
    await holder.query("COMMIT");
    await Promise.all(commits);
    await sleep(300);
    assert.deepEqual(beforeRelease, [
      [0, "rejected", "canceling statement due to statement timeout"],
      [1, "rejected", "postgres store: commit: gave up before it began, 4000 ms after its call (a Client's earlier calls, the pool's connections or another transaction's row locks kept it waiting)"],
    ]);
    assert.deepEqual(await storedState(holder, store, record), { version: 1, logged: 0 }, "neither commit landed when the row came free");
    assert.equal(await store.repository.commit(next, events), true, "the Client is usable, outside any transaction");
    assert.deepEqual(await storedState(holder, store, record), { version: 2, logged: 1 });
    assert.deepEqual((await client.query("SHOW statement_timeout")).rows[0], { statement_timeout: "0" }, "the timeout was the transaction's only");
  } finally {
    await holder.end();
    await client.end();
    await server.dropDatabase(database);
  }
});

test("postgresStore: a commit whose Pool lends it a connection only after 4 s gives up before BEGIN, and the connection goes back to the pool", async () => {
  await onPool("poolwait", { max: 1 }, async (pool) => {
    const store = postgresStore(pool);
    await store.migrate();
    const record = conformanceRecord();
    const taken = await pool.connect();
    const commit = store.repository.commit(record, [loggedEvent(record.userId, "schwab")]);
    await sleep(5000);
    taken.release();
    await assert.rejects(commit, { message: /^postgres store: commit: gave up before it began, 4000 ms after its call/ });
    assert.deepEqual(await storedState(pool, store, record), { version: null, logged: 0 });
    assert.equal(await store.repository.commit(record, [loggedEvent(record.userId, "schwab")]), true, "the pool's one connection is back");
    assert.deepEqual(await storedState(pool, store, record), { version: 1, logged: 1 });
  });
});

test("postgresStore: a purge that picked a stale claim while a retry took its lease over leaves the retry's claim, which then completes (the bound is checked again on the row deleted)", async () => {
  await onPool("purge_takeover", { max: 4 }, async (pool) => {
    const store = postgresStore(pool);
    await store.migrate();
    const userId = randomUUID();
    const day = 86_400_000;
    const now = Date.now();
    assert.equal((await store.idempotency.claim(userId, "key", "fp", now - 2 * day, 60_000)).state, "claimed", "a claim whose process died two days ago");
    // The retry takes the lease over (takeOver's statement), in a transaction held open while the purge runs.
    const retry = await pool.connect();
    try {
      await retry.query("BEGIN");
      const taken = await retry.query(
        "UPDATE idempotency_keys SET token = 'retry-token', locked_until = $1, created_at = $2 WHERE user_id = $3 AND idempotency_key = 'key' AND locked_until <= $2",
        [new Date(now + 60_000), new Date(now), userId],
      );
      assert.equal(taken.rowCount, 1, "taken over");
      const purging = store.idempotency.purge(now - day, 10);
      // The purge's subquery has picked the row and its DELETE waits for the retry's row lock.
      let waiting = false;
      for (let tries = 0; !waiting && tries < 250; tries += 1) {
        const { rows } = await pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'DELETE FROM idempotency_keys%'");
        waiting = rows[0].n === 1;
        if (!waiting) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.ok(waiting, "the purge waits on the row");
      await retry.query("COMMIT");
      assert.equal(await purging, 0, "the purge deletes nothing");
    } finally {
      retry.release();
    }
    assert.equal(await store.idempotency.complete(userId, "key", "retry-token", { status: 201, body: { id: "x" } }), true, "the retry's claim completes");
    assert.deepEqual(await store.idempotency.claim(userId, "key", "fp", now + 1, 60_000), { state: "replay", response: { status: 201, body: { id: "x" } } }, "and replays");
  });
});

test("postgresStore: a record the table cannot take (an id that is no uuid, text over its varchar length in characters, U+0000) is refused naming the field, by save and commit, before anything is sent; one at every length in characters (not UTF-16 units) is kept", async () => {
  await onPool("limits", {}, async (pool) => {
    const store = postgresStore(pool);
    await store.migrate();
    const base = conformanceRecord();
    const bad = [
      [{ id: "connection-1" }, "id is not a UUID, which its uuid column needs"],
      [{ userId: `${base.userId}0` }, "userId is not a UUID, which its uuid column needs"],
      [{ providerId: "" }, "record.providerId must be a non-empty string"],
      [{ providerSlug: "s".repeat(51) }, "providerSlug is over 50 characters, its varchar(50) column's length"],
      [{ status: "x".repeat(21) }, "status is over 20 characters, its varchar(20) column's length"],
      [{ alias: "a".repeat(101) }, "alias is over 100 characters, its varchar(100) column's length"],
      [{ credentials: { ...base.credentials, credentialType: "t".repeat(21) } }, "credentialType is over 20 characters, its varchar(20) column's length"],
      [{ status: "act\u0000ive" }, "status contains U+0000, which PostgreSQL text cannot hold"],
    ];
    for (const [change, message] of bad) {
      const record = { ...base, ...change };
      await assert.rejects(store.repository.save(record), { message: `postgres store: save: ${message}` }, message);
      await assert.rejects(store.repository.commit(record, [loggedEvent(base.userId, "schwab")]), { message: `postgres store: commit: ${message}` }, message);
    }
    assert.deepEqual((await pool.query("SELECT (SELECT count(*)::int FROM provider_connections) AS rows, (SELECT count(*)::int FROM provider_connection_events) AS events")).rows[0], { rows: 0, events: 0 });
    // 50, 20, 100 and 20 characters of two UTF-16 units each; braces and no hyphens are uuids to PostgreSQL.
    const wide = {
      ...base,
      id: `{${base.id.toUpperCase()}}`,
      userId: base.userId.replaceAll("-", ""),
      providerSlug: "😀".repeat(50),
      status: "😀".repeat(20),
      alias: "😀".repeat(100),
      credentials: { ...base.credentials, credentialType: "😀".repeat(20) },
    };
    assert.equal(await store.repository.save(wide), true);
    assert.deepEqual(await store.repository.findById(base.id), { ...wide, id: base.id, userId: base.userId });
  });
});

test("postgresStore: instants are sent in UTC, so a session in another time zone keeps what JavaScript read (text without an offset included); an instant past the years 1 to 9999, an id PostgreSQL would not read as a uuid, and an event type with U+0000 are refused naming the field, before anything is sent", async () => {
  await onPool("instants", { options: "-c TimeZone=America/New_York" }, async (pool) => {
    const store = postgresStore(pool);
    await store.migrate();
    assert.equal((await pool.query("SHOW TimeZone")).rows[0].TimeZone, "America/New_York");
    const base = conformanceRecord();
    const local = "2026-03-07T10:00:00";
    const record = { ...base, createdAt: local, updatedAt: "2026-03-07T12:00:00+02:00", credentials: { ...base.credentials, expiresAt: "2027-01-01" } };
    assert.equal(await store.repository.save(record), true);
    const found = await store.repository.findById(base.id);
    assert.deepEqual(
      [found.createdAt, found.updatedAt, found.credentials.expiresAt],
      [new Date(local).toISOString(), "2026-03-07T10:00:00.000Z", "2027-01-01T00:00:00.000Z"],
      "each as JavaScript's Date.parse read it",
    );
    const event = { ...loggedEvent(base.userId, "schwab"), occurredAt: local };
    await store.eventBus.publish(event);
    assert.equal((await pool.query("SELECT occurred_at FROM provider_connection_events")).rows[0].occurred_at.toISOString(), new Date(local).toISOString());
    assert.deepEqual((await store.events()).map((e) => e.occurredAt), [local], "the payload keeps the event as it came");

    const other = conformanceRecord();
    const bad = [
      [{ ...other, createdAt: "+010000-01-01T00:00:00.000Z" }, [], "createdAt is outside the years 1 to 9999, which this store keeps"],
      [{ ...other, credentials: { ...other.credentials, expiresAt: "-000001-06-01T00:00:00.000Z" } }, [], "credentials.expiresAt is outside the years 1 to 9999, which this store keeps"],
      [{ ...other, id: "01-23456789abcdef0123456789abcdef" }, [], "id is not a UUID, which its uuid column needs"],
      [{ ...other, id: `${other.id.replaceAll("-", "")}}` }, [], "id is not a UUID, which its uuid column needs"],
      [other, [{ ...loggedEvent(other.userId, "schwab"), occurredAt: "+275760-09-13T00:00:00.000Z" }], "events[0].occurredAt is outside the years 1 to 9999, which this store keeps"],
      [other, [{ ...loggedEvent(other.userId, "schwab"), eventType: "Provider\u0000Connected" }], "events[0].eventType contains U+0000, which PostgreSQL text cannot hold"],
    ];
    for (const [candidate, events, message] of bad) {
      if (events.length === 0) await assert.rejects(store.repository.save(candidate), { name: "RangeError", message: `postgres store: save: ${message}` }, message);
      await assert.rejects(store.repository.commit(candidate, events), { name: "RangeError", message: `postgres store: commit: ${message}` }, message);
    }
    await assert.rejects(store.eventBus.publish({ ...loggedEvent(other.userId, "schwab"), occurredAt: "0000-12-31T23:59:59.999Z" }), { message: "postgres store: publish: event.occurredAt is outside the years 1 to 9999, which this store keeps" });
    assert.deepEqual((await pool.query("SELECT (SELECT count(*)::int FROM provider_connections) AS rows, (SELECT count(*)::int FROM provider_connection_events) AS events")).rows[0], { rows: 1, events: 1 }, "nothing of them was written");
  });
});
