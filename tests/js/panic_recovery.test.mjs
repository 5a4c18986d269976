// An internal panic, which only a build with the `test-panic` feature can trigger (a command
// with the slug "__test_panic__"): the call rejects with a clear Error, never hangs, and the
// module recovers so later calls, on old and new handlers, work.
import assert from "node:assert/strict";
import { test } from "node:test";
import { command } from "./contract/fixtures.mjs";
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
