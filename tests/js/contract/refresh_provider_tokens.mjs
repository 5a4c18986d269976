// RefreshProviderTokens' contract: one table of cases, run in every runtime.
import { runLifecycleCase } from "./lifecycle_checks.mjs";
import { CONNECTION_ID, LIFECYCLE_ERRORS as ERRORS, OTHER_USER_ID, storedRecord, USER_ID } from "./fixtures.mjs";
import { never, rejectWith, throwError } from "./ports.mjs";

const NEW_SECRET = new Uint8Array([1, 2, 3, 4, 5]);
const fresh = (overrides = {}) => ({ encryptedData: NEW_SECRET.slice(), credentialType: "link_token", expiresAt: "2027-06-01T12:00:00+02:00", ...overrides });
const command = (overrides = {}) => ({ userId: USER_ID, connectionId: CONNECTION_ID, credentials: fresh(), ...overrides });
const refreshed = (record) => ({
  ...record,
  credentials: { encryptedData: NEW_SECRET, credentialType: "link_token", expiresAt: "2027-06-01T10:00:00.000Z" },
});
const succeeded = { result: { ok: true, value: null }, events: ["Attempted", "Succeeded"], calls: ["findById", "save"], saved: refreshed };
const refused = (error, extra = {}) => ({ result: { ok: false, error }, events: ["Attempted", "Failed"], calls: ["findById"], ...extra });
const invalidCommand = (why) => ({ result: { ok: false, error: `${ERRORS.INVALID_COMMAND}: ${why}` }, calls: [] });
const databaseError = (why, extra) => refused(`${ERRORS.DATABASE_ERROR}: ${why}`, extra);

const cases = [
  { name: "the owner replaces an active connection's credentials", records: () => [storedRecord()], command: () => command(), expect: succeeded },
  {
    name: "credentials without an expiry replace ones with an expiry",
    records: () => [storedRecord()],
    command: () => command({ credentials: fresh({ credentialType: "api_key", expiresAt: null }) }),
    expect: { ...succeeded, saved: (record) => ({ ...record, credentials: { encryptedData: NEW_SECRET, credentialType: "api_key", expiresAt: null } }) },
  },
  { name: "no such connection", command: () => command(), expect: refused(ERRORS.CONNECTION_NOT_FOUND, { provider: null }) },
  { name: "another user's connection", records: () => [storedRecord({ userId: OTHER_USER_ID })], command: () => command(), expect: refused(ERRORS.NOT_OWNED_BY_USER) },
  { name: "credentials null", records: () => [storedRecord()], command: () => command({ credentials: null }), expect: refused(ERRORS.INVALID_CREDENTIALS) },
  { name: "credentials absent", records: () => [storedRecord()], command: () => command({ credentials: undefined }), expect: refused(ERRORS.INVALID_CREDENTIALS) },
  ...[
    ["encryptedData a string", fresh({ encryptedData: "secret" })],
    ["encryptedData empty", fresh({ encryptedData: new Uint8Array(0) })],
    ["credentialType unknown", fresh({ credentialType: "password" })],
    ["expiresAt without an offset", fresh({ expiresAt: "2027-01-01T00:00:00" })],
  ].map(([name, credentials]) => ({
    name: `malformed credentials: ${name}`,
    records: () => [storedRecord()],
    command: () => command({ credentials }),
    expect: refused(ERRORS.INVALID_CREDENTIALS),
  })),
  ...["disconnected", "expired", "revoked", "pending", "failed"].map((status) => ({
    name: `a ${status} connection is not active: the user must act`,
    records: () => [storedRecord({ status, credentials: status === "disconnected" || status === "pending" ? null : storedRecord().credentials })],
    command: () => command(),
    expect: refused(ERRORS.NOT_ACTIVE, { needsUserAction: true }),
  })),
  {
    name: "ownership is checked before the credentials",
    records: () => [storedRecord({ userId: OTHER_USER_ID })],
    command: () => command({ credentials: null }),
    expect: refused(ERRORS.NOT_OWNED_BY_USER),
  },
  {
    name: "the credentials are checked before the status",
    records: () => [storedRecord({ status: "disconnected", credentials: null })],
    command: () => command({ credentials: null }),
    expect: refused(ERRORS.INVALID_CREDENTIALS),
  },
  {
    name: "findById rejects",
    behaviour: () => ({ findById: rejectWith(new Error("connection reset")) }),
    command: () => command(),
    expect: databaseError("connection reset", { provider: null }),
  },
  {
    name: "findById does not settle within timeoutMs",
    behaviour: () => ({ findById: never }),
    options: { timeoutMs: 25 },
    command: () => command(),
    expect: databaseError("findById timed out after 25 ms", { provider: null }),
  },
  {
    name: "a stored record with a bad id is a database error",
    records: () => [storedRecord({ providerId: "not-a-uuid" })],
    behaviour: () => ({ findById: () => storedRecord({ providerId: "not-a-uuid" }) }),
    command: () => command(),
    expect: { ...databaseError("invalid stored connection: providerId: ", { provider: null }), partialError: true },
  },
  {
    name: "save throws: a database error after the find",
    records: () => [storedRecord()],
    behaviour: () => ({ save: throwError("unique constraint") }),
    command: () => command(),
    expect: databaseError("unique constraint", { calls: ["findById", "save"] }),
  },
  {
    name: "publish rejects: the result is unchanged",
    records: () => [storedRecord()],
    behaviour: () => ({ publish: rejectWith(new Error("queue full")) }),
    command: () => command(),
    expect: { ...succeeded, busErrors: ["queue full", "queue full"] },
  },
  ...[
    ["command a string", () => "refresh", "command must be an object"],
    ["userId not a UUID", () => command({ userId: "nobody" }), "userId must be a UUID string"],
    ["connectionId without hyphens", () => command({ connectionId: CONNECTION_ID.replaceAll("-", "") }), "connectionId must be a UUID string"],
  ].map(([name, make, why]) => ({ name, command: make, expect: invalidCommand(why) })),
];

export const refreshProviderTokensTable = {
  handler: "RefreshProviderTokensHandler",
  cases,
  run: (Handler, contractCase) => runLifecycleCase(Handler, "ProviderTokenRefresh", contractCase),
};
