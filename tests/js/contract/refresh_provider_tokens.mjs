// RefreshProviderTokens' contract: one table of cases, run in every runtime.
import { runLifecycleCase } from "./lifecycle_checks.mjs";
import { CONNECTION_ID, LIFECYCLE_ERRORS as ERRORS, OTHER_USER_ID, storedRecord, USER_ID, withoutVersion } from "./fixtures.mjs";
import { never, overtakenBy, rejectWith, throwError } from "./ports.mjs";

const NEW_SECRET = new Uint8Array([1, 2, 3, 4, 5]);
const fresh = (overrides = {}) => ({ encryptedData: NEW_SECRET.slice(), credentialType: "link_token", expiresAt: "2027-06-01T12:00:00+02:00", ...overrides });
const command = (overrides = {}) => ({ userId: USER_ID, connectionId: CONNECTION_ID, credentials: fresh(), ...overrides });
/** The record a refresh writes over `record`: the new credentials, at `version`. */
const refreshed = (version, credentials = { encryptedData: NEW_SECRET, credentialType: "link_token", expiresAt: "2027-06-01T10:00:00.000Z" }) => (record) => ({
  ...record,
  credentials,
  version,
});
const succeeded = (extra = {}) => ({ result: { ok: true, value: null }, events: ["Attempted", "Succeeded"], calls: ["findById", "save"], writes: [refreshed(2)], ...extra });
/** A refresh's failure says whether only the user can mend it: `needsUserAction` is given where it is true. */
const refused = (error, code, { needsUserAction = false, ...extra } = {}) => ({
  result: { ok: false, error, code, needsUserAction },
  events: ["Attempted", "Failed"],
  calls: ["findById"],
  ...extra,
});
const invalidCommand = (why) => ({ result: { ok: false, error: `${ERRORS.INVALID_COMMAND}: ${why}`, code: "INVALID_COMMAND", needsUserAction: false }, calls: [] });
const databaseError = (why, extra) => refused(`${ERRORS.DATABASE_ERROR}: ${why}`, "DATABASE_ERROR", extra);
/** The handler commits the refreshed record with Succeeded; the bus sees Attempted only. */
const committed = (extra = {}) => succeeded({ events: ["Attempted"], calls: ["findById", "commit"], committed: [["Succeeded"]], ...extra });

/** Another command disconnected the connection while this one decided: the store holds version 2. */
const disconnectedMeanwhile = (store) => {
  store[0] = { ...store[0], status: "disconnected", credentials: null, updatedAt: "2026-11-27T10:00:00.000Z", version: 2 };
};
/** Another refresh stored its credentials first: the store holds version 2. */
const OTHER_REFRESH = () => storedRecord({ credentials: { encryptedData: new Uint8Array([9, 9]), credentialType: "oauth2", expiresAt: null }, version: 2 });
/** Each of four writes refused as stale, and read again in between: a conflict. */
const CONFLICT_CALLS = ["findById", "save", "findById", "save", "findById", "save", "findById", "save"];

const cases = [
  { name: "the owner replaces an active connection's credentials, at the next version", records: () => [storedRecord()], command: () => command(), expect: succeeded() },
  {
    name: "expectedVersion that still holds: refreshed at the next version",
    records: () => [storedRecord({ version: 4 })],
    command: () => command({ expectedVersion: 4 }),
    expect: succeeded({ writes: [refreshed(5)] }),
  },
  {
    name: "expectedVersion the connection moved past: refused before the credentials are judged, nothing written",
    records: () => [storedRecord({ version: 5 })],
    command: () => command({ expectedVersion: 4, credentials: null }),
    expect: refused(ERRORS.VERSION_MISMATCH, "VERSION_MISMATCH"),
  },
  {
    name: "expectedVersion that held at the read, disconnected before the write: read again and refused as changed",
    records: () => [storedRecord()],
    behaviour: () => ({ save: overtakenBy(disconnectedMeanwhile) }),
    command: () => command({ expectedVersion: 1 }),
    expect: refused(ERRORS.VERSION_MISMATCH, "VERSION_MISMATCH", { calls: ["findById", "save", "findById"], writes: [refreshed(2)] }),
  },
  ...[0, 2.5, "3"].map((expectedVersion) => ({
    name: `expectedVersion ${JSON.stringify(expectedVersion)} is not a version`,
    records: () => [storedRecord()],
    command: () => command({ expectedVersion }),
    expect: invalidCommand("expectedVersion must be a whole number from 1 to 9007199254740991"),
  })),
  {
    name: "credentials without an expiry replace ones with an expiry",
    records: () => [storedRecord()],
    command: () => command({ credentials: fresh({ credentialType: "api_key", expiresAt: null }) }),
    expect: succeeded({ writes: [refreshed(2, { encryptedData: NEW_SECRET, credentialType: "api_key", expiresAt: null })] }),
  },
  {
    name: "expiresAt a Date is saved as its instant",
    records: () => [storedRecord()],
    command: () => command({ credentials: fresh({ expiresAt: new Date("2027-06-01T12:00:00+02:00") }) }),
    expect: succeeded(),
  },
  {
    name: "a stored record without a version is version 1: saved as version 2",
    records: () => [withoutVersion(storedRecord())],
    command: () => command(),
    expect: succeeded(),
  },
  { name: "a stored record at version 41 is saved as version 42", records: () => [storedRecord({ version: 41 })], command: () => command(), expect: succeeded({ writes: [refreshed(42)] }) },
  { name: "no such connection", command: () => command(), expect: refused(ERRORS.CONNECTION_NOT_FOUND, "CONNECTION_NOT_FOUND", { provider: null }) },
  { name: "another user's connection", records: () => [storedRecord({ userId: OTHER_USER_ID })], command: () => command(), expect: refused(ERRORS.NOT_OWNED_BY_USER, "NOT_OWNED_BY_USER") },
  { name: "credentials null", records: () => [storedRecord()], command: () => command({ credentials: null }), expect: refused(ERRORS.INVALID_CREDENTIALS, "INVALID_CREDENTIALS") },
  { name: "credentials absent", records: () => [storedRecord()], command: () => command({ credentials: undefined }), expect: refused(ERRORS.INVALID_CREDENTIALS, "INVALID_CREDENTIALS") },
  ...[
    ["encryptedData a string", fresh({ encryptedData: "secret" })],
    ["encryptedData empty", fresh({ encryptedData: new Uint8Array(0) })],
    ["credentialType unknown", fresh({ credentialType: "password" })],
    ["expiresAt without an offset", fresh({ expiresAt: "2027-01-01T00:00:00" })],
    ["expiresAt an invalid Date", fresh({ expiresAt: new Date(Number.NaN) })],
  ].map(([name, credentials]) => ({
    name: `malformed credentials: ${name}`,
    records: () => [storedRecord()],
    command: () => command({ credentials }),
    expect: refused(ERRORS.INVALID_CREDENTIALS, "INVALID_CREDENTIALS"),
  })),
  ...["disconnected", "expired", "revoked", "pending", "failed"].map((status) => ({
    name: `a ${status} connection is not active: the user must act`,
    records: () => [storedRecord({ status, credentials: status === "disconnected" || status === "pending" ? null : storedRecord().credentials })],
    command: () => command(),
    expect: refused(ERRORS.NOT_ACTIVE, "NOT_ACTIVE", { needsUserAction: true }),
  })),
  {
    name: "ownership is checked before the credentials",
    records: () => [storedRecord({ userId: OTHER_USER_ID })],
    command: () => command({ credentials: null }),
    expect: refused(ERRORS.NOT_OWNED_BY_USER, "NOT_OWNED_BY_USER"),
  },
  {
    name: "the credentials are checked before the status",
    records: () => [storedRecord({ status: "disconnected", credentials: null })],
    command: () => command({ credentials: null }),
    expect: refused(ERRORS.INVALID_CREDENTIALS, "INVALID_CREDENTIALS"),
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
  ...[
    [0, "version must be 1 or more"],
    [1.5, "version: invalid value: a number that is not a whole number from 0 to 2^53 - 1, expected u64"],
    ["2", 'version: invalid type: string "2", expected u64'],
  ].map(([version, why]) => ({
    name: `a stored record at version ${JSON.stringify(version)} is a database error naming version`,
    records: () => [storedRecord({ version })],
    command: () => command(),
    expect: databaseError(`invalid stored connection: ${why}`, { provider: null }),
  })),
  {
    name: "a stored record at version Number.MAX_SAFE_INTEGER - 1 is saved at Number.MAX_SAFE_INTEGER",
    records: () => [storedRecord({ version: Number.MAX_SAFE_INTEGER - 1 })],
    command: () => command(),
    expect: succeeded({ writes: [refreshed(Number.MAX_SAFE_INTEGER)] }),
  },
  {
    name: "a stored record at version Number.MAX_SAFE_INTEGER: its next version is past what a JS number holds, refused before the store sees it",
    records: () => [storedRecord({ version: Number.MAX_SAFE_INTEGER })],
    command: () => command(),
    expect: databaseError("version 9007199254740992 is past Number.MAX_SAFE_INTEGER"),
  },
  {
    name: "save throws: a database error after the find",
    records: () => [storedRecord()],
    behaviour: () => ({ save: throwError("unique constraint") }),
    command: () => command(),
    expect: databaseError("unique constraint", { calls: ["findById", "save"], writes: [refreshed(2)] }),
  },
  {
    name: "publish rejects: the result is unchanged",
    records: () => [storedRecord()],
    behaviour: () => ({ publish: rejectWith(new Error("queue full")) }),
    command: () => command(),
    expect: succeeded({ busErrors: ["queue full", "queue full"] }),
  },

  {
    name: "save answering false, overtaken by a disconnection: read again, not active, the user must act",
    records: () => [storedRecord()],
    behaviour: () => ({ save: overtakenBy(disconnectedMeanwhile) }),
    command: () => command(),
    expect: refused(ERRORS.NOT_ACTIVE, "NOT_ACTIVE", { needsUserAction: true, calls: ["findById", "save", "findById"], writes: [refreshed(2)] }),
  },
  {
    name: "save answering false, overtaken by another refresh: read again, these credentials stored over its version",
    records: () => [storedRecord()],
    behaviour: () => ({ save: overtakenBy((store) => void (store[0] = OTHER_REFRESH())) }),
    command: () => command(),
    expect: succeeded({ calls: ["findById", "save", "findById", "save"], writes: [refreshed(2), () => refreshed(3)(OTHER_REFRESH())] }),
  },
  {
    name: "save answering false every time: a conflict after four writes, the user need not act",
    records: () => [storedRecord()],
    behaviour: () => ({ save: () => false }),
    command: () => command(),
    expect: refused(ERRORS.CONFLICT, "CONFLICT", { calls: CONFLICT_CALLS, writes: Array(4).fill(refreshed(2)) }),
  },
  {
    name: "save answering false, the connection deleted meanwhile: not found on the second read",
    records: () => [storedRecord()],
    behaviour: () => ({ save: overtakenBy((store) => void (store.length = 0)) }),
    command: () => command(),
    expect: refused(ERRORS.CONNECTION_NOT_FOUND, "CONNECTION_NOT_FOUND", { calls: ["findById", "save", "findById"], writes: [refreshed(2)] }),
  },

  { name: "a repository whose eventBus is the handler's bus commits the record with Succeeded", records: () => [storedRecord()], commitTo: "own bus", command: () => command(), expect: committed() },
  { name: "a repository with commit but another bus: save, then publish", records: () => [storedRecord()], commitTo: "another bus", command: () => command(), expect: succeeded() },
  {
    name: "commit rejects: a database error, Failed published",
    records: () => [storedRecord()],
    commitTo: "own bus",
    behaviour: () => ({ commit: rejectWith(new Error("transaction aborted")) }),
    command: () => command(),
    expect: databaseError("transaction aborted", { calls: ["findById", "commit"], committed: [["Succeeded"]], writes: [refreshed(2)] }),
  },
  {
    name: "commit answering false, overtaken by a disconnection: not active, Failed published",
    records: () => [storedRecord()],
    commitTo: "own bus",
    behaviour: () => ({ commit: overtakenBy(disconnectedMeanwhile) }),
    command: () => command(),
    expect: refused(ERRORS.NOT_ACTIVE, "NOT_ACTIVE", { needsUserAction: true, calls: ["findById", "commit", "findById"], committed: [["Succeeded"]], writes: [refreshed(2)] }),
  },
  {
    name: "a not-active connection with a committing repository commits nothing",
    records: () => [storedRecord({ status: "expired" })],
    commitTo: "own bus",
    command: () => command(),
    expect: refused(ERRORS.NOT_ACTIVE, "NOT_ACTIVE", { needsUserAction: true }),
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
