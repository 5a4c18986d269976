// What a Node user of the installed package relies on beyond the contract table.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import * as api from "connect-provider";
import { ConnectProviderError, ConnectProviderHandler, ErrorCode } from "connect-provider";
import { command, ERROR_CODES, ERRORS, LIFECYCLE_ERRORS, UUID_V7 } from "./contract/fixtures.mjs";
import { recordingPorts } from "./contract/ports.mjs";

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("../..", import.meta.url));

test("require() and import give the same module instance", () => {
  const cjs = require("connect-provider");
  assert.equal(cjs.ConnectProviderHandler, ConnectProviderHandler);
  assert.equal(cjs.ConnectProviderError, ConnectProviderError);
  assert.equal(cjs.ErrorCode, ErrorCode);
});

test("ConnectProviderError is frozen and holds the exact strings", () => {
  assert.deepEqual({ ...ConnectProviderError }, ERRORS);
  assert.ok(Object.isFrozen(ConnectProviderError));
});

test("ErrorCode is frozen and holds the ten codes, each its own name, in declaration order", () => {
  assert.deepEqual(Object.entries(ErrorCode), ERROR_CODES.map((code) => [code, code]));
  assert.ok(Object.isFrozen(ErrorCode));
  assert.throws(() => {
    ErrorCode.CONFLICT = "OTHER";
  }, TypeError);
  assert.equal(ErrorCode.NOT_ACTIVE, "NOT_ACTIVE");
});

test("every handler's error strings are frozen and exact; the commands' include CONFLICT", () => {
  const pick = (...keys) => Object.fromEntries(keys.map((key) => [key, LIFECYCLE_ERRORS[key]]));
  const expected = {
    ConnectProviderError: ERRORS,
    DisconnectProviderError: pick("CONNECTION_NOT_FOUND", "NOT_OWNED_BY_USER", "DATABASE_ERROR", "CONFLICT", "VERSION_MISMATCH", "INVALID_COMMAND"),
    RefreshProviderTokensError: pick("CONNECTION_NOT_FOUND", "NOT_OWNED_BY_USER", "INVALID_CREDENTIALS", "NOT_ACTIVE", "DATABASE_ERROR", "CONFLICT", "VERSION_MISMATCH", "INVALID_COMMAND"),
    GetProviderConnectionError: pick("CONNECTION_NOT_FOUND", "NOT_OWNED_BY_USER", "DATABASE_ERROR", "INVALID_COMMAND"),
    ListProviderConnectionsError: pick("DATABASE_ERROR", "INVALID_COMMAND"),
    ListExpiringConnectionsError: pick("DATABASE_ERROR", "INVALID_COMMAND"),
  };
  for (const [name, strings] of Object.entries(expected)) {
    assert.deepEqual({ ...api[name] }, strings, name);
    assert.ok(Object.isFrozen(api[name]), `${name} is frozen`);
  }
  assert.equal(LIFECYCLE_ERRORS.CONFLICT, "Connection was changed by another command; try again");
});

test("the constructor names a missing or wrong method or option in a TypeError", () => {
  const { repository, eventBus } = recordingPorts();
  const cases = [
    [[{}, eventBus], "ConnectProviderHandler: repository.save must be a function"],
    [[null, eventBus], "ConnectProviderHandler: repository.save must be a function"],
    [[{ save: "yes" }, eventBus], "ConnectProviderHandler: repository.save must be a function"],
    [[repository, {}], "ConnectProviderHandler: eventBus.publish must be a function"],
    [[repository, undefined], "ConnectProviderHandler: eventBus.publish must be a function"],
    [[repository, eventBus, 5], "ConnectProviderHandler: options must be an object"],
    [[repository, eventBus, { onEventBusError: "log" }], "ConnectProviderHandler: options.onEventBusError must be a function"],
  ];
  for (const timeoutMs of [0, -1, "10", Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
    cases.push([[repository, eventBus, { timeoutMs }], "ConnectProviderHandler: options.timeoutMs must be a number of milliseconds from 1 to 2147483647"]);
  }
  for (const [args, message] of cases) {
    assert.throws(() => new ConnectProviderHandler(...args), { name: "TypeError", message });
  }
});

test("a class instance with save on its prototype is a repository", async () => {
  class Repository {
    saved = [];
    async save(connection) {
      this.saved.push(connection.id);
    }
  }
  const repository = new Repository();
  const handler = new ConnectProviderHandler(repository, { publish() {} });
  const result = await handler.handle(command());
  assert.deepEqual(repository.saved, [result.value]);
});

test("without onEventBusError a failed publish goes to console.error", async (t) => {
  const logged = t.mock.method(console, "error", () => {});
  const failure = new Error("bus down");
  const handler = new ConnectProviderHandler({ save() {} }, { publish: () => Promise.reject(failure) });
  const result = await handler.handle(command());
  assert.equal(result.ok, true);
  assert.deepEqual(
    logged.mock.calls.map((call) => call.arguments),
    [
      ["connect-provider: event bus publish failed:", failure],
      ["connect-provider: event bus publish failed:", failure],
    ],
  );
});

test("an onEventBusError that throws is reported to console.error and changes nothing", async (t) => {
  const logged = t.mock.method(console, "error", () => {});
  const handler = new ConnectProviderHandler({ save() {} }, { publish: () => Promise.reject(new Error("down")) }, {
    onEventBusError() {
      throw new Error("hook broke");
    },
  });
  const result = await handler.handle(command());
  assert.equal(result.ok, true);
  assert.deepEqual(
    logged.mock.calls.map((call) => call.arguments[0]),
    [
      "connect-provider: event bus publish failed:",
      "connect-provider: onEventBusError threw:",
      "connect-provider: event bus publish failed:",
      "connect-provider: onEventBusError threw:",
    ],
  );
});

test("an async onEventBusError that rejects is reported to console.error, never an unhandled rejection (which ends a Node process)", async (t) => {
  const logged = t.mock.method(console, "error", () => {});
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    const hookFailure = new Error("async hook broke");
    const handler = new ConnectProviderHandler({ save() {} }, { publish: () => Promise.reject(new Error("down")) }, {
      async onEventBusError() {
        throw hookFailure;
      },
    });
    const result = await handler.handle(command());
    assert.equal(result.ok, true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
    assert.deepEqual(
      logged.mock.calls.map((call) => [call.arguments[0], call.arguments[1]?.message]),
      [
        ["connect-provider: event bus publish failed:", "down"],
        ["connect-provider: onEventBusError threw:", "async hook broke"],
        ["connect-provider: event bus publish failed:", "down"],
        ["connect-provider: onEventBusError threw:", "async hook broke"],
      ],
    );
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

test("ids made by one handler are unique and sort in the order they were made", async () => {
  const ports = recordingPorts();
  const handler = new ConnectProviderHandler(ports.repository, ports.eventBus);
  const made = [];
  for (let i = 0; i < 200; i++) {
    const result = await handler.handle(command());
    made.push(...ports.events.splice(0).map((event) => event.eventId));
    made.splice(made.length - 1, 0, result.value);
  }
  assert.equal(made.length, 600);
  assert.ok(made.every((id) => UUID_V7.test(id)));
  assert.equal(new Set(made).size, made.length);
  assert.deepEqual([...made].sort(), made);
});

test("a save method replaced between calls is looked up afresh", async () => {
  const calls = [];
  const repository = { save: () => calls.push("first") };
  const handler = new ConnectProviderHandler(repository, { publish() {} });
  await handler.handle(command());
  repository.save = () => calls.push("second");
  await handler.handle(command());
  delete repository.save;
  const result = await handler.handle(command());
  assert.deepEqual(calls, ["first", "second"]);
  assert.deepEqual(Object.keys(result), ["ok", "error", "code"]);
  assert.equal(result.ok, false);
  assert.equal(result.code, "DATABASE_ERROR");
  assert.match(result.error, /^Database error occurred: .*save is not a function$/);
});

test("commands in flight all resolve, even when free() is called meanwhile", async () => {
  const pending = [];
  const ports = recordingPorts({ save: () => new Promise((resolve) => pending.push(resolve)) });
  const handler = new ConnectProviderHandler(ports.repository, ports.eventBus);
  const results = Array.from({ length: 50 }, () => handler.handle(command()));
  handler.free();
  await new Promise((resolve) => setImmediate(resolve));
  for (const resolve of pending.reverse()) resolve();
  const settled = await Promise.all(results);
  assert.ok(settled.every((result) => result.ok));
  assert.equal(new Set(settled.map((result) => result.value)).size, 50);
  assert.equal(ports.events.length, 100);
});

test("Node resolves import to the node ESM entry and require to the CommonJS one", () => {
  assert.match(import.meta.resolve("connect-provider"), /\/connect-provider\/node\/index\.mjs$/);
  assert.match(require.resolve("connect-provider"), /\/connect-provider\/node\/index\.cjs$/);
});

test("credentialExpiry judges expiry by the domain's rules", async () => {
  const { credentialExpiry } = await import("connect-provider");
  const now = "2026-11-26T12:00:00.000Z";
  assert.equal(credentialExpiry(null, now), "never");
  assert.equal(credentialExpiry("2026-11-26T12:10:00Z", now), "valid");
  assert.equal(credentialExpiry("2026-11-26T12:05:00Z", now), "expiring_soon");
  assert.equal(credentialExpiry("2026-11-26T14:00:00+02:00", now), "expired");
  assert.equal(credentialExpiry("2000-01-01T00:00:00Z"), "expired");
  assert.throws(() => credentialExpiry("soon", now), { name: "TypeError", message: "credentialExpiry: expiresAt must be an RFC 3339 timestamp with an offset" });
  assert.throws(() => credentialExpiry(null, "later"), { name: "TypeError", message: "credentialExpiry: now must be an RFC 3339 timestamp with an offset" });
});

test("Node older than 20.19 or 22.12 is refused at load, naming the versions that work; those that work load", () => {
  const load = (version) => {
    const script = `Object.defineProperty(process, "versions", { value: { ...process.versions, node: "${version}" } });
      Object.defineProperty(process, "version", { value: "v${version}" });
      import("connect-provider").then(() => console.log("loaded"), (error) => console.log(error.message));`;
    return execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" }).trim();
  };
  for (const version of ["19.9.0", "20.18.3", "21.7.3", "22.11.0"]) {
    assert.equal(load(version), `connect-provider needs Node 20.19, 22.12 or later; this is v${version}. It is tested on Node 20, 22 and 24.`);
  }
  for (const version of ["20.19.0", "22.12.0", "23.0.0", "24.22.3"]) assert.equal(load(version), "loaded");
});
