// The statements the SQL stores share, written once over COLUMNS. `param(n)` writes the n-th
// placeholder (1-based) in the client's style: `?` for SQLite and D1, `$n` for PostgreSQL. Each
// find is served by one of the schema's indexes (the primary key for findById); the handlers sort
// what they get, so ORDER BY only keeps answers stable for other readers.
import { COLUMNS, UPDATED_COLUMNS } from "./connection-row.js";

/** @param {(n: number) => string} param @param {{ instant?: (p: string) => string }} [cast] */
export function connectionStatements(param, cast = {}) {
  const instant = cast.instant ?? ((p) => p);
  const columns = COLUMNS.join(", ");
  const from = `SELECT ${columns} FROM provider_connections`;
  return {
    upsert:
      `INSERT INTO provider_connections (${columns}) VALUES (${COLUMNS.map((_, i) => param(i + 1)).join(", ")}) ` +
      `ON CONFLICT (id) DO UPDATE SET ${UPDATED_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", ")}`,
    findById: `${from} WHERE id = ${param(1)}`,
    findByUserId: `${from} WHERE user_id = ${param(1)} ORDER BY created_at DESC, id`,
    findActiveByUser: `${from} WHERE user_id = ${param(1)} AND status = 'active' ORDER BY created_at DESC, id`,
    findExpiringBefore:
      `${from} WHERE status = 'active' AND credentials_expires_at IS NOT NULL ` +
      `AND credentials_expires_at <= ${instant(param(1))} ORDER BY credentials_expires_at, id`,
  };
}

/** @param {(n: number) => string} param */
export function eventStatements(param) {
  const log = "provider_connection_events";
  return {
    append: `INSERT INTO ${log} (event_id, event_type, user_id, occurred_at, payload) VALUES (${param(1)}, ${param(2)}, ${param(3)}, ${param(4)}, ${param(5)})`,
    sequenceOf: `SELECT sequence FROM ${log} WHERE event_id = ${param(1)}`,
    sequenceOfUsers: `SELECT sequence FROM ${log} WHERE event_id = ${param(1)} AND user_id = ${param(2)}`,
    all: `SELECT payload FROM ${log} WHERE sequence > ${param(1)} ORDER BY sequence LIMIT ${param(2)}`,
    users: `SELECT payload FROM ${log} WHERE user_id = ${param(1)} AND sequence > ${param(2)} ORDER BY sequence LIMIT ${param(3)}`,
  };
}

/** The schema's statements one by one (comments dropped), for clients that run one at a time. */
export function statementsOf(/** @type {string} */ sql) {
  return sql
    .replace(/--.*$/gm, "")
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter(Boolean);
}
