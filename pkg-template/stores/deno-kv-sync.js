// `store.sync` on Deno KV: each client's last applied mutation under ["connect_provider",
// "sync_clients", userId, clientId] as { lastMutationId, updatedAt, refusals? }, advanced by an
// atomic operation checked against the entry as it was read (`versionstamp: null` for a client's
// first), so of pushes advancing one client at once exactly one commits; the refusals it keeps go
// with it, a refused mutation's added. In a commit, the same check and set join the atomic
// operation that stores the change.
import { checkedAdvance, checkedClient, checkedRefusal, keptRefusals, keptWith, mutationLost } from "./sync-input.js";

/** @typedef {import("./deno-kv.js").DenoKv} DenoKv */
/** @typedef {import("./deno-kv.js").DenoKvEntryMaybe} DenoKvEntryMaybe */
/** @typedef {import("./deno-kv.js").DenoKvAtomicOperation} DenoKvAtomicOperation */
/** @typedef {<T>(what: string, call: () => Promise<T>, deadline?: number) => Promise<T>} KvCall deno-kv.js's way of calling KV (a write's `deadline`: see deno-kv-calls.js) */

const ROOT = "connect_provider";
const keyOf = (/** @type {string} */ userId, /** @type {string} */ clientId) => [ROOT, "sync_clients", userId, clientId];

/** The last mutation an entry holds (0 for none). @param {DenoKvEntryMaybe} entry */
function lastOf(entry) {
  if (entry.versionstamp === null) return 0;
  const last = /** @type {{ lastMutationId?: unknown } | null} */ (entry.value)?.lastMutationId;
  if (typeof last !== "number" || !Number.isSafeInteger(last)) throw new Error("deno-kv store: sync: a client key holds a value this store did not write");
  return last;
}

/** The refusals an entry keeps. @param {DenoKvEntryMaybe} entry */
const refusalsOf = (entry) => keptRefusals(entry.versionstamp === null ? null : /** @type {{ refusals?: unknown }} */ (entry.value).refusals, "deno-kv store");

/**
 * `op` with the client's entry checked and advanced to `to`, keeping its refusals and `refusal`
 * (for `to`) if there is one.
 * @param {DenoKvAtomicOperation} op @param {DenoKvEntryMaybe} entry @param {number} to
 * @param {{ code: string, error: string } | null} [refusal]
 */
function advancing(op, entry, to, refusal = null) {
  const refusals = keptWith(refusalsOf(entry), to, refusal);
  return op.check(entry).set(entry.key, { lastMutationId: to, updatedAt: new Date().toISOString(), ...(refusals.length > 0 ? { refusals } : {}) });
}

/** @param {DenoKv} kv @param {KvCall} call */
export function kvSync(kv, call) {
  /** @type {import("./index.js").SyncClients} */
  const store = {
    async lastMutation(userId, clientId) {
      const client = checkedClient("lastMutation", userId, clientId);
      return lastOf(await call("sync", () => kv.get(keyOf(client.userId, client.clientId))));
    },
    async state(userId, clientId) {
      const client = checkedClient("state", userId, clientId);
      const entry = await call("sync", () => kv.get(keyOf(client.userId, client.clientId)));
      return { lastMutationId: lastOf(entry), refusals: refusalsOf(entry) };
    },
    async advance(userId, clientId, from, to, refusal) {
      const client = checkedClient("advance", userId, clientId);
      const step = checkedAdvance("advance", from, to);
      const kept = checkedRefusal("advance", refusal);
      // A failed check means another writer moved the client: read again, and answer from there.
      for (;;) {
        const entry = await call("sync", () => kv.get(keyOf(client.userId, client.clientId)));
        if (lastOf(entry) !== step.from) return false;
        if ((await call("sync", () => advancing(kv.atomic(), entry, step.to, kept).commit())).ok) return true;
      }
    },
  };

  /**
   * What adds a commit's advance to its atomic operation, once the client is read at `from`.
   * @param {{ userId: string, clientId: string, from: number, to: number }} mutation checked
   * @param {number} deadline the commit's: its read waits no longer than the commit does
   */
  async function advanceStep(mutation, deadline) {
    const entry = await call("commit", () => kv.get(keyOf(mutation.userId, mutation.clientId)), deadline);
    if (lastOf(entry) !== mutation.from) throw mutationLost("deno-kv store: commit");
    return (/** @type {DenoKvAtomicOperation} */ op) => advancing(op, entry, mutation.to);
  }

  return { store, advanceStep };
}
