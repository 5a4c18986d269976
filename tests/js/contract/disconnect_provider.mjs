// DisconnectProvider's contract: one table of cases, run in every runtime.
import { runLifecycleCase } from "./lifecycle_checks.mjs";
import { CONNECTION_ID, LIFECYCLE_ERRORS as ERRORS, OTHER_USER_ID, storedRecord, USER_ID, withoutVersion } from "./fixtures.mjs";
import { never, overtakenBy, rejectWith, throwError } from "./ports.mjs";

const command = (overrides = {}) => ({ userId: USER_ID, connectionId: CONNECTION_ID, ...overrides });
/** The record a disconnection writes over `record`: kept, disconnected, without credentials, at `version`. */
const disconnected = (version) => (record) => ({ ...record, status: "disconnected", credentials: null, version });
const succeeded = (extra = {}) => ({ result: { ok: true, value: null }, events: ["Attempted", "Succeeded"], calls: ["findById", "save"], writes: [disconnected(2)], ...extra });
const refused = (error, code, extra = {}) => ({ result: { ok: false, error, code }, events: ["Attempted", "Failed"], calls: ["findById"], ...extra });
const invalidCommand = (why) => ({ result: { ok: false, error: `${ERRORS.INVALID_COMMAND}: ${why}`, code: "INVALID_COMMAND" }, calls: [] });
const databaseError = (why, extra) => refused(`${ERRORS.DATABASE_ERROR}: ${why}`, "DATABASE_ERROR", extra);
/** The handler commits the disconnected record with Succeeded; the bus sees Attempted only. */
const committed = (extra = {}) => succeeded({ events: ["Attempted"], calls: ["findById", "commit"], committed: [["Succeeded"]], ...extra });

/** Another command renamed the connection while this one decided: the store holds version 5. */
const RENAMED = () => storedRecord({ alias: "Renamed elsewhere", updatedAt: "2026-11-27T10:00:00.000Z", version: 5 });
const renamed = (store) => {
  store[0] = RENAMED();
};
const deleted = (store) => {
  store.length = 0;
};
/** Each of four writes refused as stale, and read again in between: a conflict. */
const CONFLICT_CALLS = ["findById", "save", "findById", "save", "findById", "save", "findById", "save"];

const cases = [
  { name: "the owner disconnects an active connection: kept, disconnected, without credentials, at the next version", records: () => [storedRecord()], command: () => command(), expect: succeeded() },
  {
    name: "disconnecting a disconnected connection succeeds again",
    records: () => [storedRecord({ status: "disconnected", credentials: null })],
    command: () => command(),
    expect: succeeded(),
  },
  ...["pending", "expired", "revoked", "failed"].map((status) => ({
    name: `a ${status} connection is disconnected too`,
    records: () => [storedRecord({ status })],
    command: () => command(),
    expect: succeeded(),
  })),
  {
    name: "an upper-case connection id is the same connection",
    records: () => [storedRecord()],
    command: () => command({ connectionId: CONNECTION_ID.toUpperCase() }),
    expect: succeeded(),
  },
  {
    name: "a stored record without a version is version 1: saved as version 2",
    records: () => [withoutVersion(storedRecord())],
    command: () => command(),
    expect: succeeded(),
  },
  { name: "a stored record at version 7 is saved as version 8", records: () => [storedRecord({ version: 7 })], command: () => command(), expect: succeeded({ writes: [disconnected(8)] }) },
  {
    name: "expectedVersion that still holds: disconnected at the next version",
    records: () => [storedRecord({ version: 7 })],
    command: () => command({ expectedVersion: 7 }),
    expect: succeeded({ writes: [disconnected(8)] }),
  },
  {
    name: "expectedVersion the connection moved past: refused, nothing written",
    records: () => [storedRecord({ version: 8 })],
    command: () => command({ expectedVersion: 7 }),
    expect: refused(ERRORS.VERSION_MISMATCH, "VERSION_MISMATCH"),
  },
  {
    name: "expectedVersion on another user's connection: not owned, whatever the version",
    records: () => [storedRecord({ userId: OTHER_USER_ID, version: 3 })],
    command: () => command({ expectedVersion: 3 }),
    expect: refused(ERRORS.NOT_OWNED_BY_USER, "NOT_OWNED_BY_USER"),
  },
  {
    name: "expectedVersion that held at the read, overtaken before the write: read again and refused",
    records: () => [storedRecord()],
    behaviour: () => ({ save: overtakenBy(renamed) }),
    command: () => command({ expectedVersion: 1 }),
    expect: refused(ERRORS.VERSION_MISMATCH, "VERSION_MISMATCH", { calls: ["findById", "save", "findById"], writes: [disconnected(2)] }),
  },
  ...[0, 1.5, -1, "1", true, 2 ** 53].map((expectedVersion) => ({
    name: `expectedVersion ${JSON.stringify(expectedVersion)} is not a version`,
    records: () => [storedRecord()],
    command: () => command({ expectedVersion }),
    expect: invalidCommand("expectedVersion must be a whole number from 1 to 9007199254740991"),
  })),
  { name: "expectedVersion null is no expectation", records: () => [storedRecord()], command: () => command({ expectedVersion: null }), expect: succeeded() },
  ...[0, 1, "", true].map((answer) => ({
    name: `save answering ${JSON.stringify(answer)}: stored (only false is a refusal)`,
    records: () => [storedRecord()],
    behaviour: () => ({ save: () => answer }),
    command: () => command(),
    expect: succeeded(),
  })),
  { name: "no such connection", command: () => command(), expect: refused(ERRORS.CONNECTION_NOT_FOUND, "CONNECTION_NOT_FOUND", { provider: null }) },
  {
    name: "findById answering undefined is no connection",
    records: () => [storedRecord()],
    behaviour: () => ({ findById: () => undefined }),
    command: () => command(),
    expect: refused(ERRORS.CONNECTION_NOT_FOUND, "CONNECTION_NOT_FOUND", { provider: null }),
  },
  { name: "another user's connection", records: () => [storedRecord({ userId: OTHER_USER_ID })], command: () => command(), expect: refused(ERRORS.NOT_OWNED_BY_USER, "NOT_OWNED_BY_USER") },
  {
    name: "findById throws",
    behaviour: () => ({ findById: throwError("db offline") }),
    command: () => command(),
    expect: databaseError("db offline", { provider: null }),
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
    name: "a stored record with an unknown status is a database error",
    records: () => [storedRecord({ status: "paused" })],
    command: () => command(),
    expect: databaseError('invalid stored connection: status: unknown status "paused"', { provider: null }),
  },
  {
    name: "a stored active record without credentials is a database error",
    records: () => [storedRecord({ credentials: null })],
    command: () => command(),
    expect: databaseError("invalid stored connection: ACTIVE connection must have credentials", { provider: null }),
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
    expect: succeeded({ writes: [disconnected(Number.MAX_SAFE_INTEGER)] }),
  },
  {
    name: "a stored record at version Number.MAX_SAFE_INTEGER: its next version is past what a JS number holds, refused before the store sees it",
    records: () => [storedRecord({ version: Number.MAX_SAFE_INTEGER })],
    command: () => command(),
    expect: databaseError("version 9007199254740992 is past Number.MAX_SAFE_INTEGER"),
  },
  {
    name: "the same with a committing repository: nothing committed",
    records: () => [storedRecord({ version: Number.MAX_SAFE_INTEGER })],
    commitTo: "own bus",
    command: () => command(),
    expect: databaseError("version 9007199254740992 is past Number.MAX_SAFE_INTEGER"),
  },
  {
    name: "save rejects: a database error after the find",
    records: () => [storedRecord()],
    behaviour: () => ({ save: rejectWith(new Error("disk full")) }),
    command: () => command(),
    expect: databaseError("disk full", { calls: ["findById", "save"], writes: [disconnected(2)] }),
  },
  {
    name: "publish throws: the result is unchanged and every event still goes out",
    records: () => [storedRecord()],
    behaviour: () => ({ publish: throwError("bus down") }),
    command: () => command(),
    expect: succeeded({ busErrors: ["bus down", "bus down"] }),
  },

  {
    name: "save answering false, and the connection renamed meanwhile: read again, and its next version disconnected",
    records: () => [storedRecord()],
    behaviour: () => ({ save: overtakenBy(renamed) }),
    command: () => command(),
    expect: succeeded({ calls: ["findById", "save", "findById", "save"], writes: [disconnected(2), () => disconnected(6)(RENAMED())] }),
  },
  {
    name: "save answering false three times: the fourth write is stored",
    records: () => [storedRecord()],
    behaviour: () => ({ save: overtakenBy(() => {}, 3) }),
    command: () => command(),
    expect: succeeded({ calls: CONFLICT_CALLS, writes: Array(4).fill(disconnected(2)) }),
  },
  {
    name: "save answering false every time: a conflict after four writes",
    records: () => [storedRecord()],
    behaviour: () => ({ save: () => false }),
    command: () => command(),
    expect: refused(ERRORS.CONFLICT, "CONFLICT", { calls: CONFLICT_CALLS, writes: Array(4).fill(disconnected(2)) }),
  },
  {
    name: "save resolving false every time: the same",
    records: () => [storedRecord()],
    behaviour: () => ({ save: () => Promise.resolve(false) }),
    command: () => command(),
    expect: refused(ERRORS.CONFLICT, "CONFLICT", { calls: CONFLICT_CALLS, writes: Array(4).fill(disconnected(2)) }),
  },
  {
    name: "save answering false, the connection deleted meanwhile: not found on the second read",
    records: () => [storedRecord()],
    behaviour: () => ({ save: overtakenBy(deleted) }),
    command: () => command(),
    expect: refused(ERRORS.CONNECTION_NOT_FOUND, "CONNECTION_NOT_FOUND", { calls: ["findById", "save", "findById"], writes: [disconnected(2)] }),
  },
  {
    name: "save answering false, the connection given to another user meanwhile: not owned on the second read",
    records: () => [storedRecord()],
    behaviour: () => ({ save: overtakenBy((store) => void (store[0] = storedRecord({ userId: OTHER_USER_ID, version: 2 }))) }),
    command: () => command(),
    expect: refused(ERRORS.NOT_OWNED_BY_USER, "NOT_OWNED_BY_USER", { calls: ["findById", "save", "findById"], writes: [disconnected(2)] }),
  },
  {
    name: "save answering false, then the second read rejects: a database error",
    records: () => [storedRecord()],
    behaviour: () => {
      let reads = 0;
      return { save: () => false, findById: (id, store, proceed) => (reads++ === 0 ? proceed() : Promise.reject(new Error("replica gone"))) };
    },
    command: () => command(),
    expect: databaseError("replica gone", { calls: ["findById", "save", "findById"], writes: [disconnected(2)] }),
  },

  { name: "a repository whose eventBus is the handler's bus commits the record with Succeeded", records: () => [storedRecord()], commitTo: "own bus", command: () => command(), expect: committed() },
  { name: "a repository with commit but another bus: save, then publish", records: () => [storedRecord()], commitTo: "another bus", command: () => command(), expect: succeeded() },
  {
    name: "commit rejects: a database error, Failed published",
    records: () => [storedRecord()],
    commitTo: "own bus",
    behaviour: () => ({ commit: rejectWith(new Error("transaction aborted")) }),
    command: () => command(),
    expect: databaseError("transaction aborted", { calls: ["findById", "commit"], committed: [["Succeeded"]], writes: [disconnected(2)] }),
  },
  {
    name: "commit does not settle within timeoutMs",
    records: () => [storedRecord()],
    commitTo: "own bus",
    behaviour: () => ({ commit: never }),
    options: { timeoutMs: 25 },
    command: () => command(),
    expect: databaseError("commit timed out after 25 ms", { calls: ["findById", "commit"], committed: [["Succeeded"]], writes: [disconnected(2)] }),
  },
  {
    name: "commit answering false, the connection renamed meanwhile: read again, committed with a new Succeeded",
    records: () => [storedRecord()],
    commitTo: "own bus",
    behaviour: () => ({ commit: overtakenBy(renamed) }),
    command: () => command(),
    expect: committed({ calls: ["findById", "commit", "findById", "commit"], committed: [["Succeeded"], ["Succeeded"]], writes: [disconnected(2), () => disconnected(6)(RENAMED())] }),
  },
  {
    name: "commit answering false every time: a conflict after four commits, Failed published",
    records: () => [storedRecord()],
    commitTo: "own bus",
    behaviour: () => ({ commit: () => false }),
    command: () => command(),
    expect: refused(ERRORS.CONFLICT, "CONFLICT", {
      calls: CONFLICT_CALLS.map((method) => (method === "save" ? "commit" : method)),
      committed: Array(4).fill(["Succeeded"]),
      writes: Array(4).fill(disconnected(2)),
    }),
  },
  {
    name: "a refused command with a committing repository commits nothing",
    records: () => [storedRecord({ userId: OTHER_USER_ID })],
    commitTo: "own bus",
    command: () => command(),
    expect: refused(ERRORS.NOT_OWNED_BY_USER, "NOT_OWNED_BY_USER"),
  },
  ...[
    ["command null", () => null, "command must be an object"],
    ["command an array", () => [], "command must be an object"],
    ["userId missing", () => command({ userId: undefined }), "userId must be a UUID string"],
    ["userId not a UUID", () => command({ userId: "user-1" }), "userId must be a UUID string"],
    ["connectionId missing", () => command({ connectionId: undefined }), "connectionId must be a UUID string"],
    ["connectionId a number", () => command({ connectionId: 1 }), "connectionId must be a UUID string"],
  ].map(([name, make, why]) => ({ name, command: make, expect: invalidCommand(why) })),
];

export const disconnectProviderTable = {
  handler: "DisconnectProviderHandler",
  cases,
  run: (Handler, contractCase) => runLifecycleCase(Handler, "ProviderDisconnection", contractCase),
};
