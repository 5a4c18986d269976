// `store.sync` on the SQL stores (SQLite, D1, PostgreSQL), over migration 0005's sync_clients table
// and 0007's refusals column: a client's first mutation inserts its row (of clients racing, one
// inserts), each later one updates it only from the number it holds. Both are single statements
// checked inside the database; in a commit they run in its transaction (D1: its batch, with a guard
// that fails the batch when the advance changed nothing). A refused mutation's advance writes the
// client's refusals with it, in the same statement, as read at `from`: the number only grows, so a
// row still at `from` still holds what was read.
import { compileSlots, valuesOf } from "./sql-slots.js";
import { checkedAdvance, checkedClient, checkedRefusal, keptRefusals, keptWith } from "./sync-input.js";

/** The marker of D1's guard after a commit's advance: the client was no longer at `from`. */
export const MUTATION_LOST_MARKER = "connect_provider_sync_mutation_lost";
const INSTANTS = new Set(["now"]);

const TEMPLATES = {
  last: "SELECT last_mutation_id FROM sync_clients WHERE user_id = @userId AND client_id = @clientId",
  first:
    "INSERT INTO sync_clients (user_id, client_id, last_mutation_id, updated_at) VALUES (@userId, @clientId, @to, @now) " +
    "ON CONFLICT (user_id, client_id) DO NOTHING",
  advance:
    "UPDATE sync_clients SET last_mutation_id = @to, updated_at = @now " +
    "WHERE user_id = @userId AND client_id = @clientId AND last_mutation_id = @from",
  state: "SELECT last_mutation_id, refusals FROM sync_clients WHERE user_id = @userId AND client_id = @clientId",
  firstRefused:
    "INSERT INTO sync_clients (user_id, client_id, last_mutation_id, updated_at, refusals) VALUES (@userId, @clientId, @to, @now, @refusals) " +
    "ON CONFLICT (user_id, client_id) DO NOTHING",
  advanceRefused:
    "UPDATE sync_clients SET last_mutation_id = @to, updated_at = @now, refusals = @refusals " +
    "WHERE user_id = @userId AND client_id = @clientId AND last_mutation_id = @from",
};

/**
 * @typedef {import("./sql-slots.js").Statement} Statement
 * @typedef {Record<keyof typeof TEMPLATES, Statement> & { guard: string }} SyncStatements
 */

/** @param {import("./sql-slots.js").PlaceholderStyle} style @returns {SyncStatements} */
export function syncStatements(style) {
  return {
    .../** @type {Record<keyof typeof TEMPLATES, Statement>} */ (
      Object.fromEntries(Object.entries(TEMPLATES).map(([name, template]) => [name, compileSlots(template, style, INSTANTS)]))
    ),
    guard: `SELECT json_extract('{}', CASE changes() WHEN 0 THEN '${MUTATION_LOST_MARKER}' ELSE '$' END)`,
  };
}

/**
 * The statement and values that advance a client from `from` to `to`: the first insert, or the
 * update from the number it holds.
 * @param {SyncStatements} statements
 * @param {{ userId: string, clientId: string, from: number, to: number }} advance checked
 */
export function advanceStatement(statements, advance) {
  const statement = advance.from === 0 ? statements.first : statements.advance;
  return { statement, values: valuesOf(statement, { ...advance, now: new Date().toISOString() }) };
}

/**
 * @param {SyncStatements} statements
 * @param {{ run(statement: Statement, values: unknown[]): Promise<number>, get(statement: Statement, values: unknown[]): Promise<Record<string, unknown> | null> }} db
 * @param {string} name the store, for its errors ("sqlite store")
 * @returns {import("./index.js").SyncClients}
 */
export function sqlSync(statements, db, name) {
  /** @param {{ userId: string, clientId: string }} client */
  async function stateOf(client) {
    const row = await db.get(statements.state, valuesOf(statements.state, client));
    if (row === null) return { lastMutationId: 0, refusals: [] };
    let refusals = null;
    if (row.refusals !== null) {
      try {
        refusals = JSON.parse(String(row.refusals));
      } catch {
        refusals = "not JSON";
      }
    }
    return { lastMutationId: Number(row.last_mutation_id), refusals: keptRefusals(refusals, name) };
  }

  return {
    async lastMutation(userId, clientId) {
      const client = checkedClient("lastMutation", userId, clientId);
      const row = await db.get(statements.last, valuesOf(statements.last, client));
      return row === null ? 0 : Number(row.last_mutation_id);
    },
    async state(userId, clientId) {
      return stateOf(checkedClient("state", userId, clientId));
    },
    async advance(userId, clientId, from, to, refusal) {
      const client = checkedClient("advance", userId, clientId);
      const step = checkedAdvance("advance", from, to);
      const kept = checkedRefusal("advance", refusal);
      if (kept === null) {
        const { statement, values } = advanceStatement(statements, { ...client, ...step });
        return (await db.run(statement, values)) === 1;
      }
      const read = await stateOf(client);
      if (read.lastMutationId !== step.from) return false;
      const statement = step.from === 0 ? statements.firstRefused : statements.advanceRefused;
      const refusals = JSON.stringify(keptWith(read.refusals, step.to, kept));
      return (await db.run(statement, valuesOf(statement, { ...client, ...step, refusals, now: new Date().toISOString() }))) === 1;
    },
  };
}
