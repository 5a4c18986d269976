// The store over PostgreSQL through node-postgres (`pg`): a Pool or a Client, on the original
// service's provider_connections table. Instants are timestamptz (pg reads them back as Dates,
// written out again as toISOString writes them), ids uuid, the secret bytea.
import { POSTGRES_MIGRATIONS } from "./schema.js";
import { recordOf, rowValues } from "./connection-row.js";
import { eventColumns, eventQuery, unknownAfter } from "./event-query.js";
import { connectionStatements, eventStatements } from "./sql-statements.js";

/** @typedef {import("./postgres.js").PgQueryable} PgQueryable */
/** @typedef {import("../index.js").ProviderConnectionRecord} ProviderConnectionRecord */

const CONNECTIONS = connectionStatements((n) => `$${n}`, { instant: (p) => `${p}::timestamptz` });
const EVENTS = eventStatements((n) => `$${n}`);
/** One lock for every client migrating this database, held until its transaction ends. */
const MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(hashtext('connect_provider_migrations'))";

/** @param {unknown} value */
const instant = (value) => (value === null || value === undefined ? null : new Date(/** @type {any} */ (value)).toISOString());
/** @param {Uint8Array} bytes */
const bytea = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * @param {PgQueryable} db
 * @returns {import("./index.js").ConnectionStore}
 */
export function postgresStore(db) {
  if (!db || typeof db.query !== "function") throw new TypeError("postgresStore: db must be a pg Pool or Client");
  /** @param {string} sql @param {unknown[]} values */
  const records = async (sql, ...values) => (await db.query(sql, values)).rows.map((row) => recordOf(row, instant));

  return {
    repository: {
      async save(record) {
        refuseWhatPostgresCannotHold(record);
        await db.query(CONNECTIONS.upsert, rowValues(record, bytea));
      },
      async findById(connectionId) {
        const [row] = (await db.query(CONNECTIONS.findById, [connectionId])).rows;
        return row ? recordOf(row, instant) : null;
      },
      findByUserId: (userId) => records(CONNECTIONS.findByUserId, userId),
      findActiveByUser: (userId) => records(CONNECTIONS.findActiveByUser, userId),
      findExpiringBefore: (before) => records(CONNECTIONS.findExpiringBefore, before),
    },
    eventBus: {
      async publish(event) {
        const { eventId, eventType, userId, occurredAt } = eventColumns(event);
        await db.query(EVENTS.append, [eventId, eventType, userId, occurredAt, JSON.stringify(event)]);
      },
    },
    async events(query) {
      const { userId, after, limit } = eventQuery(query);
      let from = "0";
      if (after !== null) {
        const found = userId === null ? await db.query(EVENTS.sequenceOf, [after]) : await db.query(EVENTS.sequenceOfUsers, [after, userId]);
        if (found.rows.length === 0) throw unknownAfter();
        from = String(found.rows[0].sequence);
      }
      const read = userId === null ? await db.query(EVENTS.all, [from, limit]) : await db.query(EVENTS.users, [userId, from, limit]);
      // pg parses a json column itself; a string comes back only if the caller changed its type parsers.
      return read.rows.map(({ payload }) => (typeof payload === "string" ? JSON.parse(payload) : payload));
    },
    async migrate() {
      await inTransaction(db, async (client) => {
        await client.query(MIGRATION_LOCK);
        await client.query(
          "CREATE TABLE IF NOT EXISTS connect_provider_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
        );
        const applied = new Set((await client.query("SELECT version FROM connect_provider_migrations")).rows.map((row) => Number(row.version)));
        for (const { version, name, sql } of POSTGRES_MIGRATIONS) {
          if (applied.has(version)) continue;
          await client.query(sql);
          await client.query("INSERT INTO connect_provider_migrations (version, name) VALUES ($1, $2)", [version, name]);
        }
      });
    },
  };
}

/**
 * PostgreSQL's text cannot hold U+0000, which a slug or alias may contain: such a record is refused
 * whole, before anything is sent.
 * @param {ProviderConnectionRecord} record
 */
function refuseWhatPostgresCannotHold(record) {
  for (const field of /** @type {const} */ (["providerSlug", "alias"])) {
    const value = record[field];
    if (typeof value === "string" && value.includes("\u0000")) {
      throw new RangeError(`postgres store: ${field} contains U+0000, which PostgreSQL text cannot hold`);
    }
  }
}

/**
 * Runs `work` in a transaction on one connection: a Pool lends one for it, a Client is one.
 * @param {PgQueryable} db
 * @param {(client: PgQueryable) => Promise<void>} work
 */
async function inTransaction(db, work) {
  const pooled = typeof db.connect === "function" && typeof (/** @type {any} */ (db).totalCount) === "number";
  const client = pooled ? await /** @type {any} */ (db).connect() : db;
  try {
    await client.query("BEGIN");
    try {
      await work(client);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
  } finally {
    if (pooled) client.release();
  }
}
