// The store over a Cloudflare D1 binding (SQLite behind the Workers runtime), on the same schema
// as the SQLite store. D1 takes an ArrayBuffer for a BLOB and may hand one back as an array of
// numbers; connection-row.js copies either into a Uint8Array.
import { SQLITE_MIGRATIONS } from "./schema.js";
import { recordOf, rowValues } from "./connection-row.js";
import { eventColumns, eventQuery, unknownAfter } from "./event-query.js";
import { connectionStatements, eventStatements, statementsOf } from "./sql-statements.js";

/** @typedef {import("./d1.js").D1Database} D1Database */

const CONNECTIONS = connectionStatements((n) => `?${n}`);
const EVENTS = eventStatements((n) => `?${n}`);
const MIGRATIONS_TABLE =
  "CREATE TABLE IF NOT EXISTS connect_provider_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
/** A batch that lost a race to another migrating client is run again after reading what it did. */
const MIGRATE_TRIES = 5;

/** @param {Uint8Array} bytes */
const arrayBuffer = (bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);

/**
 * @param {D1Database} db
 * @returns {import("./index.js").ConnectionStore}
 */
export function d1Store(db) {
  if (!db || typeof db.prepare !== "function" || typeof db.batch !== "function") {
    throw new TypeError("d1Store: db must be a D1Database binding");
  }
  /** @param {string} sql @param {unknown[]} values */
  const records = async (sql, ...values) => (await db.prepare(sql).bind(...values).all()).results.map((row) => recordOf(row));

  return {
    repository: {
      async save(record) {
        await db.prepare(CONNECTIONS.upsert).bind(...rowValues(record, arrayBuffer)).run();
      },
      async findById(connectionId) {
        const row = await db.prepare(CONNECTIONS.findById).bind(connectionId).first();
        return row ? recordOf(row) : null;
      },
      findByUserId: (userId) => records(CONNECTIONS.findByUserId, userId),
      findActiveByUser: (userId) => records(CONNECTIONS.findActiveByUser, userId),
      findExpiringBefore: (instant) => records(CONNECTIONS.findExpiringBefore, instant),
    },
    eventBus: {
      async publish(event) {
        const { eventId, eventType, userId, occurredAt } = eventColumns(event);
        await db.prepare(EVENTS.append).bind(eventId, eventType, userId, occurredAt, JSON.stringify(event)).run();
      },
    },
    async events(query) {
      const { userId, after, limit } = eventQuery(query);
      let from = 0;
      if (after !== null) {
        const found = userId === null
          ? await db.prepare(EVENTS.sequenceOf).bind(after).first()
          : await db.prepare(EVENTS.sequenceOfUsers).bind(after, userId).first();
        if (!found) throw unknownAfter();
        from = Number(found.sequence);
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
 * a client migrating at the same time makes the second record fail, and that batch roll back.
 */
async function applyMigrations(/** @type {D1Database} */ db) {
  await db.prepare(MIGRATIONS_TABLE).run();
  const { results } = await db.prepare("SELECT version FROM connect_provider_migrations").all();
  const applied = new Set(results.map((row) => Number(row.version)));
  for (const { version, name, sql } of SQLITE_MIGRATIONS) {
    if (applied.has(version)) continue;
    await db.batch([
      ...statementsOf(sql).map((statement) => db.prepare(statement)),
      db.prepare("INSERT INTO connect_provider_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)").bind(version, name, new Date().toISOString()),
    ]);
  }
}
