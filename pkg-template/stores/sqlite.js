// The store over SQLite: a better-sqlite3 `Database` or a `node:sqlite` `DatabaseSync`, which
// share `prepare().run/get/all` and `exec`. Both answer synchronously; the store's methods return
// promises all the same, like every other store's.
import { SQLITE_MIGRATIONS } from "./schema.js";
import { recordOf, rowValues } from "./connection-row.js";
import { eventColumns, eventQuery, unknownAfter } from "./event-query.js";
import { connectionStatements, eventStatements } from "./sql-statements.js";

/** @typedef {import("./sqlite.js").SqliteDatabase} SqliteDatabase */

const CONNECTIONS = connectionStatements(() => "?");
const EVENTS = eventStatements(() => "?");
/** How long migrate() waits for another connection's write lock before it gives up. */
const LOCK_WAIT_MS = 10_000;

/**
 * @param {SqliteDatabase} db
 * @returns {import("./index.js").ConnectionStore}
 */
export function sqliteStore(db) {
  if (!db || typeof db.prepare !== "function" || typeof db.exec !== "function") {
    throw new TypeError("sqliteStore: db must be a better-sqlite3 Database or a node:sqlite DatabaseSync");
  }
  const prepared = new Map();
  /** Statements are prepared on first use, after migrate() has made their tables. */
  const statement = (/** @type {string} */ sql) => {
    let found = prepared.get(sql);
    if (!found) prepared.set(sql, (found = db.prepare(sql)));
    return found;
  };
  const records = (/** @type {string} */ sql, /** @type {unknown} */ value) => statement(sql).all(value).map((row) => recordOf(row));
  // A Buffer is a Uint8Array that both clients bind as a BLOB, without copying the secret.
  const blob = (/** @type {Uint8Array} */ bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  return {
    repository: {
      async save(record) {
        statement(CONNECTIONS.upsert).run(...rowValues(record, blob));
      },
      async findById(connectionId) {
        const row = statement(CONNECTIONS.findById).get(connectionId);
        return row ? recordOf(row) : null;
      },
      findByUserId: async (userId) => records(CONNECTIONS.findByUserId, userId),
      findActiveByUser: async (userId) => records(CONNECTIONS.findActiveByUser, userId),
      findExpiringBefore: async (instant) => records(CONNECTIONS.findExpiringBefore, instant),
    },
    eventBus: {
      async publish(event) {
        const { eventId, eventType, userId, occurredAt } = eventColumns(event);
        statement(EVENTS.append).run(eventId, eventType, userId, occurredAt, JSON.stringify(event));
      },
    },
    async events(query) {
      const { userId, after, limit } = eventQuery(query);
      let from = 0;
      if (after !== null) {
        const row = userId === null ? statement(EVENTS.sequenceOf).get(after) : statement(EVENTS.sequenceOfUsers).get(after, userId);
        if (!row) throw unknownAfter();
        from = Number(row.sequence);
      }
      const rows = userId === null ? statement(EVENTS.all).all(from, limit) : statement(EVENTS.users).all(userId, from, limit);
      return rows.map((row) => JSON.parse(row.payload));
    },
    async migrate() {
      await withWriteLock(db, () => applyMigrations(db));
    },
  };
}

/** Runs the migrations this database has not recorded, in the transaction withWriteLock holds. */
function applyMigrations(/** @type {SqliteDatabase} */ db) {
  db.exec("CREATE TABLE IF NOT EXISTS connect_provider_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
  const applied = new Set(db.prepare("SELECT version FROM connect_provider_migrations").all().map((row) => Number(row.version)));
  const record = db.prepare("INSERT INTO connect_provider_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  for (const { version, name, sql } of SQLITE_MIGRATIONS) {
    if (applied.has(version)) continue;
    db.exec(sql);
    record.run(version, name, new Date().toISOString());
  }
}

/**
 * `BEGIN IMMEDIATE` takes the database's write lock, so a second process migrating at the same time
 * waits, then finds the work done. A lock held elsewhere is retried (without changing the
 * connection's busy timeout) for up to LOCK_WAIT_MS.
 */
async function withWriteLock(/** @type {SqliteDatabase} */ db, /** @type {() => void} */ work) {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      db.exec("BEGIN IMMEDIATE");
      break;
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  try {
    work();
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

function isBusy(/** @type {any} */ error) {
  return error?.code === "SQLITE_BUSY" || /database is locked|SQLITE_BUSY/i.test(String(error?.message));
}
