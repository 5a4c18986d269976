// A ProviderConnectionRepository and an EventBus over Cloudflare D1.

/** @typedef {import("connect-provider").ProviderConnectionRecord} ProviderConnectionRecord */
/** @typedef {import("connect-provider").ProviderConnectionEvent} ProviderConnectionEvent */

const UPSERT = `
  INSERT INTO provider_connections VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
  ON CONFLICT (id) DO UPDATE SET
    status = excluded.status, alias = excluded.alias, credential_type = excluded.credential_type,
    encrypted_data = excluded.encrypted_data, expires_at = excluded.expires_at,
    connected_at = excluded.connected_at, last_sync_at = excluded.last_sync_at,
    updated_at = excluded.updated_at`;

/** D1 stores an ArrayBuffer as a BLOB; copy just the view's bytes. */
const blob = (bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);

/** @param {D1Database} db */
export function d1Repository(db) {
  return {
    /** @param {ProviderConnectionRecord} c */
    async save(c) {
      const credentials = c.credentials;
      await db
        .prepare(UPSERT)
        .bind(
          c.id, c.userId, c.providerId, c.providerSlug, c.status, c.alias,
          credentials?.credentialType ?? null,
          credentials ? blob(credentials.encryptedData) : null,
          credentials?.expiresAt ?? null,
          c.connectedAt, c.lastSyncAt, c.createdAt, c.updatedAt,
        )
        .run();
    },
  };
}

/** @param {D1Database} db */
export function d1EventBus(db) {
  const insert = db.prepare("INSERT INTO domain_events VALUES (?1, ?2, ?3, ?4, ?5)");
  return {
    /** @param {ProviderConnectionEvent} event */
    async publish(event) {
      await insert.bind(event.eventId, event.eventType, event.occurredAt, event.userId, JSON.stringify(event)).run();
    },
  };
}
