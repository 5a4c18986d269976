// GetProviderConnection's contract: one table of cases, run in every runtime.
import { runQueryCase } from "./query_checks.mjs";
import { CONNECTION_ID, isoIn, LIFECYCLE_ERRORS as ERRORS, OTHER_USER_ID, storedRecord, USER_ID, viewOf, withoutVersion } from "./fixtures.mjs";
import { never, rejectWith } from "./ports.mjs";

const query = (overrides = {}) => ({ userId: USER_ID, connectionId: CONNECTION_ID, ...overrides });
const found = { result: ([record]) => ({ ok: true, value: viewOf(record) }), calls: ["findById"] };
const refused = (error, code) => ({ result: { ok: false, error, code }, calls: ["findById"] });
const databaseError = (why) => refused(`${ERRORS.DATABASE_ERROR}: ${why}`, "DATABASE_ERROR");
const withExpiry = (expiresAt) => storedRecord({ credentials: { encryptedData: new Uint8Array([7]), credentialType: "oauth2", expiresAt } });

const cases = [
  { name: "the owner's active connection, as a view without credential bytes", records: () => [storedRecord()], query: () => query(), expect: found },
  { name: "credentials that never expire", records: () => [withExpiry(null)], query: () => query(), expect: found },
  { name: "credentials expiring within five minutes", records: () => [withExpiry(isoIn(120_000))], query: () => query(), expect: found },
  { name: "expired credentials: cannot sync", records: () => [withExpiry(isoIn(-1000))], query: () => query(), expect: found },
  ...["pending", "expired", "revoked", "failed", "disconnected"].map((status) => ({
    name: `a ${status} connection`,
    records: () => [storedRecord({ status, credentials: status === "disconnected" || status === "pending" ? null : storedRecord().credentials, lastSyncAt: "2026-11-27T08:00:00.000Z" })],
    query: () => query(),
    expect: found,
  })),
  { name: "no such connection", query: () => query(), expect: refused(ERRORS.CONNECTION_NOT_FOUND, "CONNECTION_NOT_FOUND") },
  { name: "another user's connection", records: () => [storedRecord({ userId: OTHER_USER_ID })], query: () => query(), expect: refused(ERRORS.NOT_OWNED_BY_USER, "NOT_OWNED_BY_USER") },
  { name: "findById rejects", behaviour: () => ({ findById: rejectWith("locked") }), query: () => query(), expect: databaseError("locked") },
  {
    name: "findById does not settle within timeoutMs",
    behaviour: () => ({ findById: never }),
    options: { timeoutMs: 25 },
    query: () => query(),
    expect: databaseError("findById timed out after 25 ms"),
  },
  {
    name: "a stored record that is not an object",
    behaviour: () => ({ findById: () => "row 1" }),
    query: () => query(),
    expect: databaseError("invalid stored connection: not an object"),
  },
  {
    name: "a stored slug over 50 characters",
    records: () => [storedRecord({ providerSlug: "s".repeat(51) })],
    query: () => query(),
    expect: databaseError("invalid stored connection: Invalid provider slug"),
  },
  { name: "a stored record without a version", records: () => [withoutVersion(storedRecord())], query: () => query(), expect: found },
  { name: "a stored record at version 0", records: () => [storedRecord({ version: 0 })], query: () => query(), expect: databaseError("invalid stored connection: version must be 1 or more") },
  {
    name: "a stored record at version 1.5",
    records: () => [storedRecord({ version: 1.5 })],
    query: () => query(),
    expect: databaseError("invalid stored connection: version: invalid value: a number that is not a whole number from 0 to 2^53 - 1, expected u64"),
  },
  { name: "connectionId not a UUID", query: () => query({ connectionId: "first" }), expect: { result: { ok: false, error: `${ERRORS.INVALID_COMMAND}: connectionId must be a UUID string`, code: "INVALID_COMMAND" }, calls: [] } },
];

export const getProviderConnectionTable = { handler: "GetProviderConnectionHandler", cases, run: runQueryCase };
