// A ProviderConnectionRepository and an EventBus over Cloudflare D1.

import { COLUMNS, toRecord, toRow } from "./connection-row.js";

/** @typedef {import("connect-provider").ProviderConnectionRecord} ProviderConnectionRecord */
/** @typedef {import("connect-provider").ProviderEvent} ProviderEvent */

const UPSERT = `
  INSERT INTO provider_connections (${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
  ON CONFLICT (id) DO UPDATE SET
    status = excluded.status, alias = excluded.alias, credential_type = excluded.credential_type,
    encrypted_data = excluded.encrypted_data, expires_at = excluded.expires_at,
    connected_at = excluded.connected_at, last_sync_at = excluded.last_sync_at,
    updated_at = excluded.updated_at`;

// Each find is served by an index of migrations/0002 (the primary key for findById). The handlers
// sort what they get, so ORDER BY only keeps the answers stable for whoever reads them here.
export const FIND_BY_ID = `SELECT ${COLUMNS} FROM provider_connections WHERE id = ?1`;
export const FIND_BY_USER = `SELECT ${COLUMNS} FROM provider_connections WHERE user_id = ?1 ORDER BY created_at DESC, id`;
export const FIND_ACTIVE_BY_USER =
  `SELECT ${COLUMNS} FROM provider_connections WHERE user_id = ?1 AND status = 'active' ORDER BY created_at DESC, id`;
// The instant comes as toISOString writes it, and expires_at is stored the same way (the handler
// normalises it), so comparing the strings compares the instants.
export const FIND_EXPIRING_BEFORE =
  `SELECT ${COLUMNS} FROM provider_connections
   WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?1 ORDER BY expires_at, id`;

/** @param {D1Database} db */
export function d1Repository(db) {
  /** @param {string} sql @param {string} value */
  const all = async (sql, value) => (await db.prepare(sql).bind(value).all()).results.map(toRecord);
  return {
    /** @param {ProviderConnectionRecord} connection */
    async save(connection) {
      await db.prepare(UPSERT).bind(...toRow(connection)).run();
    },
    /** @param {string} connectionId */
    async findById(connectionId) {
      const row = await db.prepare(FIND_BY_ID).bind(connectionId).first();
      return row ? toRecord(row) : null;
    },
    /** @param {string} userId */
    findByUserId: (userId) => all(FIND_BY_USER, userId),
    /** @param {string} userId */
    findActiveByUser: (userId) => all(FIND_ACTIVE_BY_USER, userId),
    /** @param {string} instant */
    findExpiringBefore: (instant) => all(FIND_EXPIRING_BEFORE, instant),
  };
}

/** @param {D1Database} db */
export function d1EventBus(db) {
  const insert = db.prepare("INSERT INTO domain_events VALUES (?1, ?2, ?3, ?4, ?5)");
  return {
    /** @param {ProviderEvent} event */
    async publish(event) {
      await insert.bind(event.eventId, event.eventType, event.occurredAt, event.userId, JSON.stringify(event)).run();
    },
  };
}
