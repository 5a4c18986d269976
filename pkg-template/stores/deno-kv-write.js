// The Deno KV store's one write of a connection (save, and commit with its events and whatever
// else the command completes): conditional on the version stored, in one atomic operation.
import { storedVersion } from "./connection-record.js";
import { key } from "./deno-kv-keys.js";
import { WRITE_TRIES, backoff, kvCall, kvStoreError, refuseLate } from "./deno-kv-calls.js";
import { eventFiling, fileEvent, lastSequence, readLog } from "./deno-kv-log.js";
import { storedConnection } from "./deno-kv-records.js";

/** @typedef {import("./deno-kv.js").DenoKv} DenoKv */
/** @typedef {import("./deno-kv.js").DenoKvEntryMaybe} DenoKvEntryMaybe */
/** @typedef {import("./deno-kv.js").DenoKvAtomicOperation} DenoKvAtomicOperation */
/** @typedef {import("./deno-kv-log.js").Enqueue} Enqueue */

/**
 * The conditional write of a record (save, and commit with its events): read what is stored, and
 * write only over the version before (or where nothing is, for a first version), in one atomic
 * operation checked against every key read. When a check fails, something moved under it (the
 * record, or only the event sequence): read again and decide again, up to WRITE_TRIES times.
 * @param {DenoKv} kv
 * @param {ReturnType<typeof import("./deno-kv-records.js").connectionToStore>} connection
 * @param {{ eventId: string, userId: string, bytes: Uint8Array }[]} events
 * @param {(() => Promise<(op: DenoKvAtomicOperation) => unknown>) | null} complete reads a claim to complete
 *   in the same operation (and throws when it is no longer the request's); answers what adds it
 * @param {Enqueue} enqueue
 * @param {number} deadline when it gives up, WRITE_WAIT_MS after its call (a performance.now() instant)
 * @returns {Promise<boolean>}
 */
export async function writeConnection(kv, { what, id, userId, value, chunks, expiring }, events, complete, enqueue, deadline) {
  const filings = events.map(({ eventId, userId: user, bytes }) => eventFiling(eventId, user, bytes));
  const version = /** @type {number} */ (value.record.version);
  for (let attempt = 1; ; attempt += 1) {
    refuseLate(what, deadline);
    const owner = await kvCall(what, () => kv.get(key.owner(id)), deadline);
    if (owner.versionstamp !== null && typeof owner.value !== "string") {
      throw kvStoreError(`${what}: the owner of connection ${id} is not a user id this store wrote`);
    }
    const previousUser = /** @type {string | null} */ (owner.versionstamp === null ? null : owner.value);
    const previous = previousUser === null ? null : await kvCall(what, () => kv.get(key.connection(previousUser, id)), deadline);
    // An owner without its record was read across a save that moved it: read both again.
    const settled = previousUser === null || /** @type {DenoKvEntryMaybe} */ (previous).versionstamp !== null;
    const old = settled && previous !== null ? storedConnection(previous.value, what) : null;
    if (settled) {
      if ((old === null ? 0 : storedVersion(old.record.version)) !== version - 1) return false;
    }
    const logged = filings.length === 0 ? [] : await readLog(kv, filings, what, deadline);
    const filed = logged.slice(1).findIndex((entry) => entry.versionstamp !== null);
    if (filed !== -1) throw kvStoreError(`${what}: the log already has an event with eventId ${filings[filed].eventId}`);
    const completing = settled && complete !== null ? await complete() : null;
    const result = !settled ? { ok: false } : await kvCall(what, () => {
      const op = kv.atomic().check({ key: key.owner(id), versionstamp: owner.versionstamp });
      if (previousUser !== null && previous !== null && old !== null) {
        op.check({ key: key.connection(previousUser, id), versionstamp: previous.versionstamp });
        const moved = previousUser !== userId;
        if (moved) op.delete(key.connection(previousUser, id));
        for (let i = moved ? 0 : chunks.length; i < old.secretChunks; i += 1) op.delete(key.chunk(previousUser, id, i));
        if (old.expiring !== null && old.expiring !== expiring) op.delete(key.expiring(old.expiring, id));
      }
      // The first save's createdAt is kept, as the SQL stores' UPDATE keeps created_at.
      const kept = old === null ? value : { ...value, record: { ...value.record, createdAt: old.record.createdAt } };
      op.set(key.owner(id), userId).set(key.connection(userId, id), kept);
      chunks.forEach((chunk, i) => op.set(key.chunk(userId, id, i), chunk));
      if (expiring !== null) op.set(key.expiring(expiring, id), userId);
      if (filings.length > 0) {
        // Every append moves the counter, so its check also stands for the eventIds read absent.
        const counter = logged[0];
        const last = lastSequence(counter, what);
        op.check(counter);
        filings.forEach((filing, i) => fileEvent(op, filing, last + 1 + i, true, enqueue));
        op.set(key.sequence(), last + filings.length);
      }
      if (completing !== null) completing(op);
      return op.commit();
    }, deadline);
    if (result.ok) return true;
    if (attempt >= WRITE_TRIES) throw kvStoreError(`${what}: connection ${id} kept changing under other writers (${WRITE_TRIES} tries)`);
    await backoff(attempt);
  }
}
