// Repositories and buses that misbehave in every way JavaScript allows: handle() settles as the
// contract says, abandoned calls leave no memory behind, and the one timer holds a process only
// while a call waits.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ConnectProviderHandler, wasmMemoryBytes } from "connect-provider";
import { command, ERRORS } from "./contract/fixtures.mjs";
import { outcomeOf } from "./support/outcome.mjs";

const outcome = (behaviour, options, commitTo) => outcomeOf(ConnectProviderHandler, command(), { behaviour, options, commitTo });
const SUCCEEDED = [["ProviderConnectionAttempted"], ["ProviderConnectionSucceeded"]];
const databaseError = (why) => {
  const error = `${ERRORS.DATABASE_ERROR}: ${why}`;
  return { result: { ok: false, error, code: "DATABASE_ERROR" }, events: [["ProviderConnectionAttempted"], ["ProviderConnectionFailed", error]] };
};
const CONFLICT = {
  result: { ok: false, error: ERRORS.CONFLICT, code: "CONFLICT" },
  events: [["ProviderConnectionAttempted"], ["ProviderConnectionFailed", ERRORS.CONFLICT]],
};
const hostileError = () => {
  const error = {};
  Object.defineProperty(error, "message", { get() { throw new Error("message getter"); } });
  return error;
};

const saveFaults = [
  ["rejects with an object whose message getter throws", () => Promise.reject(hostileError()), "[object Object]"],
  [
    "rejects with an object whose message getter and toString both throw",
    () => Promise.reject(Object.assign(hostileError(), { toString() { throw new Error("toString"); } })),
    "unknown error",
  ],
  ["rejects with a Symbol", () => Promise.reject(Symbol("nope")), "Symbol(nope)"],
  ["rejects with null", () => Promise.reject(null), "null"],
  ["throws a string synchronously", () => { throw "sync string"; }, "sync string"],
  ["returns a thenable whose then getter throws", () => ({ get then() { throw new Error("then getter"); } }), "then getter"],
  ["returns a thenable that rejects, then resolves", () => ({ then(resolve, reject) { reject(new Error("first")); resolve(); } }), "first"],
];

for (const [name, save, why] of saveFaults) {
  test(`save ${name}`, async () => {
    const { result, events, saveCalls } = await outcome({ save });
    assert.deepEqual({ result, events }, databaseError(why));
    assert.equal(saveCalls, 1);
  });
}

test("save returning a thenable that resolves, then rejects, counts as saved", async () => {
  const { result, events } = await outcome({ save: () => ({ then(resolve, reject) { resolve(); reject(new Error("late")); } }) });
  assert.equal(result.ok, true);
  assert.deepEqual(events, SUCCEEDED);
});

test("save resolving with a rejected-looking value still counts as saved", async () => {
  const { result } = await outcome({ save: () => Promise.resolve(new Error("just a value")) });
  assert.equal(result.ok, true);
});

test("save returning a thenable that resolves false, then rejects, is a refusal of a stale write", async () => {
  const { result, events, saveCalls } = await outcome({ save: () => ({ then(resolve, reject) { resolve(false); reject(new Error("late")); } }) });
  assert.deepEqual({ result, events }, CONFLICT);
  assert.equal(saveCalls, 1);
});

test("save resolving a Boolean object or the string \"false\" is stored: only false itself is a refusal", async () => {
  for (const answer of [Object(false), "false", [false], { ok: false }]) {
    const { result, events } = await outcome({ save: () => Promise.resolve(answer) });
    assert.equal(result.ok, true, String(answer));
    assert.deepEqual(events, SUCCEEDED);
  }
});

for (const [name, faces] of [
  ["an eventBus getter that throws", { commit() {}, get eventBus() { throw new Error("getter says no"); } }],
  ["a commit getter that throws", { get commit() { throw new Error("getter says no"); } }],
  ["a commit that is not a function", { commit: "yes" }],
]) {
  test(`a repository with ${name} is saved to, then published`, async () => {
    const events = [];
    const writes = [];
    const bus = { publish: (event) => void events.push(event.eventType) };
    const repository = Object.defineProperties({ save: () => void writes.push("save") }, Object.getOwnPropertyDescriptors(faces));
    if (!Object.hasOwn(faces, "eventBus")) repository.eventBus = bus;
    const result = await new ConnectProviderHandler(repository, bus).handle(command());
    assert.equal(result.ok, true);
    assert.deepEqual(writes, ["save"]);
    assert.deepEqual(events, ["ProviderConnectionAttempted", "ProviderConnectionSucceeded"]);
  });
}

test("whether to commit is settled when the handler is made: an eventBus set later is not the bus", async () => {
  const bus = { publish() {} };
  const writes = [];
  const repository = { save: () => void writes.push("save"), commit: () => void writes.push("commit") };
  const handler = new ConnectProviderHandler(repository, bus);
  repository.eventBus = bus;
  assert.equal((await handler.handle(command())).ok, true);
  assert.deepEqual(writes, ["save"]);
});

test("commit deleted from a committing repository between calls is a database error, not a crash", async () => {
  const bus = { publish() {} };
  const repository = { save() {}, commit() {}, eventBus: bus };
  const handler = new ConnectProviderHandler(repository, bus);
  assert.equal((await handler.handle(command())).ok, true);
  delete repository.commit;
  const result = await handler.handle(command());
  assert.deepEqual(Object.keys(result), ["ok", "error", "code"]);
  assert.equal(result.code, "DATABASE_ERROR");
  assert.match(result.error, /^Database error occurred: .*commit is not a function$/);
});

for (const [name, commit, why] of saveFaults.slice(0, 4)) {
  test(`commit ${name}: a database error, Failed published`, async () => {
    const { result, events, writes } = await outcome({ commit }, undefined, "own bus");
    assert.deepEqual({ result, events }, databaseError(why));
    assert.deepEqual(writes, ["commit"]);
  });
}

const publishFaults = [
  ["throws a string", () => { throw "bus string"; }, "bus string"],
  ["rejects with undefined", () => Promise.reject(undefined), "undefined"],
  ["rejects with an object whose message getter throws", () => Promise.reject(hostileError()), "<unreadable message>"],
  ["returns a thenable that never calls back", () => ({ then() {} }), "publish timed out after 20 ms"],
];

for (const [name, publish, why] of publishFaults) {
  test(`publish ${name}: the command goes on and both failures are reported`, async () => {
    const { result, events, busErrors } = await outcome({ publish }, { timeoutMs: 20 });
    assert.equal(result.ok, true);
    assert.deepEqual(events, SUCCEEDED);
    assert.equal(busErrors.length, 2);
    assert.deepEqual(busErrors, [why, why], "each failure reported as itself");
  });
}

test("publish deleted from the bus between calls is a bus failure, not a crash", async () => {
  const bus = { publish() {} };
  const errors = [];
  const handler = new ConnectProviderHandler({ save() {} }, bus, { onEventBusError: (error) => errors.push(error.message) });
  assert.equal((await handler.handle(command())).ok, true);
  delete bus.publish;
  assert.equal((await handler.handle(command())).ok, true);
  assert.equal(errors.length, 2);
  assert.match(errors[0], /publish is not a function/);
});

test("timed-out and abandoned adapter calls leave no growing memory behind", async () => {
  const handler = new ConnectProviderHandler({ save: () => new Promise(() => {}) }, { publish: () => new Promise(() => {}) }, {
    timeoutMs: 1,
    onEventBusError() {},
  });
  const round = () => Promise.all(Array.from({ length: 200 }, () => handler.handle(command())));
  for (let i = 0; i < 3; i++) await round();
  const warm = wasmMemoryBytes();
  for (let i = 0; i < 10; i++) {
    const results = await round();
    assert.ok(results.every((r) => r.error === `${ERRORS.DATABASE_ERROR}: save timed out after 1 ms` && r.code === "DATABASE_ERROR"));
  }
  assert.equal(wasmMemoryBytes(), warm);
});

test("an adapter that calls handle() again from inside publish (re-entrancy) gets its answer too", async () => {
  const inner = [];
  let handler;
  const bus = {
    publish(event) {
      if (event.providerSlug === "outer" && event.eventType === "ProviderConnectionAttempted") {
        inner.push(handler.handle(command({ providerSlug: "inner" })));
      }
    },
  };
  handler = new ConnectProviderHandler({ save() {} }, bus);
  const outer = await handler.handle(command({ providerSlug: "outer" }));
  const [nested] = await Promise.all(inner);
  assert.equal(outer.ok, true);
  assert.equal(nested.ok, true);
  assert.notEqual(outer.value, nested.value);
});

// The one timer, in a process of its own (the test runner would hold this one open): while a call
// waits, it keeps the process alive until the call's deadline, including when it was armed, and
// let go, by an earlier command; once nothing waits, it no longer does.
const root = fileURLToPath(new URL("../../", import.meta.url));
const runAlone = (script) =>
  execFileSync(process.execPath, ["--input-type=module", "-e", `import { ConnectProviderHandler } from "connect-provider";\n${script}`], {
    cwd: root,
    encoding: "utf8",
    timeout: 20_000,
  }).trim();
const COMMAND = JSON.stringify(command());
const commandOf = `({ ...${COMMAND}, credentials: { ...${COMMAND}.credentials, encryptedData: new Uint8Array([1, 2, 3]) } })`;

test("a call that never settles keeps the process alive until its deadline, and the command answers", () => {
  const out = runAlone(`
    const handler = new ConnectProviderHandler({ save: () => new Promise(() => {}) }, { publish() {} }, { timeoutMs: 300 });
    console.log(JSON.stringify(await handler.handle(${commandOf})));`);
  assert.deepEqual(JSON.parse(out), { ok: false, error: `${ERRORS.DATABASE_ERROR}: save timed out after 300 ms`, code: "DATABASE_ERROR" });
});

test("after commands whose calls settled, the timer they armed holds the process for the next call that waits", () => {
  const out = runAlone(`
    let hang = false;
    const handler = new ConnectProviderHandler({ save: () => (hang ? new Promise(() => {}) : Promise.resolve()) }, { publish: async () => {} }, { timeoutMs: 400 });
    const first = await handler.handle(${commandOf});
    await new Promise((resolve) => setTimeout(resolve, 100));
    hang = true;
    const second = await handler.handle(${commandOf});
    console.log(JSON.stringify([first.ok, second]));`);
  assert.deepEqual(JSON.parse(out), [true, { ok: false, error: `${ERRORS.DATABASE_ERROR}: save timed out after 400 ms`, code: "DATABASE_ERROR" }]);
});

test("once nothing waits, the timer does not keep the process alive until the deadline", () => {
  const started = Date.now();
  const out = runAlone(`
    const handler = new ConnectProviderHandler({ save: async () => {} }, { publish: async () => {} }, { timeoutMs: 600_000 });
    const results = [];
    for (let i = 0; i < 3; i++) results.push((await handler.handle(${commandOf})).ok);
    console.log(JSON.stringify(results));`);
  assert.deepEqual(JSON.parse(out), [true, true, true]);
  assert.ok(Date.now() - started < 20_000, "the process exited long before the ten-minute deadline");
});
