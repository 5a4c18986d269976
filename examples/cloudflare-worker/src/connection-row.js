// A provider_connections row and the record the handlers save and read back. A record read back
// must have exactly the shape `save` received: the three credential columns are all set, or all
// NULL and the record's `credentials` is null (a disconnected connection keeps no secret).

/** @typedef {import("connect-provider").ProviderConnectionRecord} ProviderConnectionRecord */

/** The columns in the order `toRow` binds them; named, so a later column cannot shift them. */
export const COLUMNS =
  "id, user_id, provider_id, provider_slug, status, alias, credential_type, encrypted_data, expires_at, " +
  "connected_at, last_sync_at, created_at, updated_at";

/** D1 stores an ArrayBuffer as a BLOB; copy just the view's bytes. */
const blob = (bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);

/**
 * The values to bind, in the order of COLUMNS.
 * @param {ProviderConnectionRecord} c
 */
export function toRow(c) {
  const credentials = c.credentials;
  return [
    c.id, c.userId, c.providerId, c.providerSlug, c.status, c.alias,
    credentials?.credentialType ?? null,
    credentials ? blob(credentials.encryptedData) : null,
    credentials?.expiresAt ?? null,
    c.connectedAt, c.lastSyncAt, c.createdAt, c.updatedAt,
  ];
}

/**
 * D1 hands a BLOB back as an array of numbers (or an ArrayBuffer); the handlers want a Uint8Array.
 * @param {Record<string, any>} row
 * @returns {ProviderConnectionRecord}
 */
export function toRecord(row) {
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
