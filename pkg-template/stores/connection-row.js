// The provider_connections row of the SQL stores and the record the handlers save and read back.
// A record read back has exactly the shape `save` received: the credential columns are all set, or
// the record's `credentials` is null (as in the original, a row lacking the secret or its type has
// none; a disconnected connection keeps no secret).

/** @typedef {import("../index.js").ProviderConnectionRecord} ProviderConnectionRecord */

/** The columns in the order `rowValues` gives them. */
export const COLUMNS = [
  "id", "user_id", "provider_id", "provider_slug", "status", "alias", "credential_type",
  "encrypted_credentials", "credentials_expires_at", "connected_at", "last_sync_at", "created_at", "updated_at",
];

/** Every column but id and created_at, which an upsert keeps (the original's save never rewrites created_at). */
export const UPDATED_COLUMNS = COLUMNS.filter((column) => column !== "id" && column !== "created_at");

/**
 * The values to bind, in the order of COLUMNS; `bytes` turns the secret into what the client binds.
 * @template B
 * @param {ProviderConnectionRecord} record
 * @param {(bytes: Uint8Array) => B} bytes
 */
export function rowValues(record, bytes) {
  const credentials = record.credentials;
  return [
    record.id, record.userId, record.providerId, record.providerSlug, record.status, record.alias,
    credentials ? credentials.credentialType : null,
    credentials ? bytes(credentials.encryptedData) : null,
    credentials ? credentials.expiresAt : null,
    record.connectedAt, record.lastSyncAt, record.createdAt, record.updatedAt,
  ];
}

/**
 * The record of a row. `instant` reads a timestamp column (text in SQLite and D1, a Date from
 * PostgreSQL); the secret comes as a Buffer, an ArrayBuffer or an array of numbers, and is copied
 * into a plain Uint8Array.
 * @param {Record<string, any>} row
 * @param {(value: any) => string | null} [instant]
 * @returns {ProviderConnectionRecord}
 */
export function recordOf(row, instant = (value) => value) {
  const hasCredentials = row.credential_type != null && row.encrypted_credentials != null;
  return {
    id: row.id,
    userId: row.user_id,
    providerId: row.provider_id,
    providerSlug: row.provider_slug,
    status: row.status,
    alias: row.alias,
    credentials: hasCredentials
      ? {
          encryptedData: new Uint8Array(row.encrypted_credentials),
          credentialType: row.credential_type,
          expiresAt: instant(row.credentials_expires_at),
        }
      : null,
    connectedAt: instant(row.connected_at),
    lastSyncAt: instant(row.last_sync_at),
    createdAt: instant(row.created_at),
    updatedAt: instant(row.updated_at),
  };
}
