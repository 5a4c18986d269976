// The store over PostgreSQL through node-postgres (`pg`): a Pool or a Client, on the original
// service's provider_connections table. Instants are timestamptz (pg reads them back as Dates,
// written out again as toISOString writes them), ids uuid, the secret bytea, the version bigint
// (pg reads it as text).
//
// A commit is one transaction on one connection: a Pool lends one for it. A Client is one
// connection that runs what it is sent in order, so anything sent on it while a transaction is open
// would run inside that transaction (and be rolled back with it): on a Client, every call of the
// store waits its turn in a queue kept per Client.
import { POSTGRES_MIGRATIONS } from "./schema.js";
import { canonicalInstant, checkedExpiringPage, checkedRecord, expiringPage, ownedRow, ownerOf, recordOfRow } from "./connection-record.js";
import { commitEventColumns, eventColumns, eventQuery, unknownAfter } from "./event-query.js";
import { appendValues, conditionalWrite, connectionStatements, eventStatements } from "./sql-statements.js";
import { checkedCompletion, claimLost } from "./idempotency-input.js";
import { idempotencyStatements, sqlIdempotency, valuesOf } from "./idempotency-sql.js";
import { outboxStatements, sqlOutbox } from "./outbox-sql.js";
import { advanceStatement, sqlSync, syncStatements } from "./sync-sql.js";
import { checkedMutation, mutationLost } from "./sync-input.js";

/** @typedef {import("./postgres.js").PgQueryable} PgQueryable */
/** @typedef {import("../index.js").ProviderConnectionRecord} ProviderConnectionRecord */

const CONNECTIONS = connectionStatements((n) => `$${n}`, {
  instant: (p) => `${p}::timestamptz`,
  text: (c) => `${c}::text`,
  milliseconds: (c) => `date_trunc('milliseconds', ${c} AT TIME ZONE 'UTC')`,
});
const EVENTS = eventStatements((n) => `$${n}`, "position");
const IDEMPOTENCY = idempotencyStatements("$n");
const OUTBOX = outboxStatements("$n");
const SYNC = syncStatements("$n");
/**
 * How long after its call a commit may still begin and commit: less than the service's handler
 * deadline (5 s) and the handlers' default (10 s), as SQLite's lock wait and Deno KV's writes, so a
 * commit the handler has given up on (and answered, and logged as failed) does not land after it.
 * The time spent waiting for a Client's turn or a Pool's connection counts; the statements run
 * under a statement_timeout of what is left.
 */
const COMMIT_WAIT_MS = 4_000;
/** One lock for every client migrating this database, held until its transaction ends. */
const MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(hashtext('connect_provider_migrations'))";

/** @param {unknown} value */
const instant = (value) => (value === null || value === undefined ? null : new Date(/** @type {any} */ (value)).toISOString());
/** @param {Uint8Array} bytes */
const bytea = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The turn-taking of each Client, shared by every store made over it. @type {WeakMap<object, { tail: Promise<unknown> }>} */
const clientQueues = new WeakMap();

/**
 * @param {PgQueryable} db
 * @returns {import("./index.js").OutboxConnectionStore}
 */
export function postgresStore(db) {
  if (!db || typeof db.query !== "function") throw new TypeError("postgresStore: db must be a pg Pool or Client");
  const pooled = typeof db.connect === "function" && typeof (/** @type {any} */ (db).totalCount) === "number";
  let queue = pooled ? null : clientQueues.get(db);
  if (!pooled && !queue) clientQueues.set(db, (queue = { tail: Promise.resolve() }));
  /**
   * Runs `work` with the store's connection: the Pool itself (each query on any of its clients), or
   * the Client once every call queued before has finished.
   * @template T @param {(client: PgQueryable) => Promise<T>} work @returns {Promise<T>}
   */
  const turn = (work) => {
    if (queue === null || queue === undefined) return work(db);
    const run = queue.tail.then(() => work(db));
    queue.tail = run.catch(() => {});
    return run;
  };
  /** @param {string} sql @param {unknown[]} values */
  const send = (sql, values) => turn((client) => client.query(sql, values));
  /** @param {string} sql @param {unknown[]} values */
  const records = async (sql, ...values) => (await send(sql, values)).rows.map((row) => recordOfRow(row, instant));
  /** The conditional write on `client`; whether it wrote. @param {PgQueryable} client @param {ReturnType<typeof checkedRecord<Buffer>>} record */
  const write = async (client, record) => {
    const { sql, values } = conditionalWrite(CONNECTIONS, record);
    return /** @type {{ rowCount: number }} */ (await client.query(sql, values)).rowCount === 1;
  };

  const eventBus = {
    /** @param {import("../index.js").ProviderEvent} event */
    async publish(event) {
      await send(EVENTS.append, appendValues(postgresEvent(eventColumns(event), "publish", "event")));
    },
  };

  return {
    repository: {
      async save(record) {
        const checked = postgresRecord(checkedRecord(record, "postgres store: save", bytea), "save");
        return turn((client) => write(client, checked));
      },
      async commit(record, events, options) {
        const checked = postgresRecord(checkedRecord(record, "postgres store: commit", bytea), "commit");
        const appends = commitEventColumns(events, "postgres store: commit").map((columns, i) => appendValues(postgresEvent(columns, "commit", `events[${i}]`)));
        const completion = checkedCompletion("postgres store: commit", options?.idempotency);
        const mutation = checkedMutation("postgres store: commit", options?.mutation);
        const deadline = performance.now() + COMMIT_WAIT_MS;
        return turn(() =>
          inTransaction(db, pooled, deadline, async (client) => {
            if (!(await write(client, checked))) return false;
            for (const values of appends) await client.query(EVENTS.append, values);
            // The answer kept for the request's key, in the same transaction as what it answers.
            if (completion !== null) {
              const completed = /** @type {{ rowCount: number }} */ (await client.query(IDEMPOTENCY.complete.sql, valuesOf(IDEMPOTENCY.complete, completion)));
              if (completed.rowCount !== 1) throw claimLost("postgres store: commit");
            }
            // The sync client's advance past this mutation, in the same transaction as its change.
            if (mutation !== null) {
              const advance = advanceStatement(SYNC, mutation);
              const advanced = /** @type {{ rowCount: number }} */ (await client.query(advance.statement.sql, advance.values));
              if (advanced.rowCount !== 1) throw mutationLost("postgres store: commit");
            }
            return true;
          }),
        );
      },
      async findById(connectionId) {
        const [row] = (await send(CONNECTIONS.findById, [connectionId])).rows;
        return row ? recordOfRow(row, instant) : null;
      },
      async findOwned(connectionId, userId) {
        const owner = ownerOf(userId, "postgres store: findOwned");
        const [row] = (await send(CONNECTIONS.findOwned, [owner, owner, connectionId])).rows;
        return ownedRow(row, owner, (found) => recordOfRow(found, instant));
      },
      findByUserId: (userId) => records(CONNECTIONS.findByUserId, userId),
      findActiveByUser: (userId) => records(CONNECTIONS.findActiveByUser, userId),
      // The bound as the other stores read it (a date alone is UTC midnight, not the session's zone's).
      findExpiringBefore: (before) => records(CONNECTIONS.findExpiringBefore, canonicalInstant(before)),
      async findExpiringPage(before, page) {
        const { after, limit } = checkedExpiringPage("postgres", before, page);
        const bound = canonicalInstant(before);
        const values = after === null ? [bound, limit] : [bound, after.expiresAt, after.id, limit];
        const { rows } = await send(after === null ? CONNECTIONS.findExpiringPage : CONNECTIONS.findExpiringPageAfter, values);
        return expiringPage(rows, limit, (row) => recordOfRow(row, instant));
      },
      eventBus,
    },
    eventBus,
    idempotency: sqlIdempotency(IDEMPOTENCY, {
      run: async ({ sql }, values) => /** @type {{ rowCount: number }} */ (await send(sql, values)).rowCount,
      get: async ({ sql }, values) => (await send(sql, values)).rows[0] ?? null,
    }),
    sync: sqlSync(SYNC, {
      run: async ({ sql }, values) => /** @type {{ rowCount: number }} */ (await send(sql, values)).rowCount,
      get: async ({ sql }, values) => (await send(sql, values)).rows[0] ?? null,
    }, "postgres store"),
    outbox: sqlOutbox(OUTBOX, {
      run: async ({ sql }, values) => /** @type {{ rowCount: number }} */ (await send(sql, values)).rowCount,
      all: async ({ sql }, values) => (await send(sql, values)).rows,
      list: (ids) => ids,
    }),
    async events(query) {
      const { userId, after, limit } = eventQuery(query);
      let from = "0";
      if (after !== null) {
        const found = userId === null ? await send(EVENTS.orderOf, [after]) : await send(EVENTS.orderOfUsers, [after, userId]);
        if (found.rows.length === 0) throw unknownAfter();
        from = String(found.rows[0].at);
      }
      const read = userId === null ? await send(EVENTS.all, [from, limit]) : await send(EVENTS.users, [userId, from, limit]);
      // pg parses a json column itself; a string comes back only if the caller changed its type parsers.
      return read.rows.map(({ payload }) => (typeof payload === "string" ? JSON.parse(payload) : payload));
    },
    async migrate() {
      await turn(() =>
        inTransaction(db, pooled, null, async (client) => {
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
        }),
      );
    },
  };
}

/** The provider_connections columns a record's text goes to: uuid, or varchar of so many characters. */
const COLUMN_LIMITS = /** @type {const} */ ([
  ["id", "uuid"], ["userId", "uuid"], ["providerId", "uuid"],
  ["providerSlug", 50], ["status", 20], ["alias", 100], ["credentialType", 20],
]);
/** What PostgreSQL reads as a uuid: 32 hex digits, a hyphen after any group of four, braces around (a pair). */
const POSTGRES_UUID = /^(?:\{[0-9a-f]{4}(?:-?[0-9a-f]{4}){7}\}|[0-9a-f]{4}(?:-?[0-9a-f]{4}){7})$/i;

/**
 * An instant as PostgreSQL's timestamptz reads it in any session: `toISOString`'s UTC form (text
 * without an offset would be read in the session's time zone), in the years 1 to 9999 (past them
 * `toISOString` writes a six-digit year), else refused naming the field.
 * @param {string | null} value read by `Date.parse` already @param {string} what @param {string} field
 */
function postgresInstant(value, what, field) {
  if (value === null) return null;
  const at = new Date(Date.parse(value));
  const year = at.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError(`postgres store: ${what}: ${field} is outside the years 1 to 9999, which this store keeps`);
  return at.toISOString();
}

/**
 * A checked record as the table takes it: refused whole when it cannot (below), its instants in
 * `toISOString`'s UTC form.
 * @param {ReturnType<typeof checkedRecord<Buffer>>} record @param {string} what
 */
function postgresRecord(record, what) {
  refuseWhatPostgresCannotHold(record, what);
  const credentials = record.credentials;
  return {
    ...record,
    credentials: credentials === null ? null : { ...credentials, expiresAt: postgresInstant(credentials.expiresAt, what, "credentials.expiresAt") },
    connectedAt: postgresInstant(record.connectedAt, what, "connectedAt"),
    lastSyncAt: postgresInstant(record.lastSyncAt, what, "lastSyncAt"),
    createdAt: /** @type {string} */ (postgresInstant(record.createdAt, what, "createdAt")),
    updatedAt: /** @type {string} */ (postgresInstant(record.updatedAt, what, "updatedAt")),
  };
}

/**
 * An event's columns as the log takes them: its type without U+0000, its instant in UTC (the payload
 * keeps the event as it came).
 * @param {ReturnType<typeof eventColumns>} columns @param {string} what @param {string} name
 */
function postgresEvent(columns, what, name) {
  if (columns.eventType.includes("\u0000")) throw new RangeError(`postgres store: ${what}: ${name}.eventType contains U+0000, which PostgreSQL text cannot hold`);
  return { ...columns, occurredAt: /** @type {string} */ (postgresInstant(columns.occurredAt, what, `${name}.occurredAt`)) };
}

/**
 * A record whose text the table cannot take (an id that is no uuid, a varchar over its length in
 * characters, U+0000, which PostgreSQL text cannot hold) is refused whole, naming the field, before
 * anything is sent. The handlers never write such a record; a direct save may.
 * @param {ReturnType<typeof checkedRecord<Buffer>>} record @param {string} what
 */
function refuseWhatPostgresCannotHold(record, what) {
  const texts = { ...record, credentialType: record.credentials?.credentialType ?? null };
  for (const [field, limit] of COLUMN_LIMITS) {
    const value = texts[field];
    if (typeof value !== "string") continue;
    if (value.includes("\u0000")) throw new RangeError(`postgres store: ${what}: ${field} contains U+0000, which PostgreSQL text cannot hold`);
    if (limit === "uuid") {
      if (!POSTGRES_UUID.test(value)) throw new RangeError(`postgres store: ${what}: ${field} is not a UUID, which its uuid column needs`);
    } else if (value.length > limit && [...value].length > limit) {
      throw new RangeError(`postgres store: ${what}: ${field} is over ${limit} characters, its varchar(${limit}) column's length`);
    }
  }
}

/**
 * Runs `work` in a transaction on one connection: a Pool lends one for it (and is given it back
 * broken, to be closed, when the transaction could not even be rolled back); a Client is one. With a
 * `deadline` (a performance.now() instant), the transaction is not begun once it has passed, its
 * statements are cut off by PostgreSQL when they would run past it, and it is rolled back instead
 * of committed if it passed while they ran; only the COMMIT itself is not bounded.
 * @template T
 * @param {PgQueryable} db @param {boolean} pooled @param {number | null} deadline
 * @param {(client: PgQueryable) => Promise<T>} work
 * @returns {Promise<T>}
 */
async function inTransaction(db, pooled, deadline, work) {
  const client = pooled ? await /** @type {any} */ (db).connect() : db;
  /** @type {unknown} */
  let broken;
  try {
    const left = deadline === null ? null : Math.ceil(deadline - performance.now());
    if (left !== null && left <= 0) throw lateCommit("before it began");
    try {
      // One round trip: the timeout is local to this transaction.
      await client.query(left === null ? "BEGIN" : `BEGIN; SET LOCAL statement_timeout = ${left}`);
    } catch (error) {
      broken = error;
      // BEGIN may have run before the SET failed: a Client must not stay inside that transaction.
      if (!pooled) await client.query("ROLLBACK").catch(() => {});
      throw error;
    }
    try {
      const result = await work(client);
      if (deadline !== null && performance.now() >= deadline) throw lateCommit("before its COMMIT");
      await client.query("COMMIT");
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
      } catch (rollbackFailed) {
        // The connection is gone or unusable: the server ends the transaction with it.
        broken = rollbackFailed;
      }
      throw error;
    }
  } finally {
    if (pooled) client.release(broken);
  }
}

/** A commit refused because its time ran out, with nothing of it stored. @param {string} when */
function lateCommit(when) {
  return new Error(`postgres store: commit: gave up ${when}, ${COMMIT_WAIT_MS} ms after its call (a Client's earlier calls, the pool's connections or another transaction's row locks kept it waiting)`);
}
