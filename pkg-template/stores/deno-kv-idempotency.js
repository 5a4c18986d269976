// `store.idempotency` on Deno KV. Each decision that takes a key is one atomic operation checked
// against the versionstamp of the key's entry as it was read (`check({ versionstamp: null })` for a
// new key), so of clients claiming one key at once exactly one commits; the others read again and
// see it running. A purge index keyed by the claim's instant is written in the same operations.
//
// Keys, under "connect_provider" (the keyspace of deno-kv.js):
//   ["idempotency", userId, key]                       { fingerprint, token, lockedUntil, response, createdAt }
//   ["idempotency_created", createdAt, userId, key]    true, for purge() in claim order
// Instants are milliseconds since the epoch; `response` is the kept answer's JSON as UTF-8 bytes,
// null while running (a string in entries written before it was kept as bytes).
import { checkedClaim, checkedKey, checkedPurge, checkedToken, claimLost, newToken, responseOf, responseText } from "./idempotency-input.js";

/** @typedef {import("./deno-kv.js").DenoKv} DenoKv */
/** @typedef {import("./deno-kv.js").DenoKvEntryMaybe} DenoKvEntryMaybe */
/** @typedef {import("./deno-kv.js").DenoKvAtomicOperation} DenoKvAtomicOperation */
/** @typedef {{ fingerprint: string, token: string, lockedUntil: number | null, response: Uint8Array | string | null, createdAt: number }} StoredKey */
/** @typedef {<T>(what: string, call: () => Promise<T>, deadline?: number) => Promise<T>} KvCall deno-kv.js's way of calling KV (a write's `deadline`: see deno-kv-calls.js) */

const ROOT = "connect_provider";
/** Tries of an operation whose check another writer made fail. */
const WRITE_TRIES = 100;

const keyOf = (/** @type {string} */ userId, /** @type {string} */ key) => [ROOT, "idempotency", userId, key];

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
/**
 * The answer's JSON as KV keeps it: UTF-8 bytes, one byte each in KV. As a string, one character
 * past U+00FF makes KV keep two bytes for every character, and an answer of 60,000 UTF-8 bytes (what
 * every store takes) would pass KV's 65,536 bytes a value.
 * @param {string} json
 */
const keptResponse = (json) => utf8.encode(json);
/** @param {Uint8Array | string} kept */
const responseJson = (kept) => (typeof kept === "string" ? kept : fromUtf8.decode(kept));
const createdKey = (/** @type {number} */ at, /** @type {string} */ userId, /** @type {string} */ key) => [ROOT, "idempotency_created", at, userId, key];

/** @param {unknown} value @returns {StoredKey} */
function storedKey(value) {
  const stored = /** @type {any} */ (value);
  if (stored === null || typeof stored !== "object" || typeof stored.fingerprint !== "string" || typeof stored.token !== "string" || !Number.isSafeInteger(stored.createdAt)) {
    throw new Error("deno-kv store: idempotency: a key holds a value this store did not write");
  }
  return stored;
}

/** Whether `entry` is a claim held by `token`, not yet completed. @param {DenoKvEntryMaybe} entry @param {string} token */
const heldBy = (entry, token) => entry.versionstamp !== null && storedKey(entry.value).token === token && storedKey(entry.value).response === null;

/**
 * @param {DenoKv} kv
 * @param {KvCall} call
 * @param {(attempt: number) => Promise<unknown>} backoff
 */
export function kvIdempotency(kv, call, backoff) {
  /**
   * Runs `attempt` until it answers something other than undefined (its operation's checks failed).
   * @template T @param {string} what @param {() => Promise<T | undefined>} attempt @returns {Promise<T>}
   */
  async function retried(what, attempt) {
    for (let n = 1; n <= WRITE_TRIES; n += 1) {
      const answer = await attempt();
      if (answer !== undefined) return answer;
      await backoff(n);
    }
    throw new Error(`deno-kv store: idempotency.${what}: the key kept changing under other writers (${WRITE_TRIES} tries)`);
  }

  /** @type {import("./index.js").IdempotencyStore} */
  const store = {
    async claim(userId, key, fingerprint, now, leaseMs) {
      const c = checkedClaim(userId, key, fingerprint, now, leaseMs);
      const at = Date.parse(c.now);
      return retried("claim", async () => {
        const entry = await call("idempotency.claim", () => kv.get(keyOf(c.userId, c.key)));
        const token = newToken();
        /** @type {StoredKey} */
        const fresh = { fingerprint: c.fingerprint, token, lockedUntil: Date.parse(c.lockedUntil), response: null, createdAt: at };
        const op = kv.atomic().check({ key: keyOf(c.userId, c.key), versionstamp: entry.versionstamp });
        if (entry.versionstamp !== null) {
          const stored = storedKey(entry.value);
          if (stored.fingerprint !== c.fingerprint) return { state: /** @type {const} */ ("mismatch") };
          if (stored.response !== null) return { state: /** @type {const} */ ("replay"), response: responseOf(responseJson(stored.response)) };
          if (stored.lockedUntil !== null && stored.lockedUntil > at) return { state: /** @type {const} */ ("running"), lockedUntil: stored.lockedUntil };
          // The first request's lease ran out (its process died): the same request takes the key over.
          op.delete(createdKey(stored.createdAt, c.userId, c.key));
        }
        op.set(keyOf(c.userId, c.key), fresh).set(createdKey(at, c.userId, c.key), true);
        const { ok } = await call("idempotency.claim", () => op.commit());
        return ok ? { state: /** @type {const} */ ("claimed"), token } : undefined;
      });
    },

    async complete(userId, key, token, response) {
      const k = checkedKey("complete", userId, key);
      const held = checkedToken("complete", token);
      const json = responseText("complete", response);
      return retried("complete", async () => {
        const entry = await call("idempotency.complete", () => kv.get(keyOf(k.userId, k.key)));
        if (!heldBy(entry, held)) return false;
        const { ok } = await call("idempotency.complete", () => completing(kv.atomic(), entry, json).commit());
        return ok ? true : undefined;
      });
    },

    async release(userId, key, token) {
      const k = checkedKey("release", userId, key);
      const held = checkedToken("release", token);
      return retried("release", async () => {
        const entry = await call("idempotency.release", () => kv.get(keyOf(k.userId, k.key)));
        if (!heldBy(entry, held)) return false;
        const op = kv.atomic().check(entry).delete(entry.key).delete(createdKey(storedKey(entry.value).createdAt, k.userId, k.key));
        const { ok } = await call("idempotency.release", () => op.commit());
        return ok ? true : undefined;
      });
    },

    async purge(before, limit) {
      const p = checkedPurge(before, limit);
      /** @type {{ key: import("./deno-kv.js").DenoKvKey, versionstamp: string }[]} */
      const due = [];
      await call("idempotency.purge", async () => {
        // A retry (a locked KV file) reads the range again from its start.
        due.length = 0;
        for await (const entry of kv.list({ prefix: [ROOT, "idempotency_created"], end: [ROOT, "idempotency_created", Date.parse(p.before)] }, { limit: p.limit })) {
          due.push(entry);
        }
      });
      let purged = 0;
      for (const index of due) {
        const [, , at, userId, key] = index.key;
        if (typeof at !== "number" || typeof userId !== "string" || typeof key !== "string") throw new Error("deno-kv store: idempotency.purge: an index key this store did not write");
        const entry = await call("idempotency.purge", () => kv.get(keyOf(userId, key)));
        const op = kv.atomic().check(index).delete(index.key);
        // The key itself goes only if it is still the claim this index entry was written for.
        const current = entry.versionstamp !== null && storedKey(entry.value).createdAt === at;
        if (current) op.check(entry).delete(entry.key);
        const { ok } = await call("idempotency.purge", () => op.commit());
        if (ok && current) purged += 1;
      }
      return purged;
    },
  };

  /**
   * A commit's completion: reads the claim, refuses (before anything is written) one that is no
   * longer the request's, and answers what adds its check and its answer to the commit's operation.
   * Read again on each try of the commit, so the check is against the entry as it then stands.
   * @param {{ userId: string, key: string, token: string, response: string }} completion checked
   * @param {string} what
   * @param {number} deadline the commit's: its read waits no longer than the commit does
   */
  async function completionStep(completion, what, deadline) {
    const entry = await call(what, () => kv.get(keyOf(completion.userId, completion.key)), deadline);
    if (!heldBy(entry, completion.token)) throw claimLost(`deno-kv store: ${what}`);
    return (/** @type {DenoKvAtomicOperation} */ op) => completing(op, entry, completion.response);
  }

  return { store, completionStep };
}

/** `op` with the claim of `entry` checked and completed with the answer `json`. @param {DenoKvAtomicOperation} op @param {DenoKvEntryMaybe} entry @param {string} json */
function completing(op, entry, json) {
  return op.check(entry).set(entry.key, { ...storedKey(entry.value), response: keptResponse(json), lockedUntil: null });
}
