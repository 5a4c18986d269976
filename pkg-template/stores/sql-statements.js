// The statements the SQL stores share, written once over COLUMNS. `param(n)` writes the n-th
// placeholder (1-based) in the client's style: `?` for SQLite, `?n` for D1, `$n` for PostgreSQL.
// Each find is served by one of the schema's indexes (the primary key for findById); the handlers
// sort what they get, so ORDER BY only keeps answers stable for other readers.
import { COLUMNS, UPDATED_COLUMNS, rowValues } from "./connection-record.js";

/**
 * The marker of D1's conflict guard: a JSON path SQLite refuses ("bad JSON path" or "JSON path
 * error near …"), so a statement fails, and with it the batch, when the write before it changed
 * nothing.
 */
export const CONFLICT_MARKER = "connect_provider_version_conflict";

/**
 * @param {(n: number) => string} param
 * @param {{ instant?: (p: string) => string, text?: (c: string) => string, milliseconds?: (c: string) => string }} [cast]
 *   `milliseconds`: an instant as JS reads it back (PostgreSQL keeps microseconds, a Date holds milliseconds),
 *   in the form of its index (0008_expiring_pages.sql)
 */
export function connectionStatements(param, cast = {}) {
  const instant = cast.instant ?? ((p) => p);
  const text = cast.text ?? ((c) => c);
  const milliseconds = cast.milliseconds ?? ((c) => c);
  const expiry = milliseconds("credentials_expires_at");
  // Where the expiry is read to the millisecond (PostgreSQL), the bound on that too, which lets its
  // index stop a page at the bound (the first placeholder again: only SQLite's repeat cannot).
  const pageEnd = cast.milliseconds ? ` AND ${expiry} <= ${milliseconds(instant(param(1)))}` : "";
  // Another user's row answers whether it is the user's, and no sealed credentials: PostgreSQL does
  // not fetch a TOASTed value the CASE leaves unread, and no store sends the bytes to JS for it.
  const ownedBy = (/** @type {number} */ n) => `lower(${text("user_id")}) = lower(${param(n)})`;
  const ownedColumns = COLUMNS.map((c) => (c === "encrypted_credentials" ? `CASE WHEN ${ownedBy(1)} THEN encrypted_credentials END AS encrypted_credentials` : c)).join(", ");
  const columns = COLUMNS.join(", ");
  const from = `SELECT ${columns} FROM provider_connections`;
  const expiring = `${from} WHERE status = 'active' AND credentials_expires_at IS NOT NULL AND credentials_expires_at <= ${instant(param(1))}`;
  const set = UPDATED_COLUMNS.map((c, i) => `${c} = ${param(i + 1)}`).join(", ");
  const after = UPDATED_COLUMNS.length;
  return {
    // The two halves of the conditional save, each one statement checked in the database, so two
    // writers of the same version cannot both win: a first version is written only where no record
    // has the id; a later one only over the version before it (and never where there is none,
    // which an upsert's INSERT half would do). Neither rewrites created_at.
    insertFirst:
      `INSERT INTO provider_connections (${columns}) VALUES (${COLUMNS.map((_, i) => param(i + 1)).join(", ")}) ` +
      "ON CONFLICT (id) DO NOTHING",
    updateNext: `UPDATE provider_connections SET ${set} WHERE id = ${param(after + 1)} AND version = ${param(after + 2)}`,
    /** Fails (in a D1 batch, rolling it back) when the statement before it changed no row. */
    conflictGuard: `SELECT json_extract('{}', CASE changes() WHEN 0 THEN '${CONFLICT_MARKER}' ELSE '$' END)`,
    findById: `${from} WHERE id = ${param(1)}`,
    /** Its values: the user twice, then the id. */
    findOwned: `SELECT ${ownedColumns}, CASE WHEN ${ownedBy(2)} THEN 1 ELSE 0 END AS owned FROM provider_connections WHERE id = ${param(3)}`,
    findByUserId: `${from} WHERE user_id = ${param(1)} ORDER BY created_at DESC, id`,
    findActiveByUser: `${from} WHERE user_id = ${param(1)} AND status = 'active' ORDER BY created_at DESC, id`,
    findExpiringBefore: `${expiring} ORDER BY credentials_expires_at, id`,
    // The periodic job's pages, by the expiry as JS reads it back, then id: the first, then each
    // after the last one read.
    findExpiringPage: `${expiring}${pageEnd} ORDER BY ${expiry}, id LIMIT ${param(2)}`,
    findExpiringPageAfter:
      `${expiring}${pageEnd} AND (${expiry}, id) > (${milliseconds(instant(param(2)))}, ${param(3)}) ORDER BY ${expiry}, id LIMIT ${param(4)}`,
  };
}

/**
 * The conditional save of a checked record: which statement, and its values.
 * @param {ReturnType<typeof connectionStatements>} statements
 * @param {Parameters<typeof rowValues>[0]} record
 */
export function conditionalWrite(statements, record) {
  const values = rowValues(record);
  if (record.version === 1) return { sql: statements.insertFirst, values };
  const updated = UPDATED_COLUMNS.map((column) => values[COLUMNS.indexOf(column)]);
  return { sql: statements.updateNext, values: [...updated, record.id, record.version - 1] };
}

/**
 * The log's statements. `order` is the column events() reads by: one whose values become visible
 * in their order (SQLite and D1 commit one writer at a time, so their `sequence` is; PostgreSQL's
 * `position` is drawn under a lock held to the commit, 0006_event_commit_order.sql).
 * @param {(n: number) => string} param @param {"sequence" | "position"} [order]
 */
export function eventStatements(param, order = "sequence") {
  const log = "provider_connection_events";
  return {
    append: `INSERT INTO ${log} (event_id, event_type, user_id, occurred_at, payload) VALUES (${param(1)}, ${param(2)}, ${param(3)}, ${param(4)}, ${param(5)})`,
    orderOf: `SELECT ${order} AS at FROM ${log} WHERE event_id = ${param(1)}`,
    orderOfUsers: `SELECT ${order} AS at FROM ${log} WHERE event_id = ${param(1)} AND user_id = ${param(2)}`,
    all: `SELECT payload FROM ${log} WHERE ${order} > ${param(1)} ORDER BY ${order} LIMIT ${param(2)}`,
    users: `SELECT payload FROM ${log} WHERE user_id = ${param(1)} AND ${order} > ${param(2)} ORDER BY ${order} LIMIT ${param(3)}`,
  };
}

/** An event's values for `append`, from its checked columns. @param {{ eventId: string, eventType: string, userId: string, occurredAt: string, json: string }} columns */
export function appendValues({ eventId, eventType, userId, occurredAt, json }) {
  return [eventId, eventType, userId, occurredAt, json];
}

/** The schema's statements one by one (comments dropped), for clients that run one at a time. */
export function statementsOf(/** @type {string} */ sql) {
  return sql
    .replace(/--.*$/gm, "")
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter(Boolean);
}

/** SQLite's refusal of an ADD COLUMN whose column is there: the step was applied by another tool. */
export function isDuplicateColumn(/** @type {unknown} */ error) {
  return /duplicate column name/i.test(String(/** @type {any} */ (error)?.message ?? error));
}
