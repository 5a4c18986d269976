// Records read back, checked as the wasm handlers check them (with their messages for the cases
// the contract tables cover), and the view the queries return.
import { TYPES, UUID } from "./common.mjs";

const STATUSES = new Set(["pending", "active", "expired", "revoked", "failed", "disconnected"]);
const REAUTHENTICATE = new Set(["expired", "revoked", "failed"]);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** serde's words for a value of the wrong type. */
function describeType(value) {
  if (typeof value === "number") return "a number";
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  if (value === null || value === undefined) return "unit value";
  if (typeof value === "boolean") return `boolean \`${value}\``;
  if (Array.isArray(value)) return "an array";
  return "an object";
}

const typeError = (field, value) => [field, `invalid type: ${describeType(value)}, expected a string`];

/**
 * `null` when `record` (an object) is a valid stored connection, else where and why not: the
 * field's path and the message, or `""` and the message for the record as a whole.
 */
function problem(record) {
  for (const field of ["id", "userId", "providerId"]) {
    if (typeof record[field] !== "string") return typeError(field, record[field]);
    if (!UUID.test(record[field])) return [field, "invalid UUID"];
  }
  if (typeof record.status !== "string") return typeError("status", record.status);
  if (!STATUSES.has(record.status)) return ["status", `unknown status "${record.status}"`];
  for (const field of ["createdAt", "updatedAt"]) if (typeof record[field] !== "string" || !ISO.test(record[field])) return [field, "not an RFC 3339 timestamp"];
  // Absent is version 1; present, a whole number a JS number holds exactly.
  const version = record.version;
  if (typeof version === "number" && !(Number.isSafeInteger(version) && version >= 0)) return ["version", "invalid value: a number that is not a whole number from 0 to 2^53 - 1, expected u64"];
  if (version != null && typeof version !== "number") return ["version", `invalid type: ${describeType(version)}, expected u64`];
  const credentials = record.credentials;
  if (credentials != null) {
    if (!(credentials.encryptedData instanceof Uint8Array) || credentials.encryptedData.length === 0) return ["", "credentials: encrypted_data cannot be empty"];
    if (!TYPES.has(credentials.credentialType)) return ["credentials.credentialType", `unknown credential type "${credentials.credentialType}"`];
  }
  const slug = record.providerSlug;
  if (typeof slug !== "string" || slug.length === 0 || [...slug].length > 50) return ["", "Invalid provider slug"];
  if (record.alias != null && [...record.alias].length > 100) return ["", "Alias exceeds maximum length"];
  if (record.status === "active" && credentials == null) return ["", "ACTIVE connection must have credentials"];
  if (version === 0) return ["", "version must be 1 or more"];
  return null;
}

const isRecord = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

/** `null` when `record` is a valid stored connection, else why not. */
export function storedError(record) {
  if (!isRecord(record)) return "not an object";
  const found = problem(record);
  return found && (found[0] ? `${found[0]}: ${found[1]}` : found[1]);
}

/** `null` when `record`, the `index`th of a list, is a valid stored connection, else where in the list and why not. */
export function listedError(record, index) {
  if (!isRecord(record)) return `[${index}]: invalid type: ${describeType(record)}, expected struct ProviderConnectionRecord`;
  const found = problem(record);
  return found && (found[0] ? `[${index}].${found[0]}: ${found[1]}` : `[${index}]: ${found[1]}`);
}

/** The version a change of `record` is stored at: the next (a record without one is version 1). */
export const nextVersion = (record) => (record.version ?? 1) + 1;

/** The view of a valid stored connection at `now` (ms). */
export function viewOf(record, now) {
  const credentials = record.credentials ?? null;
  const expiresAt = credentials?.expiresAt ?? null;
  const left = expiresAt === null ? Infinity : Date.parse(expiresAt) - now;
  const expiry = credentials === null ? null : expiresAt === null ? "never" : left <= 0 ? "expired" : left <= 300_000 ? "expiring_soon" : "valid";
  const isConnected = record.status === "active" && credentials !== null;
  return {
    id: record.id.toLowerCase(),
    userId: record.userId.toLowerCase(),
    providerId: record.providerId.toLowerCase(),
    providerSlug: record.providerSlug,
    alias: record.alias ?? null,
    status: record.status,
    isConnected,
    needsReauthentication: REAUTHENTICATE.has(record.status),
    canSync: isConnected && expiry !== "expired",
    credentialType: credentials?.credentialType ?? null,
    credentialsExpireAt: expiresAt,
    credentialExpiry: expiry,
    connectedAt: record.connectedAt ?? null,
    lastSyncAt: record.lastSyncAt ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    version: record.version ?? 1,
  };
}
