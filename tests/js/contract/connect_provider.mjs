// ConnectProvider's contract as one table of cases, shared by every runtime's test suite. Each
// case names a command, how the caller's adapters behave, and the exact outcome: the result,
// the events in order (on the bus, and in a commit), what reached `save` or `commit`.
import { expectEqual, expectTrue } from "./expect.mjs";
import { command, credentials, ERRORS, ISO, PROVIDER_ID, RECORD_KEYS, UUID_V7 } from "./fixtures.mjs";

/** A UUID v7 of the caller's making, for a connect made offline. */
const CHOSEN_ID = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6d";
import { never, recordingPorts, rejectWith, throwError } from "./ports.mjs";

const ok = (extra = {}) => ({ ok: true, events: ["Attempted", "Succeeded"], writes: ["save"], ...extra });
const refused = (error, code, extra = {}) => ({ ok: false, error, code, events: ["Attempted", "Failed"], writes: [], ...extra });
const invalidCommand = (why) => ({ ok: false, error: `${ERRORS.INVALID_COMMAND}: ${why}`, code: "INVALID_COMMAND", events: [], writes: [] });
const databaseError = (why, extra = {}) => refused(`${ERRORS.DATABASE_ERROR}: ${why}`, "DATABASE_ERROR", { writes: ["save"], ...extra });
/** A new connection's id is new: a store that refuses it as stale holds that id already, so Connect does not try again. */
const conflict = (extra = {}) => refused(ERRORS.CONFLICT, "CONFLICT", { writes: ["save"], ...extra });
/** The handler commits the connection with Succeeded; the bus sees Attempted only. */
const committed = (extra = {}) => ok({ events: ["Attempted"], writes: ["commit"], committed: ["Succeeded"], ...extra });

/** @type {{ name: string, command: () => unknown, behaviour?: () => object, commitTo?: import("./ports.mjs").CommitTo, options?: object, expect: object }[]} */
const cases = [
  { name: "valid command", command: () => command(), expect: ok() },
  { name: "valid command with alias", command: () => command({ alias: "Retirement" }), expect: ok() },
  { name: "alias null is no alias", command: () => command({ alias: null }), expect: ok() },
  ...["api_key", "link_token", "certificate", "file_import", "custom"].map((credentialType) => ({
    name: `${credentialType} credentials`,
    command: () => command({ credentials: credentials({ credentialType }) }),
    expect: ok(),
  })),
  {
    name: "expiresAt with an offset is saved in UTC",
    command: () => command({ credentials: credentials({ expiresAt: "2027-01-01T02:30:00.250+02:00" }) }),
    expect: ok({ expiresAt: "2027-01-01T00:30:00.250Z" }),
  },
  {
    name: "expiresAt a Date is saved as its instant",
    command: () => command({ credentials: credentials({ expiresAt: new Date("2027-01-01T02:30:00.250+02:00") }) }),
    expect: ok({ expiresAt: "2027-01-01T00:30:00.250Z" }),
  },
  {
    name: "upper-case ids are accepted and written lower-case",
    command: () => command({ providerId: PROVIDER_ID.toUpperCase() }),
    expect: ok(),
  },
  { name: "50 code points of astral characters are a valid slug", command: () => command({ providerSlug: "😀".repeat(50) }), expect: ok() },
  { name: "alias of exactly 100 characters", command: () => command({ alias: "a".repeat(100) }), expect: ok() },
  { name: "save returning a plain value", command: () => command(), behaviour: () => ({ save: () => 42 }), expect: ok() },
  {
    name: "save returning a thenable",
    command: () => command(),
    behaviour: () => ({ save: () => ({ then: (resolve) => resolve("done") }) }),
    expect: ok(),
  },
  ...[
    ["0", 0],
    ["null", null],
    ["an empty string", ""],
    ["true", true],
    ["a promise of undefined", Promise.resolve()],
  ].map(([name, answer]) => ({
    name: `save answering ${name}: stored (only false is a refusal)`,
    command: () => command(),
    behaviour: () => ({ save: () => answer }),
    expect: ok(),
  })),
  { name: "save answering false: the id is taken, a conflict at once", command: () => command(), behaviour: () => ({ save: () => false }), expect: conflict() },
  { name: "save resolving false: the same", command: () => command(), behaviour: () => ({ save: () => Promise.resolve(false) }), expect: conflict() },
  {
    name: "a thenable resolving false: the same",
    command: () => command(),
    behaviour: () => ({ save: () => ({ then: (resolve) => resolve(false) }) }),
    expect: conflict(),
  },
  { name: "a conflict is published as Failed even when publish fails", command: () => command(), behaviour: () => ({ save: () => false, publish: throwError("bus down") }), expect: conflict({ busErrors: ["bus down", "bus down"] }) },

  { name: "a repository whose eventBus is the handler's bus commits the connection with Succeeded", command: () => command(), commitTo: "own bus", expect: committed() },
  {
    name: "a committing repository with an alias and an offset expiry",
    command: () => command({ alias: "Retirement", credentials: credentials({ expiresAt: "2027-01-01T02:30:00.250+02:00" }) }),
    commitTo: "own bus",
    expect: committed({ expiresAt: "2027-01-01T00:30:00.250Z" }),
  },
  { name: "a repository with commit but another bus: save, then publish", command: () => command(), commitTo: "another bus", expect: ok() },
  {
    name: "commit rejects: a database error, Failed published",
    command: () => command(),
    commitTo: "own bus",
    behaviour: () => ({ commit: rejectWith(new Error("transaction aborted")) }),
    expect: databaseError("transaction aborted", { writes: ["commit"], committed: ["Succeeded"] }),
  },
  {
    name: "commit throws: the same",
    command: () => command(),
    commitTo: "own bus",
    behaviour: () => ({ commit: throwError("no connection") }),
    expect: databaseError("no connection", { writes: ["commit"], committed: ["Succeeded"] }),
  },
  {
    name: "commit answering false: a conflict at once",
    command: () => command(),
    commitTo: "own bus",
    behaviour: () => ({ commit: () => false }),
    expect: conflict({ writes: ["commit"], committed: ["Succeeded"] }),
  },
  {
    name: "commit does not settle within timeoutMs",
    command: () => command(),
    commitTo: "own bus",
    behaviour: () => ({ commit: never }),
    options: { timeoutMs: 25 },
    expect: databaseError("commit timed out after 25 ms", { writes: ["commit"], committed: ["Succeeded"] }),
  },
  {
    name: "a refused command with a committing repository commits nothing",
    command: () => command({ providerSlug: "" }),
    commitTo: "own bus",
    expect: refused(ERRORS.INVALID_PROVIDER_SLUG, "INVALID_PROVIDER_SLUG"),
  },

  ...[
    ["command null", null, "command must be an object"],
    ["command undefined", undefined, "command must be an object"],
    ["command a number", 42, "command must be an object"],
    ["command a string", "connect", "command must be an object"],
    ["command an array", [], "command must be an object"],
  ].map(([name, value, why]) => ({ name, command: () => value, expect: invalidCommand(why) })),
  ...[
    ["userId missing", { userId: undefined }, "userId must be a UUID string"],
    ["userId not a UUID", { userId: "user-1" }, "userId must be a UUID string"],
    ["userId a number", { userId: 7 }, "userId must be a UUID string"],
    ["userId without hyphens", { userId: "0190f5b23c4d7e8f9a0b1c2d3e4f5a6b" }, "userId must be a UUID string"],
    ["providerId not a UUID", { providerId: "schwab" }, "providerId must be a UUID string"],
    ["providerSlug not a string", { providerSlug: 12 }, "providerSlug must be a string"],
    ["providerSlug missing", { providerSlug: undefined }, "providerSlug must be a string"],
    ["alias a number", { alias: 5 }, "alias must be a string or null"],
    ["alias an object", { alias: { name: "x" } }, "alias must be a string or null"],
    ["connectionId a number", { connectionId: 7 }, "connectionId must be a UUID string"],
    ["connectionId not a UUID", { connectionId: "my-connection" }, "connectionId must be a UUID string"],
    ["connectionId without hyphens", { connectionId: "0190f5b23c4d7e8f9a0b1c2d3e4f5a6d" }, "connectionId must be a UUID string"],
  ].map(([name, overrides, why]) => ({ name, command: () => command(overrides), expect: invalidCommand(why) })),

  { name: "credentials null", command: () => command({ credentials: null }), expect: refused(ERRORS.INVALID_CREDENTIALS, "INVALID_CREDENTIALS") },
  { name: "credentials absent", command: () => command({ credentials: undefined }), expect: refused(ERRORS.INVALID_CREDENTIALS, "INVALID_CREDENTIALS") },
  ...[
    ["credentials not an object", "secret"],
    ["credentials an array", [1, 2, 3]],
    ["encryptedData missing", credentials({ encryptedData: undefined })],
    ["encryptedData empty", credentials({ encryptedData: new Uint8Array(0) })],
    ["encryptedData an array of numbers", credentials({ encryptedData: [1, 2, 3] })],
    ["encryptedData a string", credentials({ encryptedData: "c2VjcmV0" })],
    ["encryptedData an ArrayBuffer", credentials({ encryptedData: new ArrayBuffer(4) })],
    ["credentialType unknown", credentials({ credentialType: "password" })],
    ["credentialType missing", credentials({ credentialType: undefined })],
    ["expiresAt not a timestamp", credentials({ expiresAt: "tomorrow" })],
    ["expiresAt without an offset", credentials({ expiresAt: "2027-01-01T00:00:00" })],
    ["expiresAt a number", credentials({ expiresAt: 1798761600000 })],
    ["expiresAt an invalid Date", credentials({ expiresAt: new Date(Number.NaN) })],
    ["expiresAt a Proxy of a Date", credentials({ expiresAt: new Proxy(new Date("2027-01-01T00:00:00Z"), {}) })],
    ["expiresAt a Date past RFC 3339's years", credentials({ expiresAt: new Date(8.64e15) })],
    ["expiresAt an object with toISOString", credentials({ expiresAt: { toISOString: () => "2027-01-01T00:00:00.000Z" } })],
  ].map(([name, value]) => ({
    name: `malformed credentials: ${name}`,
    command: () => command({ credentials: value }),
    expect: refused(ERRORS.INVALID_CREDENTIALS, "INVALID_CREDENTIALS"),
  })),

  { name: "slug empty", command: () => command({ providerSlug: "" }), expect: refused(ERRORS.INVALID_PROVIDER_SLUG, "INVALID_PROVIDER_SLUG") },
  { name: "slug of 51 characters", command: () => command({ providerSlug: "s".repeat(51) }), expect: refused(ERRORS.INVALID_PROVIDER_SLUG, "INVALID_PROVIDER_SLUG") },
  {
    name: "slug of 51 code points of astral characters",
    command: () => command({ providerSlug: "😀".repeat(51) }),
    expect: refused(ERRORS.INVALID_PROVIDER_SLUG, "INVALID_PROVIDER_SLUG"),
  },
  { name: "alias of 101 characters", command: () => command({ alias: "a".repeat(101) }), expect: refused(ERRORS.INVALID_ALIAS, "INVALID_ALIAS") },
  {
    name: "slug of 1,025 characters: its own error and events, which carry the whole slug",
    command: () => command({ providerSlug: "s".repeat(1025) }),
    expect: refused(ERRORS.INVALID_PROVIDER_SLUG, "INVALID_PROVIDER_SLUG"),
  },
  {
    name: "slug of a million astral characters: the same",
    command: () => command({ providerSlug: "😀".repeat(1_000_000) }),
    expect: refused(ERRORS.INVALID_PROVIDER_SLUG, "INVALID_PROVIDER_SLUG"),
  },
  { name: "alias of 5,000 characters", command: () => command({ alias: "a".repeat(5000) }), expect: refused(ERRORS.INVALID_ALIAS, "INVALID_ALIAS") },
  {
    name: "credentials are checked before the slug",
    command: () => command({ credentials: null, providerSlug: "" }),
    expect: refused(ERRORS.INVALID_CREDENTIALS, "INVALID_CREDENTIALS"),
  },
  {
    name: "the slug is checked before the alias",
    command: () => command({ providerSlug: "", alias: "a".repeat(101) }),
    expect: refused(ERRORS.INVALID_PROVIDER_SLUG, "INVALID_PROVIDER_SLUG"),
  },

  { name: "save throws", command: () => command(), behaviour: () => ({ save: throwError("disk full") }), expect: databaseError("disk full") },
  {
    name: "save rejects with an Error",
    command: () => command(),
    behaviour: () => ({ save: rejectWith(new Error("unique constraint failed")) }),
    expect: databaseError("unique constraint failed"),
  },
  { name: "save rejects with a string", command: () => command(), behaviour: () => ({ save: rejectWith("boom") }), expect: databaseError("boom") },
  { name: "save rejects with undefined", command: () => command(), behaviour: () => ({ save: rejectWith(undefined) }), expect: databaseError("undefined") },
  {
    name: "save rejects with an object whose message is not a string",
    command: () => command(),
    behaviour: () => ({ save: rejectWith({ message: 42 }) }),
    expect: databaseError("[object Object]"),
  },
  {
    name: "save does not settle within timeoutMs",
    command: () => command(),
    behaviour: () => ({ save: never }),
    options: { timeoutMs: 25 },
    expect: databaseError("save timed out after 25 ms"),
  },

  { name: "the caller's own connectionId, a UUID v7, is the connection's id", command: () => command({ connectionId: CHOSEN_ID }), expect: ok({ id: CHOSEN_ID }) },
  { name: "an upper-case connectionId is the same id, written lower-case", command: () => command({ connectionId: CHOSEN_ID.toUpperCase() }), expect: ok({ id: CHOSEN_ID }) },
  { name: "connectionId null is none: the handler makes one", command: () => command({ connectionId: null }), expect: ok() },
  { name: "a committing repository commits the caller's id", command: () => command({ connectionId: CHOSEN_ID }), commitTo: "own bus", expect: committed({ id: CHOSEN_ID }) },
  ...[
    ["a UUID v4", "0190f5b2-3c4d-4e8f-9a0b-1c2d3e4f5a6d"],
    ["version 7 in another variant", "0190f5b2-3c4d-7e8f-ca0b-1c2d3e4f5a6d"],
    ["the nil UUID", "00000000-0000-0000-0000-000000000000"],
  ].map(([name, id]) => ({
    name: `connectionId ${name}: refused, nothing saved`,
    command: () => command({ connectionId: id }),
    expect: refused(ERRORS.INVALID_CONNECTION_ID, "INVALID_CONNECTION_ID"),
  })),
  { name: "credentials are checked before the connectionId", command: () => command({ credentials: null, connectionId: "0190f5b2-3c4d-4e8f-9a0b-1c2d3e4f5a6d" }), expect: refused(ERRORS.INVALID_CREDENTIALS, "INVALID_CREDENTIALS") },
  { name: "the connectionId is checked before the slug", command: () => command({ providerSlug: "", connectionId: "0190f5b2-3c4d-4e8f-9a0b-1c2d3e4f5a6d" }), expect: refused(ERRORS.INVALID_CONNECTION_ID, "INVALID_CONNECTION_ID") },
  {
    name: "a connectionId another connection has (save answers false): taken, not tried again",
    command: () => command({ connectionId: CHOSEN_ID }),
    behaviour: () => ({ save: () => false }),
    expect: refused(ERRORS.CONNECTION_ID_TAKEN, "CONNECTION_ID_TAKEN", { writes: ["save"] }),
  },
  {
    name: "the same, through commit",
    command: () => command({ connectionId: CHOSEN_ID }),
    commitTo: "own bus",
    behaviour: () => ({ commit: () => false }),
    expect: refused(ERRORS.CONNECTION_ID_TAKEN, "CONNECTION_ID_TAKEN", { writes: ["commit"], committed: ["Succeeded"] }),
  },

  {
    name: "publish throws: the result is unchanged and every event still goes out",
    command: () => command(),
    behaviour: () => ({ publish: throwError("bus down") }),
    expect: ok({ busErrors: ["bus down", "bus down"] }),
  },
  {
    name: "publish rejects on a refused command: the result is unchanged",
    command: () => command({ providerSlug: "" }),
    behaviour: () => ({ publish: rejectWith(new Error("queue full")) }),
    expect: refused(ERRORS.INVALID_PROVIDER_SLUG, "INVALID_PROVIDER_SLUG", { busErrors: ["queue full", "queue full"] }),
  },
  {
    name: "publish does not settle within timeoutMs: a bus failure, and the command goes on",
    command: () => command(),
    behaviour: () => ({ publish: never }),
    options: { timeoutMs: 25 },
    expect: ok({ busErrors: ["publish timed out after 25 ms", "publish timed out after 25 ms"] }),
  },
];

const EVENT_KEYS = {
  ProviderConnectionAttempted: [],
  ProviderConnectionSucceeded: ["connectionId"],
  ProviderConnectionFailed: ["reason"],
};

/** Runs one case against a `ConnectProviderHandler` class; throws on the first mismatch. */
async function run(ConnectProviderHandler, contractCase) {
  const ports = recordingPorts(contractCase.behaviour?.(), { commitTo: contractCase.commitTo });
  const options = { onEventBusError: ports.onEventBusError, ...contractCase.options };
  const handler = new ConnectProviderHandler(ports.repository, ports.eventBus, options);
  const sent = contractCase.command();
  const result = await handler.handle(sent);
  handler.free();
  const expected = contractCase.expect;

  if (expected.ok) {
    expectEqual(Object.keys(result), ["ok", "value"], "result keys");
    expectEqual(result.ok, true, "result.ok");
    expectTrue(UUID_V7.test(result.value), `result.value is a lower-case UUID v7: ${result.value}`);
    if (expected.id) expectEqual(result.value, expected.id, "result.value is the caller's connectionId");
  } else {
    expectEqual(Object.keys(result), ["ok", "error", "code"], "result keys");
    expectEqual(result, { ok: false, error: expected.error, code: expected.code }, "result");
  }

  const types = (kinds) => kinds.map((kind) => `ProviderConnection${kind}`);
  expectEqual(ports.events.map((event) => event.eventType), types(expected.events), "event types published in order");
  expectEqual(ports.writes.map(([method]) => method), expected.writes, "repository writes in order");
  const commits = ports.writes.flatMap(([method, , events]) => (method === "commit" ? [events] : []));
  for (const events of commits) expectTrue(Array.isArray(events), "commit receives an array of events");
  expectEqual(
    commits.map((events) => events.map((event) => event.eventType)),
    commits.length ? [types(expected.committed)] : [],
    "events committed with the connection",
  );
  const connectionId = expected.ok ? result.value : ports.writes[0]?.[1].id;
  ports.sequence.forEach((event, i) => checkEvent(event, sent, result, connectionId, `event ${i}`));
  const eventIds = ports.sequence.map((event) => event.eventId);
  expectEqual([...eventIds].sort(), eventIds, "event ids sort in the order the events went out");

  for (const [method, record] of ports.writes) checkSaved(record, sent, connectionId, expected, method);
  if (ports.writes.length) expectTrue(ports.sequence[0].occurredAt <= ports.writes[0][1].createdAt, "the connection is made after Attempted");
  expectEqual(ports.busErrors.map(({ error }) => error?.message ?? String(error)), expected.busErrors ?? [], "event bus errors");
  for (const { event } of ports.busErrors) expectTrue(ports.events.includes(event), "a bus error names the event that failed");
}

function checkEvent(event, sent, result, connectionId, label) {
  expectTrue(UUID_V7.test(event.eventId), `${label}: eventId is a UUID v7`);
  expectTrue(ISO.test(event.occurredAt), `${label}: occurredAt is an ISO timestamp`);
  const extra = {};
  if (event.eventType === "ProviderConnectionSucceeded") extra.connectionId = connectionId;
  if (event.eventType === "ProviderConnectionFailed") extra.reason = result.error;
  expectEqual(Object.keys(extra), EVENT_KEYS[event.eventType], `${label}: type-specific keys`);
  expectEqual(
    event,
    {
      eventType: event.eventType,
      eventId: event.eventId,
      occurredAt: event.occurredAt,
      userId: sent.userId.toLowerCase(),
      providerId: sent.providerId.toLowerCase(),
      providerSlug: sent.providerSlug,
      ...extra,
    },
    `${label}: exact fields, never credentials`,
  );
}

/** What reached `save` or `commit`: the new connection, active, at version 1. */
function checkSaved(record, sent, connectionId, expected, method) {
  expectTrue(UUID_V7.test(record.id), `${method}: the id is a UUID v7`);
  expectTrue(ISO.test(record.createdAt), `${method}: createdAt is an ISO timestamp`);
  expectEqual(new Date(record.createdAt).toISOString(), record.createdAt, `${method}: createdAt is what toISOString writes`);
  expectEqual(Object.keys(record), RECORD_KEYS, `${method}: the record's keys in order`);
  expectEqual(
    record,
    {
      id: connectionId,
      userId: sent.userId.toLowerCase(),
      providerId: sent.providerId.toLowerCase(),
      providerSlug: sent.providerSlug,
      status: "active",
      alias: sent.alias ?? null,
      credentials: {
        encryptedData: sent.credentials.encryptedData,
        credentialType: sent.credentials.credentialType,
        expiresAt: expected.expiresAt ?? null,
      },
      connectedAt: record.createdAt,
      lastSyncAt: null,
      createdAt: record.createdAt,
      updatedAt: record.createdAt,
      version: 1,
    },
    `${method}: the connection`,
  );
}

export const connectProviderTable = { handler: "ConnectProviderHandler", cases, run };
