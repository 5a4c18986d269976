// Property test: for random secrets and random ways a command can go, the secret's bytes appear
// in no event, result, reported error or console line; only `save` receives them.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { ConnectProviderHandler } from "connect-provider";
import { command, credentials } from "./contract/fixtures.mjs";

/** Every way the bytes could be spelled out in text. */
function spellings(bytes) {
  const buffer = Buffer.from(bytes);
  return [buffer.toString("hex"), buffer.toString("base64"), [...bytes].join(","), [...bytes].join(", "), buffer.toString("latin1")];
}

/** Text of everything, with any byte array written out in full. */
const text = (value) => JSON.stringify(value, (_, v) => (ArrayBuffer.isView(v) ? [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)].join(",") : v instanceof Error ? `${v.name}: ${v.message}` : v));

const scenarios = fc.constantFrom("valid", "bad slug", "long alias", "save fails", "save stale", "publish fails", "bad expiry", "bad type", "commit", "commit fails");

test("random secrets never leak into events, results, errors or console output", async (t) => {
  const printed = [];
  for (const method of ["log", "info", "warn", "error", "debug"]) {
    t.mock.method(console, method, (...args) => printed.push(args));
  }
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 12, maxLength: 512 }), scenarios, async (secret, scenario) => {
      const events = [];
      const received = [];
      const repository = {
        save(connection) {
          received.push(connection.credentials.encryptedData);
          if (scenario === "save fails") throw new Error("disk full");
          return scenario !== "save stale";
        },
      };
      const eventBus = {
        publish(event) {
          events.push(event);
          if (scenario === "publish fails") return Promise.reject(new Error("bus down"));
        },
      };
      if (scenario.startsWith("commit")) {
        // A repository that commits to this very bus: the events it is handed are searched too.
        Object.assign(repository, {
          eventBus,
          commit(connection, committed) {
            received.push(connection.credentials.encryptedData);
            events.push(...committed);
            if (scenario === "commit fails") return Promise.reject(new Error("transaction aborted"));
          },
        });
      }
      const handler = new ConnectProviderHandler(repository, eventBus);
      const result = await handler.handle(
        command({
          providerSlug: scenario === "bad slug" ? "" : "schwab",
          alias: scenario === "long alias" ? "a".repeat(101) : null,
          credentials: credentials({
            encryptedData: secret,
            credentialType: scenario === "bad type" ? "password" : "oauth2",
            expiresAt: scenario === "bad expiry" ? "soon" : null,
          }),
        }),
      );
      handler.free();
      const emitted = text({ result, events, printed });
      for (const spelling of spellings(secret)) assert.ok(!emitted.includes(spelling), `leaked as ${spelling}`);
      for (const bytes of received) assert.deepEqual([...bytes], [...secret], "save and commit get the bytes unchanged");
      if (["valid", "save fails", "save stale", "publish fails", "commit", "commit fails"].includes(scenario)) assert.equal(received.length, 1, `${scenario}: one write`);
    }),
    { numRuns: 300 },
  );
  assert.ok(printed.length > 0, "the publish-failure scenarios did print, and were searched");
});

const lifecycleScenarios = fc.constantFrom(
  "refresh",
  "refresh not active",
  "refresh not owned",
  "refresh save fails",
  "refresh save stale",
  "refresh commit",
  "disconnect",
  "disconnect commit",
  "get",
  "list",
  "expiring",
  "refresh bad type",
  "refresh publish fails",
  "disconnect publish fails",
);

test("random secrets, stored and new, never leak from the lifecycle handlers either", async (t) => {
  const { DisconnectProviderHandler, GetProviderConnectionHandler, ListExpiringConnectionsHandler, ListProviderConnectionsHandler, RefreshProviderTokensHandler } = await import("connect-provider");
  const { CONNECTION_ID, OTHER_USER_ID, storedRecord, USER_ID } = await import("./contract/fixtures.mjs");
  const printed = [];
  for (const method of ["log", "info", "warn", "error", "debug"]) t.mock.method(console, method, (...args) => printed.push(args));
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 12, maxLength: 512 }), fc.uint8Array({ minLength: 12, maxLength: 512 }), lifecycleScenarios, async (stored, fresh, scenario) => {
      const events = [];
      const received = [];
      const record = storedRecord({
        status: scenario === "refresh not active" ? "expired" : "active",
        userId: scenario === "refresh not owned" ? OTHER_USER_ID : USER_ID,
        credentials: { encryptedData: stored, credentialType: "oauth2", expiresAt: new Date(Date.now() + 60_000).toISOString() },
      });
      const repository = {
        findById: async () => record,
        findByUserId: async () => [record],
        findActiveByUser: async () => [record],
        findExpiringBefore: async () => [record],
        save(connection) {
          received.push(connection.credentials?.encryptedData);
          if (scenario === "refresh save fails") return Promise.reject(new Error("disk full"));
          return scenario !== "refresh save stale";
        },
      };
      // A bus that fails is reported on the console (the handlers' default): that output is searched too.
      const eventBus = { publish: (event) => (scenario.endsWith("publish fails") ? Promise.reject(new Error("bus down")) : void events.push(event)) };
      if (scenario.endsWith("commit")) {
        Object.assign(repository, {
          eventBus,
          commit(connection, committed) {
            received.push(connection.credentials?.encryptedData);
            events.push(...committed);
          },
        });
      }
      const ref = { userId: USER_ID, connectionId: CONNECTION_ID };
      const credentials = { encryptedData: fresh, credentialType: scenario === "refresh bad type" ? "password" : "api_key" };
      const result = scenario.startsWith("refresh")
        ? await new RefreshProviderTokensHandler(repository, eventBus).handle({ ...ref, credentials })
        : scenario.startsWith("disconnect")
          ? await new DisconnectProviderHandler(repository, eventBus).handle(ref)
          : scenario === "get"
            ? await new GetProviderConnectionHandler(repository).handle(ref)
            : scenario === "list"
              ? await new ListProviderConnectionsHandler(repository).handle({ userId: USER_ID })
              : await new ListExpiringConnectionsHandler(repository).handle({});
      const emitted = text({ result, events, printed });
      for (const secret of [stored, fresh]) for (const spelling of spellings(secret)) assert.ok(!emitted.includes(spelling), `${scenario}: leaked as ${spelling}`);
      if (["refresh", "refresh save fails", "refresh commit", "refresh publish fails"].includes(scenario)) assert.deepEqual(received.map((bytes) => [...bytes]), [[...fresh]], "save gets the new bytes unchanged");
      if (scenario === "refresh save stale") assert.deepEqual(received.map((bytes) => [...bytes]), Array(4).fill([...fresh]), "each of four tries writes the new bytes unchanged");
      if (scenario.startsWith("disconnect")) assert.deepEqual(received, [undefined], "a disconnected connection is saved without credentials");
    }),
    { numRuns: 300 },
  );
  assert.ok(printed.some((args) => String(args[0]).includes("bus down") || args.some((arg) => String(arg?.message ?? arg).includes("bus down"))), "the publish-failure scenarios did print, and were searched");
});
