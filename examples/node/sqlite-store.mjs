// A ProviderConnectionRepository and an EventBus over SQLite (better-sqlite3). Both are plain
// objects: the wasm handler only needs `save` and `publish`.
import Database from "better-sqlite3";

/** @typedef {import("connect-provider").ProviderConnectionRecord} ProviderConnectionRecord */
/** @typedef {import("connect-provider").ProviderConnectionEvent} ProviderConnectionEvent */

const MIGRATIONS = [
  `CREATE TABLE provider_connections (
     id              TEXT PRIMARY KEY,
     user_id         TEXT NOT NULL,
     provider_id     TEXT NOT NULL,
     provider_slug   TEXT NOT NULL,
     status          TEXT NOT NULL,
     alias           TEXT,
     credential_type TEXT,
     encrypted_data  BLOB,
     expires_at      TEXT,
     connected_at    TEXT,
     last_sync_at    TEXT,
     created_at      TEXT NOT NULL,
     updated_at      TEXT NOT NULL
   )`,
  `CREATE INDEX provider_connections_by_user ON provider_connections (user_id)`,
  `CREATE TABLE domain_events (
     event_id    TEXT PRIMARY KEY,
     event_type  TEXT NOT NULL,
     occurred_at TEXT NOT NULL,
     payload     TEXT NOT NULL
   )`,
];

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

/** `save` is an upsert, as the original repository's is. */
export function sqliteRepository(db) {
  const upsert = db.prepare(`
    INSERT INTO provider_connections VALUES (
      @id, @userId, @providerId, @providerSlug, @status, @alias, @credentialType, @encryptedData,
      @expiresAt, @connectedAt, @lastSyncAt, @createdAt, @updatedAt)
    ON CONFLICT (id) DO UPDATE SET
      status = excluded.status, alias = excluded.alias, credential_type = excluded.credential_type,
      encrypted_data = excluded.encrypted_data, expires_at = excluded.expires_at,
      connected_at = excluded.connected_at, last_sync_at = excluded.last_sync_at,
      updated_at = excluded.updated_at`);
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
  };
}

/** Stores every event, then hands it to `listener` (printing, a queue, ...). */
export function sqliteEventBus(db, listener = () => {}) {
  const insert = db.prepare("INSERT INTO domain_events VALUES (?, ?, ?, ?)");
  return {
    /** @param {ProviderConnectionEvent} event */
    publish(event) {
      insert.run(event.eventId, event.eventType, event.occurredAt, JSON.stringify(event));
      listener(event);
    },
  };
}
