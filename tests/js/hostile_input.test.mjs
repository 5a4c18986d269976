// Commands built to trip the decoder: each gets the documented failure result naming the field,
// the events the contract table says, no save, and the handler keeps working afterwards.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConnectProviderHandler, wasmMemoryBytes } from "connect-provider";
import { command, credentials, ERRORS, RECORD_KEYS } from "./contract/fixtures.mjs";
import { invalidCommand, outcomeOf, refused } from "./support/outcome.mjs";

const outcome = (value, extra) => outcomeOf(ConnectProviderHandler, value, extra);
const throwing = (name) =>
  Object.defineProperty(command(), name, {
    get() {
      throw new Error("getter says no");
    },
  });

const revokedProxy = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

const invalidCases = [
  ["a throwing userId getter", () => throwing("userId"), "userId could not be read"],
  ["a throwing providerSlug getter", () => throwing("providerSlug"), "providerSlug could not be read"],
  ["a Proxy whose get trap throws", () => new Proxy(command(), { get: () => { throw new Error("trap"); } }), "userId could not be read"],
  ["a revoked Proxy", revokedProxy, "command must be an object"],
  ["a Symbol", () => Symbol("command"), "command must be an object"],
  ["a BigInt", () => 10n, "command must be an object"],
  ["a function", () => () => command(), "command must be an object"],
  ["true", () => true, "command must be an object"],
  ["an array holding a command", () => [command()], "command must be an object"],
  ["userId a Symbol", () => command({ userId: Symbol("id") }), "userId must be a UUID string"],
  ["userId a BigInt", () => command({ userId: 1n }), "userId must be a UUID string"],
  ["userId a function", () => command({ userId: () => "x" }), "userId must be a UUID string"],
  ["userId a String object", () => command({ userId: Object("0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b") }), "userId must be a UUID string"],
  ["providerId a number", () => command({ providerId: 123 }), "providerId must be a UUID string"],
  ["providerSlug a number", () => command({ providerSlug: 42 }), "providerSlug must be a string"],
  ["providerSlug with a lone surrogate", () => command({ providerSlug: "schwab\ud800" }), "providerSlug contains a lone UTF-16 surrogate"],
  ["alias with a lone low surrogate", () => command({ alias: "\udc00alias" }), "alias contains a lone UTF-16 surrogate"],
  ["a megabyte userId", () => command({ userId: "u".repeat(1 << 20) }), "userId must be a UUID string"],
];

for (const [name, make, why] of invalidCases) {
  test(`invalid command: ${name}`, async () => {
    assert.deepEqual(await outcome(make()), invalidCommand(why));
  });
}

const credentialCases = [
  ["a throwing credentials getter", () => throwing("credentials")],
  ["a throwing encryptedData getter", () => command({ credentials: Object.defineProperty(credentials(), "encryptedData", { get() { throw new Error("no"); } }) })],
  ["encryptedData a Proxy of a Uint8Array", () => command({ credentials: credentials({ encryptedData: new Proxy(new Uint8Array([1, 2]), {}) }) })],
  ["encryptedData an Int16Array", () => command({ credentials: credentials({ encryptedData: new Int16Array([1, 2]) }) })],
  ["encryptedData an Int16Array wearing Uint8Array's prototype", () => {
    const disguised = Object.setPrototypeOf(new Int16Array([1, 2]), Uint8Array.prototype);
    return command({ credentials: credentials({ encryptedData: disguised }) });
  }],
  ["encryptedData a DataView", () => command({ credentials: credentials({ encryptedData: new DataView(new ArrayBuffer(4)) }) })],
  ["encryptedData detached", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    return command({ credentials: credentials({ encryptedData: bytes }) });
  }],
  ["encryptedData over 64 KiB", () => command({ credentials: credentials({ encryptedData: new Uint8Array(64 * 1024 + 1).fill(7) }) })],
  ["credentialType with a lone surrogate", () => command({ credentials: credentials({ credentialType: "oauth2\ud800" }) })],
  ["credentialType a megabyte string", () => command({ credentials: credentials({ credentialType: "o".repeat(1 << 20) }) })],
  ["expiresAt an invalid Date", () => command({ credentials: credentials({ expiresAt: new Date("not a date") }) })],
  ["expiresAt a revoked Proxy of a Date", () => {
    const { proxy, revoke } = Proxy.revocable(new Date(), {});
    revoke();
    return command({ credentials: credentials({ expiresAt: proxy }) });
  }],
  ["credentials a Symbol", () => command({ credentials: Symbol("secret") })],
];

for (const [name, make] of credentialCases) {
  test(`malformed credentials: ${name}`, async () => {
    assert.deepEqual(await outcome(make()), refused(ERRORS.INVALID_CREDENTIALS, "INVALID_CREDENTIALS"));
  });
}

for (const [name, make, error, code] of [
  ["a slug of 1024 characters", () => command({ providerSlug: "s".repeat(1024) }), ERRORS.INVALID_PROVIDER_SLUG, "INVALID_PROVIDER_SLUG"],
  ["a slug of 1025 characters", () => command({ providerSlug: "s".repeat(1025) }), ERRORS.INVALID_PROVIDER_SLUG, "INVALID_PROVIDER_SLUG"],
  ["a megabyte slug", () => command({ providerSlug: "s".repeat(1 << 20) }), ERRORS.INVALID_PROVIDER_SLUG, "INVALID_PROVIDER_SLUG"],
  ["a megabyte slug with a lone surrogate at its end", () => command({ providerSlug: `${"s".repeat(1 << 20)}\ud800` }), ERRORS.INVALID_PROVIDER_SLUG, "INVALID_PROVIDER_SLUG"],
  ["a megabyte alias", () => command({ alias: "a".repeat(1 << 20) }), ERRORS.INVALID_ALIAS, "INVALID_ALIAS"],
]) {
  test(`${name}: the field's own error, code and events, whatever its length`, async () => {
    assert.deepEqual(await outcome(make()), refused(error, code));
  });
}

test("the events of a refused megabyte slug carry the caller's whole slug", async () => {
  const slug = "s".repeat(1 << 20);
  const events = [];
  const handler = new ConnectProviderHandler({ save() {} }, { publish: (event) => events.push(event) });
  assert.deepEqual(await handler.handle(command({ providerSlug: slug })), { ok: false, error: ERRORS.INVALID_PROVIDER_SLUG, code: "INVALID_PROVIDER_SLUG" });
  assert.deepEqual(events.map((event) => [event.eventType, event.providerSlug === slug]), [["ProviderConnectionAttempted", true], ["ProviderConnectionFailed", true]]);
});

test("unknown keys, a cycle, and __proto__ and constructor keys are ignored", async () => {
  const value = JSON.parse(
    `{"__proto__": {"credentials": null}, "constructor": {"prototype": {"polluted": true}}, "extra": [1, 2]}`,
  );
  Object.assign(value, command());
  value.self = value;
  const { result, events, saved } = await outcome(value);
  assert.equal(result.ok, true);
  assert.deepEqual(events, [["ProviderConnectionAttempted"], ["ProviderConnectionSucceeded"]]);
  assert.deepEqual(Object.keys(saved[0]), RECORD_KEYS);
  assert.equal(saved[0].version, 1);
  assert.equal({}.polluted, undefined);
});

test("a Proxy that answers with valid fields is a valid command; so is a Uint8Array subclass", async () => {
  class Secret extends Uint8Array {
    get length() {
      throw new Error("lying getter");
    }
  }
  const target = command({ credentials: credentials({ encryptedData: new Secret([9, 8, 7]) }) });
  const { result, saved } = await outcome(new Proxy(target, {}));
  assert.equal(result.ok, true);
  assert.deepEqual([...saved[0].credentials.encryptedData], [9, 8, 7]);
});

test("a command's fields are read by name: a getter on its prototype and a field that is not enumerable count", async () => {
  const fields = command();
  class Command {
    get userId() {
      return fields.userId;
    }
  }
  const { userId, ...rest } = fields;
  const value = Object.assign(new Command(), rest);
  Object.defineProperty(value, "alias", { value: "Hidden alias", enumerable: false });
  const { result, saved } = await outcome(value);
  assert.equal(result.ok, true);
  assert.deepEqual([saved[0].userId, saved[0].alias], [fields.userId, "Hidden alias"]);
});

test("a getter that starts a command while its own command is being read: both connect, the inner one after the outer one is read", async () => {
  const saved = [];
  const handler = new ConnectProviderHandler({ save: (connection) => saved.push(connection.alias) }, { publish() {} });
  let inner;
  const value = command();
  Object.defineProperty(value, "alias", {
    get() {
      inner = handler.handle(command({ alias: "Inner" }));
      return "Outer";
    },
    enumerable: true,
  });
  const outer = await handler.handle(value);
  assert.deepEqual([outer.ok, (await inner).ok, saved], [true, true, ["Outer", "Inner"]]);
});

test("a subarray is copied from its own offset, and a Node Buffer is a Uint8Array", async () => {
  const whole = new Uint8Array([1, 2, 3, 4, 5, 6]);
  const view = await outcome(command({ credentials: credentials({ encryptedData: whole.subarray(2, 5) }) }));
  assert.deepEqual([...view.saved[0].credentials.encryptedData], [3, 4, 5]);
  const buffer = await outcome(command({ credentials: credentials({ encryptedData: Buffer.from([7, 8]) }) }));
  assert.deepEqual([...buffer.saved[0].credentials.encryptedData], [7, 8]);
});

test("encryptedData of exactly 64 KiB is accepted and saved whole", async () => {
  const bytes = new Uint8Array(64 * 1024).map((_, i) => i % 251);
  const { result, saved } = await outcome(command({ credentials: credentials({ encryptedData: bytes }) }));
  assert.equal(result.ok, true);
  assert.deepEqual(saved[0].credentials.encryptedData, bytes);
});

test("oversized input is refused before it is copied: wasm memory does not grow", async () => {
  await outcome(command());
  const before = wasmMemoryBytes();
  for (let i = 0; i < 20; i++) {
    await outcome(command({ providerSlug: "s".repeat(8 << 20) }));
    await outcome(command({ credentials: credentials({ encryptedData: new Uint8Array(8 << 20) }) }));
  }
  assert.equal(wasmMemoryBytes(), before);
});

test("after all of the above the same handler still connects", async () => {
  const { result, events } = await outcome(command());
  assert.equal(result.ok, true);
  assert.deepEqual(events, [["ProviderConnectionAttempted"], ["ProviderConnectionSucceeded"]]);
});

test("one handler fed every hostile command in turn still connects the next valid one", async () => {
  const saved = [];
  const handler = new ConnectProviderHandler({ save: (c) => saved.push(c.id) }, { publish() {} });
  for (const [, make] of [...invalidCases, ...credentialCases]) {
    const result = await handler.handle(make());
    assert.equal(result.ok, false);
  }
  const result = await handler.handle(command());
  assert.equal(result.ok, true);
  assert.deepEqual(saved, [result.value]);
});

test("property: any JS value as the command, or as any of its fields, gets a well-formed answer", async () => {
  const { default: fc } = await import("fast-check");
  const fields = ["userId", "providerId", "providerSlug", "alias", "credentials"];
  const credentialFields = ["encryptedData", "credentialType", "expiresAt"];
  const value = fc.anything({ withBigInt: true, withTypedArray: true, withSparseArray: true, withMap: true, withDate: true, withNullPrototype: true });
  /** What a refusal of this command can be: its exact error (or, for an invalid command, how it starts) and its code. */
  const refusals = [
    [(error) => error.startsWith(`${ERRORS.INVALID_COMMAND}: `), "INVALID_COMMAND"],
    [(error) => error === ERRORS.INVALID_CREDENTIALS, "INVALID_CREDENTIALS"],
    [(error) => error === ERRORS.INVALID_PROVIDER_SLUG, "INVALID_PROVIDER_SLUG"],
    [(error) => error === ERRORS.INVALID_ALIAS, "INVALID_ALIAS"],
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        value,
        fc.record({ field: fc.constantFrom(...fields), value }).map(({ field, value }) => command({ [field]: value })),
        fc.record({ field: fc.constantFrom(...credentialFields), value }).map(({ field, value }) => command({ credentials: credentials({ [field]: value }) })),
      ),
      async (input) => {
        const { result, events, saveCalls } = await outcome(input);
        if (result.ok) {
          assert.equal(saveCalls, 1);
          assert.deepEqual(events, [["ProviderConnectionAttempted"], ["ProviderConnectionSucceeded"]]);
        } else {
          assert.deepEqual(Object.keys(result), ["ok", "error", "code"]);
          const refusal = refusals.find(([is]) => is(result.error));
          assert.ok(refusal, result.error);
          assert.equal(result.code, refusal[1], result.error);
          assert.equal(saveCalls, 0);
          assert.equal(events.length, result.code === "INVALID_COMMAND" ? 0 : 2);
        }
      },
    ),
    { numRuns: 500 },
  );
});
