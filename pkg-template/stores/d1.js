// The store over a Cloudflare D1 binding (SQLite behind the Workers runtime), on the same schema
// as the SQLite store. D1 takes an ArrayBuffer for a BLOB and may hand one back as an array of
// numbers; connection-record.js copies either into a Uint8Array.
//
// D1 refuses BEGIN: a commit is one batch, which D1 runs as one transaction, rolled back whole when
// a statement fails. A write that matches no row does not fail, so a guard statement right after
// it fails when it changed nothing; that failure, and only that one, answers `false`.
import { SQLITE_MIGRATIONS } from "./schema.js";
import { canonicalInstant, checkedExpiringPage, checkedRecord, expiringPage, ownedRow, ownerOf, recordOfRow } from "./connection-record.js";
import { commitEventColumns, eventColumns, eventQuery, unknownAfter } from "./event-query.js";
import {
  CONFLICT_MARKER, appendValues, conditionalWrite, connectionStatements, eventStatements, isDuplicateColumn, statementsOf,
} from "./sql-statements.js";
import { checkedCompletion, claimLost } from "./idempotency-input.js";
import { CLAIM_LOST_MARKER, idempotencyStatements, sqlIdempotency, valuesOf } from "./idempotency-sql.js";
import { outboxStatements, sqlOutbox } from "./outbox-sql.js";
import { MUTATION_LOST_MARKER, advanceStatement, sqlSync, syncStatements } from "./sync-sql.js";
import { checkedMutation, mutationLost } from "./sync-input.js";

/** @typedef {import("./d1.js").D1Database} D1Database */

const CONNECTIONS = connectionStatements((n) => `?${n}`);
const EVENTS = eventStatements((n) => `?${n}`);
const IDEMPOTENCY = idempotencyStatements("?n");
const OUTBOX = outboxStatements("?n");
const SYNC = syncStatements("?n");
const MIGRATIONS_TABLE =
  "CREATE TABLE IF NOT EXISTS connect_provider_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
const RECORD_MIGRATION = "INSERT INTO connect_provider_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)";
/** A batch that lost a race to another migrating client is run again after reading what it did. */
const MIGRATE_TRIES = 5;

/** @param {Uint8Array} bytes */
const arrayBuffer = (bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);

/** What D1 holds a row (and a string or a BLOB): Cloudflare's limit, which Miniflare's local D1 does not keep. */
const D1_ROW_BYTES = 2_000_000;
/** Room left in a row for SQLite's record header and its numbers. */
const ROW_ROOM = 1_024;
const utf8 = new TextEncoder();

/**
 * A row's values as D1 would refuse them (mid-batch, in its own words): refused here first, naming
 * the record or the event, with nothing written.
 * @param {string} what @param {string} name @param {unknown[]} values
 */
function refuseOverRow(what, name, values) {
  let bytes = 0;
  for (const value of values) {
    if (value instanceof ArrayBuffer) bytes += value.byteLength;
    // A string's UTF-8 length is counted only when it could matter (3 bytes a UTF-16 unit at most).
    else if (typeof value === "string") bytes += value.length * 3 < ROW_ROOM ? value.length * 3 : utf8.encode(value).length;
    else bytes += 8;
  }
  if (bytes > D1_ROW_BYTES - ROW_ROOM) throw new Error(`d1 store: ${what}: ${name} takes ${bytes} bytes, over what a D1 row holds (${D1_ROW_BYTES} bytes)`);
}

/**
 * @param {D1Database} db
 * @returns {import("./index.js").OutboxConnectionStore}
 */
export function d1Store(db) {
  if (!db || typeof db.prepare !== "function" || typeof db.batch !== "function") {
    throw new TypeError("d1Store: db must be a D1Database binding");
  }
  /** @param {string} sql @param {unknown[]} values */
  const records = async (sql, ...values) => (await db.prepare(sql).bind(...values).all()).results.map((row) => recordOfRow(row));
  /** @param {ReturnType<typeof checkedRecord<ArrayBuffer>>} record */
  const writeStatement = (record, /** @type {string} */ what) => {
    const { sql, values } = conditionalWrite(CONNECTIONS, record);
    refuseOverRow(what, "the record", values);
    return db.prepare(sql).bind(...values);
  };
  /** @param {ReturnType<typeof eventColumns>} columns @param {string} what @param {string} name */
  const appendStatement = (columns, what, name) => {
    const values = appendValues(columns);
    refuseOverRow(what, name, values);
    return db.prepare(EVENTS.append).bind(...values);
  };

  const eventBus = {
    /** @param {import("../index.js").ProviderEvent} event */
    async publish(event) {
      await appendStatement(eventColumns(event), "publish", "the event").run();
    },
  };

  return {
    repository: {
      async save(record) {
        const result = /** @type {{ meta: { changes: number } }} */ (await writeStatement(checkedRecord(record, "d1 store: save", arrayBuffer), "save").run());
        return result.meta.changes === 1;
      },
      async commit(record, events, options) {
        const checked = checkedRecord(record, "d1 store: commit", arrayBuffer);
        const row = writeStatement(checked, "commit");
        const appends = commitEventColumns(events, "d1 store: commit").map((columns, i) => appendStatement(columns, "commit", `events[${i}]`));
        const completion = checkedCompletion("d1 store: commit", options?.idempotency);
        const mutation = checkedMutation("d1 store: commit", options?.mutation);
        // The answer kept for the request's key, in the same batch as what it answers; its guard
        // fails the batch when the claim is no longer this request's.
        const completes = completion === null ? [] : [
          db.prepare(IDEMPOTENCY.complete.sql).bind(...valuesOf(IDEMPOTENCY.complete, completion)),
          db.prepare(IDEMPOTENCY.claimGuard),
        ];
        // The sync client's advance past this mutation, in the same batch; its guard fails the
        // batch when the client has moved on.
        const advance = mutation === null ? null : advanceStatement(SYNC, mutation);
        const advances = advance === null ? [] : [db.prepare(advance.statement.sql).bind(...advance.values), db.prepare(SYNC.guard)];
        try {
          await db.batch([row, db.prepare(CONNECTIONS.conflictGuard), ...appends, ...completes, ...advances]);
          return true;
        } catch (error) {
          const message = String(/** @type {any} */ (error)?.message ?? error);
          if (message.includes(CONFLICT_MARKER)) return false;
          if (message.includes(CLAIM_LOST_MARKER)) throw claimLost("d1 store: commit");
          if (message.includes(MUTATION_LOST_MARKER)) throw mutationLost("d1 store: commit");
          throw error;
        }
      },
      async findById(connectionId) {
        const row = await db.prepare(CONNECTIONS.findById).bind(connectionId).first();
        return row ? recordOfRow(row) : null;
      },
      async findOwned(connectionId, userId) {
        const owner = ownerOf(userId, "d1 store: findOwned");
        return ownedRow(await db.prepare(CONNECTIONS.findOwned).bind(owner, owner, connectionId).first(), owner, (row) => recordOfRow(row));
      },
      findByUserId: (userId) => records(CONNECTIONS.findByUserId, userId),
      findActiveByUser: (userId) => records(CONNECTIONS.findActiveByUser, userId),
      findExpiringBefore: (instant) => records(CONNECTIONS.findExpiringBefore, canonicalInstant(instant)),
      async findExpiringPage(instant, page) {
        const { after, limit } = checkedExpiringPage("d1", instant, page);
        const values = after === null ? [canonicalInstant(instant), limit] : [canonicalInstant(instant), after.expiresAt, after.id, limit];
        const rows = (await db.prepare(after === null ? CONNECTIONS.findExpiringPage : CONNECTIONS.findExpiringPageAfter).bind(...values).all()).results;
        return expiringPage(rows, limit, (row) => recordOfRow(row));
      },
      eventBus,
    },
    eventBus,
    idempotency: sqlIdempotency(IDEMPOTENCY, {
      run: async ({ sql }, values) => /** @type {{ meta: { changes: number } }} */ (await db.prepare(sql).bind(...values).run()).meta.changes,
      get: async ({ sql }, values) => db.prepare(sql).bind(...values).first(),
    }),
    sync: sqlSync(SYNC, {
      run: async ({ sql }, values) => /** @type {{ meta: { changes: number } }} */ (await db.prepare(sql).bind(...values).run()).meta.changes,
      get: async ({ sql }, values) => db.prepare(sql).bind(...values).first(),
    }, "d1 store"),
    outbox: sqlOutbox(OUTBOX, {
      run: async ({ sql }, values) => /** @type {{ meta: { changes: number } }} */ (await db.prepare(sql).bind(...values).run()).meta.changes,
      all: async ({ sql }, values) => /** @type {{ results: Record<string, any>[] }} */ (await db.prepare(sql).bind(...values).all()).results,
      list: (ids) => JSON.stringify(ids),
    }),
    async events(query) {
      const { userId, after, limit } = eventQuery(query);
      let from = 0;
      if (after !== null) {
        const found = userId === null
          ? await db.prepare(EVENTS.orderOf).bind(after).first()
          : await db.prepare(EVENTS.orderOfUsers).bind(after, userId).first();
        if (!found) throw unknownAfter();
        from = Number(found.at);
      }
      const read = userId === null ? db.prepare(EVENTS.all).bind(from, limit) : db.prepare(EVENTS.users).bind(userId, from, limit);
      return (await read.all()).results.map((row) => JSON.parse(/** @type {string} */ (row.payload)));
    },
    async migrate() {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await applyMigrations(db);
        } catch (error) {
          if (attempt >= MIGRATE_TRIES || !/UNIQUE constraint failed: connect_provider_migrations/.test(String(error))) throw error;
        }
      }
    },
  };
}

/**
 * The migrations D1 has not recorded, each applied with its record in one batch (a transaction):
 * a client migrating at the same time makes the second record fail, and that batch roll back. An
 * ADD COLUMN that another tool (wrangler's migrations) applied already is recorded as done.
 */
async function applyMigrations(/** @type {D1Database} */ db) {
  await db.prepare(MIGRATIONS_TABLE).run();
  const { results } = await db.prepare("SELECT version FROM connect_provider_migrations").all();
  const applied = new Set(results.map((row) => Number(row.version)));
  for (const { version, name, sql } of SQLITE_MIGRATIONS) {
    if (applied.has(version)) continue;
    const record = db.prepare(RECORD_MIGRATION).bind(version, name, new Date().toISOString());
    try {
      await db.batch([...statementsOf(sql).map((statement) => db.prepare(statement)), record]);
    } catch (error) {
      if (!isDuplicateColumn(error)) throw error;
      await record.run();
    }
  }
}
