// How the Deno KV store calls KV: again while a local KV file is locked, within a write's time,
// with what KV throws turned into a deno-kv store error that names KV's limits; and reads of many
// keys in getMany's batches.
import { LIMITS } from "./deno-kv-keys.js";

/** @typedef {import("./deno-kv.js").DenoKv} DenoKv */
/** @typedef {import("./deno-kv.js").DenoKvKey} DenoKvKey */

/** getMany reads at most 10 keys at once. */
export const GET_MANY = 10;
/** Tries of a write whose checks another writer made fail, and of a read that straddled a write. */
export const WRITE_TRIES = 100;
export const READ_TRIES = 20;
/** How long a read waits for a local KV file another process has locked. */
const BUSY_WAIT_MS = 10_000;
/**
 * How long a write may take from its call (its turn in this process, a locked KV file, other
 * writers' retries) before it gives up: under the service's 5 s handler deadline and the handlers'
 * default 10 s, so a write the handler gave up on, and answered and logged as failed, never lands
 * after it (the SQLite store's LOCK_WAIT_MS is the same).
 */
export const WRITE_WAIT_MS = 4_000;

/** Reads keys in getMany's batches of 10, all at once. @param {DenoKv} kv @param {DenoKvKey[]} keys @param {string} what */
export async function getAll(kv, keys, what, deadline = undefined) {
  const batches = [];
  for (let i = 0; i < keys.length; i += GET_MANY) batches.push(keys.slice(i, i + GET_MANY));
  return (await Promise.all(batches.map((batch) => kvCall(what, () => kv.getMany(batch), deadline)))).flat();
}

/** The parts of one value, joined. @param {Uint8Array[]} parts @param {number} length */
export function concat(parts, length) {
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    if (at + part.length > length) throw kvStoreError("a stored value is longer than its record says");
    bytes.set(part, at);
    at += part.length;
  }
  if (at !== length) throw kvStoreError("a stored value is shorter than its record says");
  return bytes;
}

/** A write whose time is up gives up before it tries again. @param {string} what @param {number} deadline */
export function refuseLate(what, deadline) {
  if (performance.now() >= deadline) throw kvStoreError(`${what}: gave up after ${WRITE_WAIT_MS} ms (a KV file another process holds locked, or other writers)`);
}

/**
 * Runs a KV call, again while a local KV file is locked by another process (until `deadline`, by
 * default BUSY_WAIT_MS from now); what KV throws rejects as a deno-kv store error, naming KV's
 * limits when it refused a value. `call` builds its atomic operation anew each time. A write's
 * `deadline` is kept before every attempt, the first too: whatever held up the reads before it
 * (a locked file, a step of the commit's own), no commit starts once the write has given up.
 * @template T @param {string} what @param {() => Promise<T>} call @param {number} [writeDeadline]
 * @returns {Promise<T>}
 */
export async function kvCall(what, call, writeDeadline = undefined) {
  const deadline = writeDeadline ?? performance.now() + BUSY_WAIT_MS;
  for (let attempt = 1; ; attempt += 1) {
    if (writeDeadline !== undefined) refuseLate(what, writeDeadline);
    try {
      return await call();
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("deno-kv store:")) throw error;
      const message = messageOf(error);
      if (/database is locked|SQLITE_BUSY/i.test(message) && performance.now() < deadline) {
        await backoff(attempt);
        continue;
      }
      const refused = /too large|too many|\bmax\b|exceed|could not be cloned/i.test(message) || (error instanceof Error && error.name === "DataCloneError");
      throw kvStoreError(refused ? `${what}: Deno KV cannot hold it (${LIMITS}): ${message}` : `${what}: Deno KV failed: ${message}`, error);
    }
  }
}

/** @param {string} message @param {unknown} [cause] */
export function kvStoreError(message, cause) {
  return new Error(`deno-kv store: ${message}`, cause === undefined ? undefined : { cause });
}

/** @param {unknown} error */
export function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/** Waits a random while, longer after each failed try, up to 50 ms. @param {number} attempt */
export function backoff(attempt) {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
}
