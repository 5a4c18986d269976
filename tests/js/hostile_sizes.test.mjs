// What an adapter or a caller hands over that is small in JS and large once read: an object
// shared at every level of a find's answer, an error of any length, a long timestamp; a buffer
// detached under the bridge while an answer is read; a handler freed from inside its own call.
// Each is a failure naming what was wrong, never a host blocked for seconds, wasm memory grown
// for good, or the module restarted under other callers' calls.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  ConnectProviderHandler,
  credentialExpiry,
  GetProviderConnectionHandler,
  ListProviderConnectionsHandler,
  wasmMemoryBytes,
} from "connect-provider";
import { CONNECTION_ID, LIFECYCLE_ERRORS as ERRORS, storedRecord, USER_ID } from "./contract/fixtures.mjs";

const DATABASE = `${ERRORS.DATABASE_ERROR}: `;
setFlagsFromString("--expose-gc");
/** The bytes of the process's ArrayBuffers once garbage is collected. */
const arrayBufferBytes = () => {
  runInNewContext("gc")();
  return process.memoryUsage().arrayBuffers;
};
/**
 * The ArrayBuffer bytes kept past `from`. V8 frees a collected buffer's memory on a background
 * thread, so under load the figure lags: it is read again (after another collection) until it is
 * under `limit`, for up to 2 s. A buffer still referenced stays counted however long it waits.
 * @param {number} from @param {number} limit
 */
async function keptPast(from, limit) {
  let kept = arrayBufferBytes() - from;
  for (let i = 0; i < 40 && kept >= limit; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    kept = arrayBufferBytes() - from;
  }
  return kept;
}
const ref = { connectionId: CONNECTION_ID, userId: USER_ID };

/** A call on another handler, in flight meanwhile: the module is not restarted under it. */
function callInFlight() {
  let answer;
  const handler = new GetProviderConnectionHandler({ findById: () => new Promise((resolve) => setTimeout(() => resolve(answer), 50)) });
  const result = handler.handle(ref);
  answer = storedRecord();
  return result;
}

test("a find whose answer shares one object at every level is refused by its size in all, at once, and wasm memory does not grow", async () => {
  let shared = 0;
  for (let level = 0; level < 4; level++) shared = Object.fromEntries(Array.from({ length: 64 }, (_, k) => [`k${k}`, shared]));
  const get = new GetProviderConnectionHandler({ findById: async () => ({ ...storedRecord(), extra: shared }) });
  const answer = async () => [storedRecord(), { ...storedRecord(), extra: shared }];
  const list = new ListProviderConnectionsHandler({ findByUserId: answer, findActiveByUser: answer });
  assert.equal((await get.handle(ref)).ok, false);
  const before = wasmMemoryBytes();
  const other = callInFlight();
  const started = performance.now();
  const said = "is past 8388608 characters and fields in all";
  assert.deepEqual(await get.handle(ref), {
    ok: false,
    error: `${DATABASE}invalid stored connection: extra.k15.k32.k25 ${said}`,
    code: "DATABASE_ERROR",
  });
  assert.deepEqual(await list.handle({ userId: USER_ID }), {
    ok: false,
    error: `${DATABASE}invalid stored connection: [1].extra.k15.k32.k23 ${said}`,
    code: "DATABASE_ERROR",
  });
  // Each refused after 8 Mi units of work, not the 64^4 objects' 1.1 billion (3 to 7 s each, and 546 MB of wasm memory, before).
  assert.ok(performance.now() - started < 5_000, `${performance.now() - started} ms`);
  assert.ok(wasmMemoryBytes() - before < 1 << 20, `${wasmMemoryBytes() - before} bytes more`);
  assert.equal((await other).ok, true, "the call in flight meanwhile is answered");
  // Nor does the refused pack keep its buffer of ops (134 MB for this answer) until a pack is handed over.
  const buffers = arrayBufferBytes();
  assert.equal((await get.handle(ref)).ok, false);
  const kept = await keptPast(buffers, 16 << 20);
  assert.ok(kept < 16 << 20, `${kept} bytes of ArrayBuffers kept`);
});

test("a Uint8Array whose buffer a later getter of the answer detaches is a failure of that call alone", async () => {
  const bytes = new Uint8Array([1, 2, 3, 4]);
  const record = storedRecord({ credentials: { encryptedData: bytes, credentialType: "oauth2", expiresAt: null } });
  Object.defineProperty(record, "zz", {
    enumerable: true,
    get() {
      structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
      return 1;
    },
  });
  const other = callInFlight();
  const get = new GetProviderConnectionHandler({ findById: async () => record });
  assert.deepEqual(await get.handle(ref), {
    ok: false,
    error: `${DATABASE}invalid stored connection: could not be read (a Uint8Array changed while the answer was read)`,
    code: "DATABASE_ERROR",
  });
  assert.equal((await other).ok, true, "the module was not restarted under the call in flight");
});

test("an adapter's error of any length is cut to 1,024 units and an ellipsis, in the result and the Failed event", async () => {
  const events = [];
  const connect = new ConnectProviderHandler(
    { save: async () => Promise.reject(new Error(`é${"x".repeat(1 << 22)}`)) },
    { publish: async (event) => void events.push(event) },
  );
  const before = wasmMemoryBytes();
  const result = await connect.handle({
    userId: USER_ID,
    providerId: CONNECTION_ID,
    providerSlug: "schwab",
    credentials: { encryptedData: new Uint8Array([7]), credentialType: "oauth2" },
  });
  const cut = `é${"x".repeat(1023)}…`;
  assert.deepEqual(result, { ok: false, error: `${DATABASE}${cut}`, code: "DATABASE_ERROR" });
  assert.deepEqual(events.map((event) => [event.eventType, event.reason]), [
    ["ProviderConnectionAttempted", undefined],
    ["ProviderConnectionFailed", `${DATABASE}${cut}`],
  ]);
  // The 4 Mi units were never copied in (12 MB of wasm memory, kept for good, before).
  assert.ok(wasmMemoryBytes() - before < 1 << 20, `${wasmMemoryBytes() - before} bytes more`);
  const thrown = new ConnectProviderHandler({ save: () => Promise.reject(`y${"z".repeat(5000)}`) }, { publish: async () => {} });
  const { error } = await thrown.handle({ userId: USER_ID, providerId: CONNECTION_ID, providerSlug: "schwab", credentials: { encryptedData: new Uint8Array([7]), credentialType: "oauth2" } });
  assert.equal(error, `${DATABASE}y${"z".repeat(1023)}…`, "a thrown string is cut the same way");
});

test("credentialExpiry refuses a timestamp over 64 characters without copying it", () => {
  credentialExpiry("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z");
  const before = wasmMemoryBytes();
  const long = `2026-01-01T00:00:00.${"0".repeat(1 << 22)}Z`;
  assert.throws(() => credentialExpiry(long), { name: "TypeError", message: /expiresAt/ });
  assert.throws(() => credentialExpiry(null, long), { name: "TypeError", message: /\bnow\b/ });
  assert.equal(wasmMemoryBytes(), before, "neither was copied into wasm");
  // Up to 64, fraction digits and all, it is read as before.
  assert.equal(credentialExpiry(`2026-01-01T00:00:00.${"0".repeat(43)}Z`, "2025-01-01T00:00:00Z"), "valid");
  assert.throws(() => credentialExpiry(`2026-01-01T00:00:00.${"0".repeat(44)}Z`, "2025-01-01T00:00:00Z"), { name: "TypeError", message: /expiresAt/ });
});

test("free() called by an adapter during its handler's own call does not throw; the call is answered and the handler is freed", async () => {
  let thrown = null;
  /** @type {GetProviderConnectionHandler} */
  let get;
  get = new GetProviderConnectionHandler({
    findById() {
      try {
        get.free();
      } catch (error) {
        thrown = error;
      }
      return Promise.resolve(storedRecord());
    },
  });
  const result = await get.handle(ref);
  assert.equal(thrown, null);
  assert.equal(result.ok, true);
  await assert.rejects(get.handle(ref), { name: "TypeError", message: "connect-provider: GetProviderConnectionHandler.handle() called after free()" });
  assert.equal((await callInFlight()).ok, true);
});
