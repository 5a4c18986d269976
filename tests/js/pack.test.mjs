// The pack (src/js/pack, src/js/seam.js): what a repository returns crosses into wasm in one go,
// and what a handler answers comes back in one. Both sides number the keys they have sent for
// the life of the instance, so these tests drive the tables through what could put them out of
// step: a pack refused halfway after sending new keys, more keys than the table holds, a trap and
// the fresh instance after it, and text that is not ASCII. Each read must still be exact.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import { GetProviderConnectionHandler, ListProviderConnectionsHandler, wasmMemoryBytes } from "connect-provider";
import { CONNECTION_ID, LIFECYCLE_ERRORS as ERRORS, USER_ID, storedRecord } from "./contract/fixtures.mjs";

const id = (n) => `0190f5b2-3c4d-7e8f-9a0b-${String(n).padStart(12, "0")}`;
const databaseError = (why) => ({ ok: false, error: `${ERRORS.DATABASE_ERROR}: ${why}`, code: "DATABASE_ERROR" });

/** A list handler over a repository that answers whatever `answer` holds at the time. */
function lister() {
  const state = { answer: [] };
  const handler = new ListProviderConnectionsHandler({
    findByUserId: async () => state.answer,
    findActiveByUser: async () => state.answer,
  });
  return { state, list: () => handler.handle({ userId: USER_ID }) };
}

/** `count` records of the user, newest last, each with the extra properties `extra(n)` gives. */
const records = (count, extra = () => ({})) =>
  Array.from({ length: count }, (_, i) =>
    storedRecord({ id: id(i + 1), alias: `Account ${i + 1}`, createdAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(), ...extra(i + 1) }),
  );

/** The ids and aliases a list answered, in its order. */
const listed = (result) => {
  assert.equal(result.ok, true, JSON.stringify(result));
  return result.value.connections.map((view) => [view.id, view.alias]);
};
const expected = (count) => Array.from({ length: count }, (_, i) => [id(count - i), `Account ${count - i}`]);

test("a pack refused after sending new keys leaves both key tables in step", async () => {
  const { state, list } = lister();
  // New keys (fresh1, fresh2) go out before the BigInt in the second record refuses the pack.
  state.answer = records(3, (n) => (n === 2 ? { fresh1: 1, fresh2: 10n } : { fresh1: 1 }));
  assert.deepEqual(await list(), databaseError("invalid stored connection: [1].fresh2 is a bigint"));
  state.answer = records(3, (n) => ({ fresh2: n, fresh1: "x", fresh3: null }));
  assert.deepEqual(listed(await list()), expected(3));
});

test("records of one shape are sent by their keys' numbers; a shape with a key a refused pack sent is sent again in full", async () => {
  const { state, list } = lister();
  // The first record's keys, fresh9 new among them, become the shape the second is sent by; the
  // second's BigInt then refuses the pack, and fresh9 is forgotten on both sides.
  state.answer = records(2, (n) => ({ fresh9: n === 2 ? 10n : n }));
  assert.deepEqual(await list(), databaseError("invalid stored connection: [1].fresh9 is a bigint"));
  // The same shape again: fresh9 must go out as a new key, not by the number it had.
  state.answer = records(3, (n) => ({ fresh9: `x${n}` }));
  assert.deepEqual(listed(await list()), expected(3));
  // Records whose keys come in another order, or one key fewer, are each read exactly.
  state.answer = records(3, (n) => (n === 2 ? { fresh9: 1 } : {})).map((record, i) => (i === 0 ? Object.fromEntries(Object.entries(record).reverse()) : record));
  assert.deepEqual(listed(await list()), expected(3));
  state.answer = records(2, (n) => (n === 2 ? { status: "paused" } : {}));
  assert.deepEqual(await list(), databaseError('invalid stored connection: [1].status: unknown status "paused"'));
});

test("past the 256 keys a table numbers, keys still read exactly, sent as text", async () => {
  const { state, list } = lister();
  for (let round = 0; round < 6; round++) {
    // Each record brings 50 keys never seen before: 900 in all.
    state.answer = records(3, (n) => Object.fromEntries(Array.from({ length: 50 }, (_, k) => [`r${round}n${n}k${k}`, k])));
    assert.deepEqual(listed(await list()), expected(3));
  }
  // A known field's key behind the full table: a wrong status is still named at its path.
  state.answer = records(2, (n) => (n === 2 ? { status: "paused" } : {}));
  assert.deepEqual(await list(), databaseError('invalid stored connection: [1].status: unknown status "paused"'));
});

test("text that is not ASCII reads back exactly, in keys and values, next to ASCII", async () => {
  const { state, list } = lister();
  const aliases = ["Épargne retraite", "退休账户", "🏦 Brokerage 🚀", "plain", "Ünïcödé ✓"];
  state.answer = aliases.map((alias, i) => storedRecord({ id: id(i + 1), alias, createdAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(), "ключ": "значение", "🔑": alias }));
  const result = await list();
  assert.deepEqual(listed(result), aliases.map((alias, i) => [id(i + 1), alias]).reverse());
  assert.equal(result.value.connections[0].providerSlug, "schwab");
});

test("a record read by findById and one in a list are the same view", async () => {
  const record = storedRecord({ alias: "Même compte" });
  const get = new GetProviderConnectionHandler({ findById: async () => ({ ...record }) });
  const { state, list } = lister();
  state.answer = [{ ...record }];
  const one = await get.handle({ userId: USER_ID, connectionId: CONNECTION_ID });
  const many = await list();
  assert.equal(one.ok, true);
  assert.deepEqual(many.value.connections, [one.value]);
});

test("a pack out is read from the module's memory as it is now, after that memory has grown", async () => {
  const { state, list } = lister();
  state.answer = records(3, (n) => ({ credentials: { encryptedData: new Uint8Array(32).fill(n), credentialType: "oauth2", expiresAt: null } }));
  const before = await list();
  assert.deepEqual(listed(before), expected(3));
  // Twenty thousand commands waiting on one gate hold more memory than the module had: it grows.
  let open;
  const gate = new Promise((resolve) => {
    open = resolve;
  });
  const waiting = new GetProviderConnectionHandler({ findById: () => gate });
  const grownFrom = wasmMemoryBytes();
  const pending = Array.from({ length: 20_000 }, () => waiting.handle({ userId: USER_ID, connectionId: CONNECTION_ID }));
  assert.ok(wasmMemoryBytes() > grownFrom, `memory grew from ${grownFrom} B`);
  assert.deepEqual(await list(), before);
  open(null);
  const answers = await Promise.all(pending);
  assert.deepEqual(answers[19_999], { ok: false, error: ERRORS.CONNECTION_NOT_FOUND, code: "CONNECTION_NOT_FOUND" });
  assert.deepEqual(await list(), before);
});

test("after a trap and a fresh instance, the key tables start again on both sides", async () => {
  const panicking = createRequire(import.meta.url)("../../target/pkg-test-panic/node/index.cjs");
  const repository = { save: async () => {} };
  const connect = new panicking.ConnectProviderHandler(repository, { publish: async () => {} });
  const list = new panicking.ListProviderConnectionsHandler({ findByUserId: async () => records(2, () => ({ before: 1 })), findActiveByUser: async () => [] });
  assert.deepEqual(listed(await list.handle({ userId: USER_ID })), expected(2));
  const command = { userId: USER_ID, providerId: id(99), providerSlug: "__test_panic__", credentials: { encryptedData: new Uint8Array([1]), credentialType: "oauth2" } };
  await assert.rejects(connect.handle(command), /internal error/);
  assert.deepEqual(listed(await list.handle({ userId: USER_ID })), expected(2));
  const saved = await connect.handle({ ...command, providerSlug: "schwab" });
  assert.equal(saved.ok, true);
});

test("a string where an object belongs is named, never quoted: it may be credentials as JSON", async () => {
  const { state, list } = lister();
  const secret = "c2VjcmV0LXRva2VuLTQyNDI0Mg";
  state.answer = [storedRecord({ credentials: JSON.stringify({ encryptedData: secret, credentialType: "oauth2" }) })];
  assert.deepEqual(await list(), databaseError("invalid stored connection: [0].credentials: invalid type: a string, expected struct ProviderCredentialsRecord"));
  state.answer = [storedRecord(), JSON.stringify({ id: id(2), secret })];
  assert.deepEqual(await list(), databaseError("invalid stored connection: [1]: invalid type: a string, expected struct ProviderConnectionRecord"));
  // A scalar field still shows what it got, as serde words it.
  state.answer = [storedRecord({ version: "2" })];
  assert.deepEqual(await list(), databaseError('invalid stored connection: [0].version: invalid type: string "2", expected u64'));
});
