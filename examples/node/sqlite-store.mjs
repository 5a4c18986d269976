// A ProviderConnectionRepository and an EventBus over SQLite (better-sqlite3). Both are plain
// objects whose methods answer synchronously, which the wasm handlers accept as well as promises.
import Database from "better-sqlite3";
import { MIGRATIONS } from "./sqlite-migrations.mjs";

/** @typedef {import("connect-provider").ProviderConnectionRecord} ProviderConnectionRecord */
/** @typedef {import("connect-provider").ProviderEvent} ProviderEvent */

/** Opens (or creates) the database and applies the migrations it has not seen yet. */
export function openDatabase(path) {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  const applied = db.pragma("user_version", { simple: true });
  db.transaction(() => {
    MIGRATIONS.slice(applied).forEach((sql) => db.exec(sql));
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();
  return db;
}

const COLUMNS =
  "id, user_id, provider_id, provider_slug, status, alias, credential_type, encrypted_data, expires_at, " +
  "connected_at, last_sync_at, created_at, updated_at";

// Each find is served by an index of the migrations (the primary key for findById). The handlers
// sort what they get, so ORDER BY only keeps the answers stable for whoever reads them here.
export const FIND_BY_ID = `SELECT ${COLUMNS} FROM provider_connections WHERE id = ?`;
export const FIND_BY_USER = `SELECT ${COLUMNS} FROM provider_connections WHERE user_id = ? ORDER BY created_at DESC, id`;
export const FIND_ACTIVE_BY_USER =
  `SELECT ${COLUMNS} FROM provider_connections WHERE user_id = ? AND status = 'active' ORDER BY created_at DESC, id`;
// The instant comes as toISOString writes it, and expires_at is stored the same way (the handler
// normalises it), so comparing the strings compares the instants.
export const FIND_EXPIRING_BEFORE =
  `SELECT ${COLUMNS} FROM provider_connections
   WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at, id`;

/**
 * A row as the record `save` received: the three credential columns are all set, or all NULL and
 * `credentials` is null. better-sqlite3 reads a BLOB as a Buffer; the record carries a Uint8Array.
 * @returns {ProviderConnectionRecord}
 */
function toRecord(row) {
  return {
    id: row.id,
    userId: row.user_id,
    providerId: row.provider_id,
    providerSlug: row.provider_slug,
    status: row.status,
    alias: row.alias,
    credentials:
      row.credential_type === null
        ? null
        : { encryptedData: new Uint8Array(row.encrypted_data), credentialType: row.credential_type, expiresAt: row.expires_at },
    connectedAt: row.connected_at,
    lastSyncAt: row.last_sync_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** `save` is an upsert, as the original repository's is. */
export function sqliteRepository(db) {
  const upsert = db.prepare(`
    INSERT INTO provider_connections (${COLUMNS}) VALUES (
      @id, @userId, @providerId, @providerSlug, @status, @alias, @credentialType, @encryptedData,
      @expiresAt, @connectedAt, @lastSyncAt, @createdAt, @updatedAt)
    ON CONFLICT (id) DO UPDATE SET
      status = excluded.status, alias = excluded.alias, credential_type = excluded.credential_type,
      encrypted_data = excluded.encrypted_data, expires_at = excluded.expires_at,
      connected_at = excluded.connected_at, last_sync_at = excluded.last_sync_at,
      updated_at = excluded.updated_at`);
  const byId = db.prepare(FIND_BY_ID);
  const byUser = db.prepare(FIND_BY_USER);
  const activeByUser = db.prepare(FIND_ACTIVE_BY_USER);
  const expiringBefore = db.prepare(FIND_EXPIRING_BEFORE);
  return {
    /** @param {ProviderConnectionRecord} connection */
    save(connection) {
      const { credentials, ...row } = connection;
      upsert.run({
        ...row,
        credentialType: credentials?.credentialType ?? null,
        encryptedData: credentials ? Buffer.from(credentials.encryptedData) : null,
        expiresAt: credentials?.expiresAt ?? null,
      });
    },
    /** @param {string} connectionId */
    findById(connectionId) {
      const row = byId.get(connectionId);
      return row ? toRecord(row) : null;
    },
    /** @param {string} userId */
    findByUserId: (userId) => byUser.all(userId).map(toRecord),
    /** @param {string} userId */
    findActiveByUser: (userId) => activeByUser.all(userId).map(toRecord),
    /** @param {string} instant */
    findExpiringBefore: (instant) => expiringBefore.all(instant).map(toRecord),
  };
}

/**
 * Stores every event, then hands it to `listener` (printing, a queue, ...).
 * @param {(event: ProviderEvent) => void} [listener]
 */
export function sqliteEventBus(db, listener = () => {}) {
  const insert = db.prepare("INSERT INTO domain_events VALUES (?, ?, ?, ?)");
  return {
    /** @param {ProviderEvent} event */
    publish(event) {
      insert.run(event.eventId, event.eventType, event.occurredAt, JSON.stringify(event));
      listener(event);
    },
  };
}
