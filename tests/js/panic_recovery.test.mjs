// An internal panic, which only a build with the `test-panic` feature can trigger (a command
// with the slug "__test_panic__"): the call rejects with a clear Error, never hangs, and the
// module recovers so later calls, on old and new handlers, work.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CONNECTION_ID, USER_ID, command, storedRecord } from "./contract/fixtures.mjs";
import { recordingPorts } from "./contract/ports.mjs";

const api = await import(new URL("../../target/pkg-test-panic/node/index.mjs", import.meta.url));
const INTERNAL_ERROR = { name: "Error", message: /^connect-provider: internal error \(panicked at src\/js\/runtime\/panic\.rs:\d+:\d+:\ndeliberate test panic\); the module was restarted$/ };

test("a panic rejects the call that hit it and every call in flight, then the module works again", async () => {
  let releaseSave;
  // The first save waits until released; later ones settle at once.
  const slowPorts = recordingPorts({
    save: () => (releaseSave ? Promise.resolve() : new Promise((resolve) => (releaseSave = resolve))),
  });
  const handler = new api.ConnectProviderHandler(slowPorts.repository, slowPorts.eventBus);
  const waiting = handler.handle(command());
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(slowPorts.saveCalls, 1, "the first call is waiting on save");

  const panicking = handler.handle(command({ providerSlug: "__test_panic__" }));
  await assert.rejects(panicking, INTERNAL_ERROR);
  await assert.rejects(waiting, INTERNAL_ERROR);
  releaseSave();

  const ports = recordingPorts();
  const fresh = new api.ConnectProviderHandler(ports.repository, ports.eventBus);
  const after = await fresh.handle(command());
  assert.equal(after.ok, true);
  assert.deepEqual(ports.events.map((e) => e.eventType), ["ProviderConnectionAttempted", "ProviderConnectionSucceeded"]);

  const again = await handler.handle(command({ providerSlug: "fidelity" }));
  assert.equal(again.ok, true, "a handler made before the panic re-creates itself");
  assert.deepEqual(slowPorts.events.slice(-2).map((e) => [e.eventType, e.providerSlug]), [
    ["ProviderConnectionAttempted", "fidelity"],
    ["ProviderConnectionSucceeded", "fidelity"],
  ]);
  assert.equal(api.credentialExpiry(null), "never");
});

test("repeated panics each reject and each recover", async () => {
  const ports = recordingPorts();
  const handler = new api.ConnectProviderHandler(ports.repository, ports.eventBus);
  for (let i = 0; i < 5; i++) {
    await assert.rejects(handler.handle(command({ providerSlug: "__test_panic__" })), INTERNAL_ERROR);
    assert.equal((await handler.handle(command())).ok, true);
  }
});

test("handle() after free() rejects that call alone, with a TypeError naming the class; a call in flight on another handler gets its own answer, and the freed handler stays freed", async () => {
  let release;
  const slow = new api.GetProviderConnectionHandler({ findById: () => new Promise((resolve) => (release = resolve)) });
  const inFlight = slow.handle({ connectionId: CONNECTION_ID, userId: USER_ID });
  const freed = new api.GetProviderConnectionHandler({ findById: async () => null });
  freed.free();
  freed.free();
  await assert.rejects(freed.handle({ connectionId: CONNECTION_ID, userId: USER_ID }), {
    name: "TypeError",
    message: "connect-provider: GetProviderConnectionHandler.handle() called after free()",
  });
  release(null);
  assert.deepEqual(await inFlight, { ok: false, error: "Connection not found", code: "CONNECTION_NOT_FOUND" });
  await assert.rejects(freed.handle({ connectionId: CONNECTION_ID, userId: USER_ID }), { name: "TypeError" }, "still freed");
});

test("a panic in a command started from another command's adapter rejects every call in flight (the outer one, the panicking one and a query started after it), none with another's answer; then each handler works again", async () => {
  const panicking = new api.ConnectProviderHandler(recordingPorts().repository, recordingPorts().eventBus);
  const getter = new api.GetProviderConnectionHandler({ findById: async () => null });
  /** @type {Promise<unknown>[]} */
  const nested = [];
  const ports = recordingPorts({
    publish: () => {
      if (nested.length === 0) nested.push(panicking.handle(command({ providerSlug: "__test_panic__" })), getter.handle({ connectionId: CONNECTION_ID, userId: USER_ID }));
      return Promise.resolve();
    },
  });
  const outer = new api.ConnectProviderHandler(ports.repository, ports.eventBus);
  const first = outer.handle(command());
  const settled = await Promise.allSettled([first, ...nested]);
  assert.deepEqual(settled.map(({ status }) => status), ["rejected", "rejected", "rejected"]);
  for (const { reason } of /** @type {PromiseRejectedResult[]} */ (settled)) assert.match(reason.message, INTERNAL_ERROR.message);
  assert.deepEqual(await getter.handle({ connectionId: CONNECTION_ID, userId: USER_ID }), { ok: false, error: "Connection not found", code: "CONNECTION_NOT_FOUND" });
  assert.equal((await outer.handle(command({ providerSlug: "fidelity" }))).ok, true);
  assert.equal((await panicking.handle(command({ providerSlug: "vanguard" }))).ok, true);
});

test("a trap that is no panic (an abort, as an allocation that failed makes) rejects the calls in flight and replaces the instance (the memory the old one grew is given back), so the next call works", async () => {
  // Memory grown by a large list, which a fresh instance does not have.
  const many = Array.from({ length: 5_000 }, (_, i) => storedRecord({ id: `0190f5b2-3c4d-7e8f-9a0b-${String(i).padStart(12, "0")}` }));
  const lister = new api.ListProviderConnectionsHandler({ findByUserId: async () => many, findActiveByUser: async () => many });
  assert.equal((await lister.handle({ userId: USER_ID })).value.connections.length, 5_000);
  const grown = api.wasmMemoryBytes();
  let release;
  const slow = new api.GetProviderConnectionHandler({ findById: () => new Promise((resolve) => (release = resolve)) });
  const inFlight = slow.handle({ connectionId: CONNECTION_ID, userId: USER_ID });
  const ports = recordingPorts();
  const handler = new api.ConnectProviderHandler(ports.repository, ports.eventBus);
  await assert.rejects(handler.handle(command({ providerSlug: "__test_abort__" })), { name: "Error", message: "connect-provider: internal error (unreachable); the module was restarted" });
  await assert.rejects(inFlight, { message: "connect-provider: internal error (unreachable); the module was restarted" });
  release(null);
  assert.ok(api.wasmMemoryBytes() < grown, `a fresh instance: ${api.wasmMemoryBytes()} B of memory, the old one ${grown} B`);
  assert.equal((await handler.handle(command({ providerSlug: "fidelity" }))).ok, true);
  assert.deepEqual(await slow.handle({ connectionId: CONNECTION_ID, userId: USER_ID }).then(() => "answered"), "answered");
});

test("credentialExpiry refuses a `now` that is no string by name, copying nothing into wasm (a string-like object of 2^31 units once ran it out of memory)", () => {
  const before = api.wasmMemoryBytes();
  assert.throws(() => api.credentialExpiry(null, { length: 2 ** 31, charCodeAt: () => 65 }), { name: "TypeError", message: "credentialExpiry: now must be an RFC 3339 timestamp with an offset" });
  assert.equal(api.wasmMemoryBytes(), before, "nothing was copied");
  assert.equal(api.credentialExpiry("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"), "expired");
});

test("a trap under a call an adapter makes (handle() with the stack nearly used up) replaces the instance only once the outer call has returned: one restart, whose error every call in flight gets, and the next calls work", async () => {
  const other = new api.GetProviderConnectionHandler({ findById: () => new Promise((resolve) => setTimeout(() => resolve(storedRecord()), 100)) });
  const inFlight = other.handle({ connectionId: CONNECTION_ID, userId: USER_ID });
  const victim = new api.GetProviderConnectionHandler({ findById: async () => null });
  /** @type {Promise<unknown> | undefined} */
  let nested;
  // Down to the stack's end, then a handle() at each frame on the way back up until one is made:
  // the first that gets past its own start overflows inside the call into wasm.
  const deep = () => {
    try {
      deep();
    } catch {}
    if (nested === undefined) {
      try {
        nested = victim.handle({ connectionId: CONNECTION_ID, userId: USER_ID });
      } catch {}
    }
  };
  const outer = new api.GetProviderConnectionHandler({
    findById() {
      deep();
      // A plain value: the old instance goes on to read it, on its own memory.
      return storedRecord();
    },
  });
  const settled = await Promise.allSettled([outer.handle({ connectionId: CONNECTION_ID, userId: USER_ID }), nested, inFlight]);
  assert.deepEqual(settled.map(({ status }) => status), ["rejected", "rejected", "rejected"]);
  const [reason, ...others] = settled.map((outcome) => /** @type {PromiseRejectedResult} */ (outcome).reason);
  assert.match(reason.message, /^connect-provider: internal error \(Maximum call stack size exceeded\); the module was restarted$/);
  for (const same of others) assert.equal(same, reason, "one restart, not a second from the old instance reading the new one's memory");
  const many = Array.from({ length: 50 }, (_, i) => storedRecord({ id: `0190f5b2-3c4d-7e8f-9a0b-${String(i).padStart(12, "0")}`, alias: `a${i}` }));
  const lister = new api.ListProviderConnectionsHandler({ findByUserId: async () => many, findActiveByUser: async () => many });
  const listed = await lister.handle({ userId: USER_ID });
  assert.deepEqual([listed.ok, listed.value.connections.length, listed.value.connections.map((c) => c.alias).sort().at(-1)], [true, 50, "a9"]);
  assert.equal((await outer.handle({ connectionId: CONNECTION_ID, userId: USER_ID })).ok, true, "a handler made before the restart works on the fresh instance");
});
