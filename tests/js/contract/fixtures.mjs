export const USER_ID = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b";
export const OTHER_USER_ID = "0190f5b2-3c4d-7e8f-9a0b-ffffffffffff";
export const CONNECTION_ID = "0190f5b2-3c4d-7e8f-9a0b-000000000001";
export const PROVIDER_ID = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c";
export const SECRET = new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x42, 0x17]);
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const ERRORS = {
  INVALID_CREDENTIALS: "Invalid or missing credentials",
  INVALID_PROVIDER_SLUG: "Invalid provider slug",
  DATABASE_ERROR: "Database error occurred",
  INVALID_ALIAS: "Alias exceeds maximum length",
  CONFLICT: "Connection was changed by another command; try again",
  INVALID_CONNECTION_ID: "Connection id must be a UUID v7",
  CONNECTION_ID_TAKEN: "Connection id already in use",
  INVALID_COMMAND: "Invalid command",
};

/** The stable codes of failed results: the package's frozen `ErrorCode`, each code its own name. */
export const ERROR_CODES = [
  "CONNECTION_NOT_FOUND",
  "NOT_OWNED_BY_USER",
  "NOT_ACTIVE",
  "INVALID_CREDENTIALS",
  "INVALID_PROVIDER_SLUG",
  "INVALID_ALIAS",
  "INVALID_COMMAND",
  "DATABASE_ERROR",
  "CONFLICT",
  "VERSION_MISMATCH",
  "INVALID_CONNECTION_ID",
  "CONNECTION_ID_TAKEN",
];

export function credentials(overrides = {}) {
  return { encryptedData: SECRET.slice(), credentialType: "oauth2", expiresAt: null, ...overrides };
}

export function command(overrides = {}) {
  return {
    userId: USER_ID,
    providerId: PROVIDER_ID,
    providerSlug: "schwab",
    credentials: credentials(),
    ...overrides,
  };
}

export const LIFECYCLE_ERRORS = {
  CONNECTION_NOT_FOUND: "Connection not found",
  NOT_OWNED_BY_USER: "Connection not owned by user",
  INVALID_CREDENTIALS: "Invalid or missing credentials",
  NOT_ACTIVE: "Connection is not active",
  DATABASE_ERROR: "Database error occurred",
  CONFLICT: "Connection was changed by another command; try again",
  VERSION_MISMATCH: "Connection has changed since the version expected",
  INVALID_COMMAND: "Invalid command",
};

/** Milliseconds from now, as `toISOString` writes the instant. */
export const isoIn = (ms) => new Date(Date.now() + ms).toISOString();

/** A record's keys in the order `save` and `commit` receive them: `version` last. */
export const RECORD_KEYS = ["id", "userId", "providerId", "providerSlug", "status", "alias", "credentials", "connectedAt", "lastSyncAt", "createdAt", "updatedAt", "version"];

/**
 * A connection as a repository stores it (the shape `save` receives), active with credentials
 * at version 1 unless `overrides` say otherwise.
 */
export function storedRecord(overrides = {}) {
  return {
    id: CONNECTION_ID,
    userId: USER_ID,
    providerId: PROVIDER_ID,
    providerSlug: "schwab",
    status: "active",
    alias: "Brokerage",
    credentials: { encryptedData: new Uint8Array([7, 7, 7]), credentialType: "oauth2", expiresAt: "2099-01-01T00:00:00.000Z" },
    connectedAt: "2026-11-26T15:21:29.123Z",
    lastSyncAt: null,
    createdAt: "2026-11-26T15:21:29.123Z",
    updatedAt: "2026-11-26T15:21:29.123Z",
    version: 1,
    ...overrides,
  };
}

/** `record` as a store written before versions keeps it: no `version` key at all. */
export function withoutVersion(record) {
  const { version, ...rest } = record;
  return rest;
}

const REAUTHENTICATE = new Set(["expired", "revoked", "failed"]);

/** The view the queries return for `record`, by the domain's rules, judged now. */
export function viewOf(record) {
  const credentials = record.credentials;
  const expiresAt = credentials?.expiresAt ?? null;
  const msLeft = expiresAt === null ? Infinity : Date.parse(expiresAt) - Date.now();
  const expiry = credentials === null ? null : expiresAt === null ? "never" : msLeft <= 0 ? "expired" : msLeft <= 5 * 60_000 ? "expiring_soon" : "valid";
  const isConnected = record.status === "active" && credentials !== null;
  return {
    id: record.id,
    userId: record.userId,
    providerId: record.providerId,
    providerSlug: record.providerSlug,
    alias: record.alias,
    status: record.status,
    isConnected,
    needsReauthentication: REAUTHENTICATE.has(record.status),
    canSync: isConnected && expiry !== "expired",
    credentialType: credentials?.credentialType ?? null,
    credentialsExpireAt: expiresAt,
    credentialExpiry: expiry,
    connectedAt: record.connectedAt,
    lastSyncAt: record.lastSyncAt,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    version: record.version ?? 1,
  };
}
