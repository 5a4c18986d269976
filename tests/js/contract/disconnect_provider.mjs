// DisconnectProvider's contract: one table of cases, run in every runtime.
import { runLifecycleCase } from "./lifecycle_checks.mjs";
import { CONNECTION_ID, LIFECYCLE_ERRORS as ERRORS, OTHER_USER_ID, storedRecord, USER_ID } from "./fixtures.mjs";
import { never, rejectWith, throwError } from "./ports.mjs";

const command = (overrides = {}) => ({ userId: USER_ID, connectionId: CONNECTION_ID, ...overrides });
const disconnected = (record) => ({ ...record, status: "disconnected", credentials: null });
const succeeded = { result: { ok: true, value: null }, events: ["Attempted", "Succeeded"], calls: ["findById", "save"], saved: disconnected };
const refused = (error, extra = {}) => ({ result: { ok: false, error }, events: ["Attempted", "Failed"], calls: ["findById"], ...extra });
const invalidCommand = (why) => ({ result: { ok: false, error: `${ERRORS.INVALID_COMMAND}: ${why}` }, calls: [] });
const databaseError = (why, extra) => refused(`${ERRORS.DATABASE_ERROR}: ${why}`, extra);

const cases = [
  { name: "the owner disconnects an active connection: kept, disconnected, without credentials", records: () => [storedRecord()], command: () => command(), expect: succeeded },
  {
    name: "disconnecting a disconnected connection succeeds again",
    records: () => [storedRecord({ status: "disconnected", credentials: null })],
    command: () => command(),
    expect: succeeded,
  },
  ...["pending", "expired", "revoked", "failed"].map((status) => ({
    name: `a ${status} connection is disconnected too`,
    records: () => [storedRecord({ status })],
    command: () => command(),
    expect: succeeded,
  })),
  {
    name: "an upper-case connection id is the same connection",
    records: () => [storedRecord()],
    command: () => command({ connectionId: CONNECTION_ID.toUpperCase() }),
    expect: succeeded,
  },
  { name: "no such connection", command: () => command(), expect: refused(ERRORS.CONNECTION_NOT_FOUND, { provider: null }) },
  {
    name: "findById answering undefined is no connection",
    records: () => [storedRecord()],
    behaviour: () => ({ findById: () => undefined }),
    command: () => command(),
    expect: refused(ERRORS.CONNECTION_NOT_FOUND, { provider: null }),
  },
  { name: "another user's connection", records: () => [storedRecord({ userId: OTHER_USER_ID })], command: () => command(), expect: refused(ERRORS.NOT_OWNED_BY_USER) },
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
  {
    name: "save rejects: a database error after the find",
    records: () => [storedRecord()],
    behaviour: () => ({ save: rejectWith(new Error("disk full")) }),
    command: () => command(),
    expect: databaseError("disk full", { calls: ["findById", "save"] }),
  },
  {
    name: "publish throws: the result is unchanged and every event still goes out",
    records: () => [storedRecord()],
    behaviour: () => ({ publish: throwError("bus down") }),
    command: () => command(),
    expect: { ...succeeded, busErrors: ["bus down", "bus down"] },
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
