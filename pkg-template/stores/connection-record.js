// The record the handlers save and read back, and the shapes the stores keep it in, mapped here
// once for all of them. A record is checked whole before anything is written (a bad field is a
// TypeError naming it, never a half-saved record); a record read back has exactly the shape `save`
// received, its keys in the record's order, `version` last. What differs between stores comes in
// as small parameters: what the secret becomes (a Buffer, an ArrayBuffer, a copy, nothing when it
// is kept apart), and how a stored instant reads (text, or a Date from PostgreSQL).

/** @typedef {import("../index.js").ProviderConnectionRecord} ProviderConnectionRecord */

/** The largest version a store keeps exactly (a JS number). */
const MAX_VERSION = Number.MAX_SAFE_INTEGER;

/**
 * The record checked and in its canonical shape, absent optional fields as null. `secret` turns the
 * secret's bytes (a Uint8Array view on what was passed, not a copy) into what the store keeps.
 * @template [B=Uint8Array]
 * @param {unknown} record
 * @param {string} where who is asking, for the errors: `"sqlite store: save"`
 * @param {(bytes: Uint8Array) => B} [secret]
 */
export function checkedRecord(record, where, secret = /** @type {(bytes: Uint8Array) => any} */ ((bytes) => bytes)) {
  if (record === null || typeof record !== "object") throw new TypeError(`${where}: the record must be an object`);
  const r = /** @type {Record<string, unknown>} */ (record);
  const text = (/** @type {string} */ field) => {
    const value = r[field];
    if (typeof value !== "string" || value === "") throw new TypeError(`${where}: record.${field} must be a non-empty string`);
    return value;
  };
  const credentials = r.credentials ?? null;
  if (credentials !== null && typeof credentials !== "object") throw new TypeError(`${where}: record.credentials must be an object or null`);
  const c = /** @type {Record<string, unknown> | null} */ (credentials);
  let bytes = null;
  if (c !== null) {
    bytes = bytesOf(c.encryptedData);
    if (bytes === null) throw new TypeError(`${where}: record.credentials.encryptedData must be a Uint8Array`);
    if (typeof c.credentialType !== "string" || c.credentialType === "") {
      throw new TypeError(`${where}: record.credentials.credentialType must be a non-empty string`);
    }
  }
  const version = r.version;
  if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 1) {
    throw new TypeError(`${where}: record.version must be a whole number from 1 to ${MAX_VERSION}`);
  }
  const checked = {
    id: text("id"),
    userId: text("userId"),
    providerId: text("providerId"),
    providerSlug: text("providerSlug"),
    status: text("status"),
    alias: optionalText(r.alias, where, "record.alias"),
    credentials: c === null
      ? null
      : {
          encryptedData: secret(/** @type {Uint8Array} */ (bytes)),
          credentialType: /** @type {string} */ (c.credentialType),
          expiresAt: optionalInstant(c.expiresAt, where, "record.credentials.expiresAt"),
        },
    connectedAt: optionalInstant(r.connectedAt, where, "record.connectedAt"),
    lastSyncAt: optionalInstant(r.lastSyncAt, where, "record.lastSyncAt"),
    createdAt: instant(r.createdAt, where, "record.createdAt"),
    updatedAt: instant(r.updatedAt, where, "record.updatedAt"),
    version,
  };
  return checked;
}

/**
 * The record of what a store kept, in the canonical shape (credentials nested). `instant` reads a
 * stored instant; the secret (a Buffer, an ArrayBuffer, an array of numbers or a Uint8Array) is
 * copied into a plain Uint8Array unless `secret` says otherwise. A value kept without a version
 * (by an older package, or by the original service) is version 1.
 * @param {Record<string, any>} stored
 * @param {{ instant?: (value: any) => string | null, secret?: (value: any) => Uint8Array }} [read]
 * @returns {ProviderConnectionRecord}
 */
export function recordOf(stored, { instant = (value) => value ?? null, secret = (value) => new Uint8Array(value) } = {}) {
  const credentials = stored.credentials ?? null;
  return /** @type {ProviderConnectionRecord} */ ({
    id: stored.id,
    userId: stored.userId,
    providerId: stored.providerId,
    providerSlug: stored.providerSlug,
    status: stored.status,
    alias: stored.alias ?? null,
    credentials: credentials === null
      ? null
      : {
          encryptedData: secret(credentials.encryptedData),
          credentialType: credentials.credentialType,
          expiresAt: instant(credentials.expiresAt),
        },
    connectedAt: instant(stored.connectedAt),
    lastSyncAt: instant(stored.lastSyncAt),
    createdAt: instant(stored.createdAt),
    updatedAt: instant(stored.updatedAt),
    version: storedVersion(stored.version),
  });
}

/** A stored version: a number, or a bigint's text from PostgreSQL; none is 1. @param {unknown} value */
export function storedVersion(value) {
  if (value === null || value === undefined) return 1;
  const version = Number(value);
  if (!Number.isSafeInteger(version) || version < 1) throw new Error(`a stored version is not a whole number from 1 to ${MAX_VERSION}`);
  return version;
}

// The SQL stores' provider_connections row: the original service's columns, plus `version`.

/** The columns in the order `rowValues` gives them. */
export const COLUMNS = [
  "id", "user_id", "provider_id", "provider_slug", "status", "alias", "credential_type",
  "encrypted_credentials", "credentials_expires_at", "connected_at", "last_sync_at", "created_at", "updated_at", "version",
];

/** Every column a save writes again: not id, and not created_at (the first save's is kept). */
export const UPDATED_COLUMNS = COLUMNS.filter((column) => column !== "id" && column !== "created_at");

/**
 * An instant as `toISOString` writes it (`…00.000Z`): SQLite and D1 keep instants as text and find
 * expiring credentials by comparing it, which orders instants only in this one form (`…00Z`, an
 * offset or fewer digits would sort elsewhere). Anything `Date.parse` cannot read is left as it is.
 * @template T @param {T} value @returns {T | string}
 */
export function canonicalInstant(value) {
  const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/**
 * A checked record's values to bind, in the order of COLUMNS.
 * @param {ReturnType<typeof checkedRecord<any>>} record
 */
export function rowValues(record) {
  const credentials = record.credentials;
  return [
    record.id, record.userId, record.providerId, record.providerSlug, record.status, record.alias,
    credentials ? credentials.credentialType : null,
    credentials ? credentials.encryptedData : null,
    credentials ? canonicalInstant(credentials.expiresAt) : null,
    record.connectedAt, record.lastSyncAt, record.createdAt, record.updatedAt, record.version,
  ];
}

/**
 * The record of a row. As in the original, a row lacking the secret or its type has no credentials.
 * @param {Record<string, any>} row
 * @param {(value: any) => string | null} [instant]
 */
export function recordOfRow(row, instant) {
  const hasCredentials = row.credential_type != null && row.encrypted_credentials != null;
  return recordOf({
    id: row.id,
    userId: row.user_id,
    providerId: row.provider_id,
    providerSlug: row.provider_slug,
    status: row.status,
    alias: row.alias,
    credentials: hasCredentials
      ? { encryptedData: row.encrypted_credentials, credentialType: row.credential_type, expiresAt: row.credentials_expires_at }
      : null,
    connectedAt: row.connected_at,
    lastSyncAt: row.last_sync_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  }, instant ? { instant } : {});
}

/**
 * A found row as one user may see it: `null` when there is none, `false` when it is another user's
 * (left unread: no more work, and no failure to read it, than for a row that is not there), else
 * its record, read by `read`. The SQL stores' findOwned answers `owned` (the database's comparison,
 * which also decided whether the row carries its credentials); a row without it is compared here.
 * @template T @param {Record<string, any> | null | undefined} row @param {string} userId @param {(row: Record<string, any>) => T}  read
 * @returns {T | false | null}
 */
export function ownedRow(row, userId, read) {
  // userId is checked by ownerOf first.
  if (!row) return null;
  const owned = "owned" in row ? Number(row.owned) === 1 : String(row.user_id).toLowerCase() === userId.toLowerCase();
  return owned ? read(row) : false;
}

/** The user of a findOwned, checked: a non-empty string. @param {unknown} userId @param {string} what */
export function ownerOf(userId, what) {
  if (typeof userId !== "string" || userId === "") throw new TypeError(`${what}: userId must be a non-empty string`);
  return userId;
}

/** A Uint8Array view of a secret's bytes (an ArrayBuffer or any view), or null when it is not bytes. @param {unknown} value */
export function bytesOf(value) {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return null;
}

/** @param {unknown} value @param {string} where @param {string} field */
function optionalText(value, where, field) {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") throw new TypeError(`${where}: ${field} must be a string or null`);
  return value;
}

/** @param {unknown} value @param {string} where @param {string} field */
function instant(value, where, field) {
  if (typeof value !== "string" || Number.isNaN(Date.parse(value))) throw new TypeError(`${where}: ${field} must be an ISO instant string`);
  return value;
}

/** @param {unknown} value @param {string} where @param {string} field */
function optionalInstant(value, where, field) {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string" || Number.isNaN(Date.parse(value))) throw new TypeError(`${where}: ${field} must be an ISO instant string or null`);
  return value;
}

/** The most records a page of findExpiringPage answers. */
export const EXPIRING_PAGE_MAX = 1000;

/** The longest id a cursor names: Deno KV's ids are at most 500 bytes, and a UUID is 36 characters. */
const MAX_CURSOR_ID = 1000;

/**
 * A findExpiringPage's arguments, checked: its bound, and `after` (the `next` of the page before)
 * and `limit`. A bad one is a TypeError naming it.
 * @param {string} store @param {unknown} instant @param {unknown} page
 * @returns {{ after: { expiresAt: string, id: string } | null, limit: number }}
 */
export function checkedExpiringPage(store, instant, page) {
  const what = `${store} store: findExpiringPage`;
  if (typeof instant !== "string" || Number.isNaN(Date.parse(instant))) throw new TypeError(`${what}: instant must be an ISO instant string`);
  const { after = null, limit } = /** @type {{ after?: unknown, limit?: unknown }} */ (page ?? {});
  if (!Number.isInteger(limit) || /** @type {number} */ (limit) < 1 || /** @type {number} */ (limit) > EXPIRING_PAGE_MAX) {
    throw new TypeError(`${what}: limit must be a whole number from 1 to ${EXPIRING_PAGE_MAX}`);
  }
  if (after === null) return { after: null, limit: /** @type {number} */ (limit) };
  const { expiresAt, id } = /** @type {{ expiresAt?: unknown, id?: unknown }} */ (after);
  // Any id a store holds (a UUID from the handlers; SQLite, D1 and Deno KV keep any text saved to them).
  if (typeof expiresAt !== "string" || Number.isNaN(Date.parse(expiresAt)) || typeof id !== "string" || id.length === 0 || id.length > MAX_CURSOR_ID || id.includes("\u0000")) {
    throw new TypeError(`${what}: after must be null or the { expiresAt, id } the page before answered as next`);
  }
  // The id as the store answered it: a text column orders ids by their bytes, case and all.
  return { after: { expiresAt: new Date(Date.parse(expiresAt)).toISOString(), id }, limit: /** @type {number} */ (limit) };
}

/**
 * A page's answer from the rows a page statement read: their records, and where the next page
 * starts (the last row's expiry as read back and id), or null when fewer than `limit` were read.
 * @template R @param {Record<string, any>[]} rows @param {number} limit @param {(row: Record<string, any>) => R} read
 * @returns {{ records: R[], next: { expiresAt: string, id: string } | null }}
 */
export function expiringPage(rows, limit, read) {
  const last = rows[rows.length - 1];
  const next = rows.length < limit ? null : { expiresAt: new Date(last.credentials_expires_at).toISOString(), id: String(last.id) };
  return { records: rows.map(read), next };
}
