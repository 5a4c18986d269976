// The store over SQLite: a better-sqlite3 `Database` or a `node:sqlite` `DatabaseSync`, which
// share `prepare().run/get/all` and `exec`. Both answer synchronously; the store's methods return
// promises all the same, like every other store's. A commit's transaction runs from BEGIN to
// COMMIT without yielding, so no other call on this connection can land inside it.
import { SQLITE_MIGRATIONS } from "./schema.js";
import { canonicalInstant, checkedExpiringPage, checkedRecord, expiringPage, ownedRow, ownerOf, recordOfRow } from "./connection-record.js";
import { commitEventColumns, eventColumns, eventQuery, unknownAfter } from "./event-query.js";
import { appendValues, conditionalWrite, connectionStatements, eventStatements, isDuplicateColumn } from "./sql-statements.js";
import { checkedCompletion, claimLost } from "./idempotency-input.js";
import { idempotencyStatements, sqlIdempotency, valuesOf } from "./idempotency-sql.js";
import { outboxStatements, sqlOutbox } from "./outbox-sql.js";
import { advanceStatement, sqlSync, syncStatements } from "./sync-sql.js";
import { checkedMutation, mutationLost } from "./sync-input.js";

/** @typedef {import("./sqlite.js").SqliteDatabase} SqliteDatabase */

const CONNECTIONS = connectionStatements(() => "?");
const EVENTS = eventStatements(() => "?");
const IDEMPOTENCY = idempotencyStatements("?");
const OUTBOX = outboxStatements("?");
const SYNC = syncStatements("?");
/**
 * How long migrate() and commit() wait for another connection's write lock before they give up:
 * less than the service's handler deadline (5 s) and the handlers' default (10 s), so a commit the
 * handler has given up on (and answered, and logged as failed) never lands after it.
 */
const LOCK_WAIT_MS = 4_000;

/**
 * The connections left inside a transaction they could not roll back, with what ROLLBACK threw:
 * anything run on one would run inside that transaction (and vanish with it), so every store over it
 * refuses.
 * @type {WeakMap<object, unknown>}
 */
const stuckConnections = new WeakMap();

// A Buffer is a Uint8Array that both clients bind as a BLOB, without copying the secret.
const blob = (/** @type {Uint8Array} */ bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * @param {SqliteDatabase} db
 * @returns {import("./index.js").OutboxConnectionStore}
 */
export function sqliteStore(db) {
  if (!db || typeof db.prepare !== "function" || typeof db.exec !== "function") {
    throw new TypeError("sqliteStore: db must be a better-sqlite3 Database or a node:sqlite DatabaseSync");
  }
  const prepared = new Map();
  /** Statements are prepared on first use, after migrate() has made their tables. */
  const statement = (/** @type {string} */ sql) => {
    refuseIfStuck(db);
    let found = prepared.get(sql);
    if (!found) prepared.set(sql, (found = db.prepare(sql)));
    return found;
  };
  const records = (/** @type {string} */ sql, /** @type {unknown} */ value) => statement(sql).all(value).map((row) => recordOfRow(row));
  /** The conditional write; whether it wrote. @param {ReturnType<typeof checkedRecord<Buffer>>} record */
  const write = (record) => {
    const { sql, values } = conditionalWrite(CONNECTIONS, record);
    return changes(statement(sql).run(...values)) === 1;
  };

  const eventBus = {
    /** @param {import("../index.js").ProviderEvent} event */
    async publish(event) {
      statement(EVENTS.append).run(...appendValues(eventColumns(event)));
    },
  };

  return {
    repository: {
      async save(record) {
        return write(checkedRecord(record, "sqlite store: save", blob));
      },
      async commit(record, events, options) {
        const checked = checkedRecord(record, "sqlite store: commit", blob);
        const appends = commitEventColumns(events, "sqlite store: commit").map(appendValues);
        const completion = checkedCompletion("sqlite store: commit", options?.idempotency);
        const mutation = checkedMutation("sqlite store: commit", options?.mutation);
        return withWriteLock(db, () => {
          if (!write(checked)) return false;
          for (const values of appends) statement(EVENTS.append).run(...values);
          // The answer kept for the request's key, in the same transaction as what it answers.
          if (completion !== null && changes(statement(IDEMPOTENCY.complete.sql).run(...valuesOf(IDEMPOTENCY.complete, completion))) !== 1) {
            throw claimLost("sqlite store: commit");
          }
          // The sync client's advance past this mutation, in the same transaction as its change.
          if (mutation !== null) {
            const advance = advanceStatement(SYNC, mutation);
            if (changes(statement(advance.statement.sql).run(...advance.values)) !== 1) throw mutationLost("sqlite store: commit");
          }
          return true;
        });
      },
      async findById(connectionId) {
        const row = statement(CONNECTIONS.findById).get(connectionId);
        return row ? recordOfRow(row) : null;
      },
      async findOwned(connectionId, userId) {
        const owner = ownerOf(userId, "sqlite store: findOwned");
        return ownedRow(statement(CONNECTIONS.findOwned).get(owner, owner, connectionId), owner, (row) => recordOfRow(row));
      },
      findByUserId: async (userId) => records(CONNECTIONS.findByUserId, userId),
      findActiveByUser: async (userId) => records(CONNECTIONS.findActiveByUser, userId),
      findExpiringBefore: async (instant) => records(CONNECTIONS.findExpiringBefore, canonicalInstant(instant)),
      async findExpiringPage(instant, page) {
        const { after, limit } = checkedExpiringPage("sqlite", instant, page);
        const values = after === null ? [canonicalInstant(instant), limit] : [canonicalInstant(instant), after.expiresAt, after.id, limit];
        return expiringPage(statement(after === null ? CONNECTIONS.findExpiringPage : CONNECTIONS.findExpiringPageAfter).all(...values), limit, (row) => recordOfRow(row));
      },
      eventBus,
    },
    eventBus,
    idempotency: sqlIdempotency(IDEMPOTENCY, {
      run: async ({ sql }, values) => changes(statement(sql).run(...values)),
      get: async ({ sql }, values) => statement(sql).get(...values) ?? null,
    }),
    sync: sqlSync(SYNC, {
      run: async ({ sql }, values) => changes(statement(sql).run(...values)),
      get: async ({ sql }, values) => statement(sql).get(...values) ?? null,
    }, "sqlite store"),
    outbox: sqlOutbox(OUTBOX, {
      run: async ({ sql }, values) => changes(statement(sql).run(...values)),
      all: async ({ sql }, values) => statement(sql).all(...values),
      list: (ids) => JSON.stringify(ids),
    }),
    async events(query) {
      const { userId, after, limit } = eventQuery(query);
      let from = 0;
      if (after !== null) {
        const row = userId === null ? statement(EVENTS.orderOf).get(after) : statement(EVENTS.orderOfUsers).get(after, userId);
        if (!row) throw unknownAfter();
        from = Number(row.at);
      }
      const rows = userId === null ? statement(EVENTS.all).all(from, limit) : statement(EVENTS.users).all(userId, from, limit);
      return rows.map((row) => JSON.parse(row.payload));
    },
    async migrate() {
      await withWriteLock(db, () => applyMigrations(db));
    },
  };
}

/** How many rows a statement changed (node:sqlite may count in a bigint). @param {unknown} result */
const changes = (result) => Number(/** @type {{ changes: number | bigint }} */ (result).changes);

/** Runs the migrations this database has not recorded, in the transaction withWriteLock holds. */
function applyMigrations(/** @type {SqliteDatabase} */ db) {
  db.exec("CREATE TABLE IF NOT EXISTS connect_provider_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
  const applied = new Set(db.prepare("SELECT version FROM connect_provider_migrations").all().map((row) => Number(row.version)));
  const record = db.prepare("INSERT INTO connect_provider_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  for (const { version, name, sql } of SQLITE_MIGRATIONS) {
    if (applied.has(version)) continue;
    try {
      db.exec(sql);
    } catch (error) {
      // An ADD COLUMN another tool applied already (SQLite has no ADD COLUMN IF NOT EXISTS).
      if (!isDuplicateColumn(error)) throw error;
    }
    record.run(version, name, new Date().toISOString());
  }
}

/**
 * Runs `work` in a transaction holding the database's write lock (`BEGIN IMMEDIATE`), so another
 * connection or process waits, then sees all of it or none; any error rolls it back. A lock held
 * elsewhere is retried (without changing the connection's busy timeout) for up to LOCK_WAIT_MS.
 * @template T
 * @param {SqliteDatabase} db
 * @param {() => T} work
 * @returns {Promise<T>}
 */
async function withWriteLock(db, work) {
  // The monotonic clock: a wall clock set back while waiting would stretch the wait.
  const deadline = performance.now() + LOCK_WAIT_MS;
  for (;;) {
    refuseIfStuck(db);
    try {
      db.exec("BEGIN IMMEDIATE");
      break;
    } catch (error) {
      if (!isBusy(error) || performance.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  let result;
  try {
    result = work();
    db.exec("COMMIT");
  } catch (error) {
    try {
      db.exec("ROLLBACK");
    } catch (rollbackFailed) {
      // SQLite rolls the transaction back when the connection closes; until then it may be open.
      // (A client that does not say whether it is, node:sqlite before 22.16, is taken at its word
      // when ROLLBACK found no transaction: SQLite had rolled it back itself, after an I/O error.)
      const open = inTransaction(db) ?? !/no transaction is active/i.test(String(/** @type {any} */ (rollbackFailed)?.message));
      if (open) stuckConnections.set(db, rollbackFailed);
    }
    throw error;
  }
  return result;
}

/**
 * Whether the connection is inside a transaction (better-sqlite3's inTransaction, node:sqlite's
 * isTransaction), or undefined where the client does not say.
 * @param {SqliteDatabase} db @returns {boolean | undefined}
 */
function inTransaction(db) {
  const open = /** @type {any} */ (db).inTransaction ?? /** @type {any} */ (db).isTransaction;
  return typeof open === "boolean" ? open : undefined;
}

/** @param {SqliteDatabase} db */
function refuseIfStuck(db) {
  if (!stuckConnections.has(db)) return;
  const message = String(/** @type {any} */ (stuckConnections.get(db))?.message ?? stuckConnections.get(db));
  throw new Error(`sqlite store: this connection was left inside a transaction that could not be rolled back (${message}); close it and open another`);
}

function isBusy(/** @type {any} */ error) {
  return error?.code === "SQLITE_BUSY" || /database is locked|SQLITE_BUSY/i.test(String(error?.message));
}
