// POST /connections, POST /providers/:id/token-refreshes and DELETE /providers/:id made safe to
// retry with an `Idempotency-Key`, around the routes of routes.js, over the store's idempotency keys (in the
// service's own database). A request with a key:
//   - claims it for the caller, with its fingerprint and a lease (LEASE_MS);
//   - the same request again replays the kept answer (status, body, Location) with
//     `Idempotent-Replayed: true` and runs nothing; another request with the key is 422; a retry
//     while the first still runs is 409 with Retry-After: 1, or the rest of the lease once the
//     first is past RUNNING_FOR_MS (its request most likely died);
//   - a command that commits keeps its answer in the same atomic step as its change (the commit's
//     `idempotency` option), so a retry replays it even if this process dies before answering;
//   - an answer of the route (2xx and 4xx but 409, the 400s it throws for a field or If-Match
//     included) is kept after it answers; a 5xx, a 409 (writers kept racing: nothing changed) or
//     an exception releases the key, so the client can retry;
//   - a key whose request died mid-way is taken over by the same request once its lease ran out.
// Without the header a request goes to the route as it is.
import { readJsonBody } from "./body.js";
import { PURGE_ON_CLAIM, purgeExpired } from "./idempotency-expiry.js";
import { idempotencyKeyOf, requestFingerprinter } from "./idempotency-key.js";
import { HttpError, refusal } from "./responses.js";
import { overriding } from "./overriding.js";

/** How long a claim holds its key: far past a route's run (its handler gives up on each call after 5 s). */
export const LEASE_MS = 60_000;
/**
 * A claim younger than this is taken as still running: a retry is told to come back in a second.
 * An older one has most likely lost its request (its process died, or a Worker's client went away):
 * a retry is told when its lease ends, rather than to spend a write of its limit every second.
 */
export const RUNNING_FOR_MS = 15_000;
export const STILL_RUNNING = "A request with this Idempotency-Key is still running: retry it unchanged";
export const KEY_REUSED = "This Idempotency-Key was used with another request: make a new key for a new request";

/**
 * What each keyed route answers for a command that committed (routes.js's answers, which the
 * attack suite holds a replay to), kept with the change in the commit.
 * @type {Record<"connect" | "refresh" | "disconnect", (record: { id: string }, context: import("./routes.js").RouteContext) => import("./responses.js").Reply>}
 */
const COMMITTED = {
  connect: (record) => ({ status: 201, body: { id: record.id }, headers: { location: `/providers/${record.id}` } }),
  refresh: (_, context) => ({ status: 201, body: { connectionId: context.id }, headers: { location: `/providers/${context.id}` } }),
  disconnect: () => ({ status: 204 }),
};

/**
 * @template {ReturnType<typeof import("./routes.js").connectionRoutes>} R
 * @param {(store: import("connect-provider/stores/sqlite").IdempotentConnectionStore) => R} makeRoutes the routes over a store
 * @param {{
 *   store: import("connect-provider/stores/sqlite").IdempotentConnectionStore,
 *   credentialKeys: Uint8Array[],
 *   retentionMs: number,
 *   logError: (fields: Record<string, unknown>) => void,
 * }} options
 * @returns {Promise<R>}
 */
export async function idempotentRoutes(makeRoutes, { store, credentialKeys, retentionMs, logError }) {
  if (!store.idempotency) throw new TypeError("idempotentRoutes: the store keeps no idempotency keys");
  const keys = store.idempotency;
  const fingerprints = await requestFingerprinter(credentialKeys);
  const plain = makeRoutes(store);

  /** @param {"connect" | "refresh" | "disconnect"} name */
  const keyed = (name) => async (/** @type {import("./routes.js").RouteContext} */ context) => {
    const key = idempotencyKeyOf(context.request);
    if (key === null) return plain[name](context);
    const { userId, request } = context;
    // A DELETE has no body: the route reads none, and none is part of its request.
    const { value, bytes } = name === "disconnect" ? { value: null, bytes: null } : await readJsonBody(request);
    // If-Match as the route reads it: an empty one is none (wrangler and some proxies drop an empty field).
    const ifMatch = request.headers.get("if-match")?.trim() || null;
    const prints = await fingerprints.of({ route: name, id: context.id, ifMatch, body: value });
    const now = Date.now();
    /** @type {import("connect-provider/stores/sqlite").IdempotencyClaim} */
    let claim = { state: "mismatch" };
    // Under the current key's fingerprint, then (after a key rotation) under an old key's.
    for (const print of prints) {
      claim = await keys.claim(userId, key, print, now, LEASE_MS);
      if (claim.state !== "mismatch") break;
    }
    context.note({ idempotency: claim.state });
    if (claim.state === "replay") return { ...claim.response, headers: { ...claim.response.headers, "idempotent-replayed": "true" } };
    if (claim.state === "running") return refusal(409, STILL_RUNNING, { "retry-after": String(retryAfterSeconds(claim.lockedUntil, now)) });
    if (claim.state === "mismatch") return refusal(422, KEY_REUSED);

    const { token } = claim;
    /** @type {import("./responses.js").Reply | null} what a commit kept, once one has */
    let committed = null;
    /** @type {typeof store.repository.commit} the store's commit, keeping the answer with the change */
    const commit = async (record, events, options) => {
      const response = COMMITTED[name](record, context);
      const written = await store.repository.commit(record, events, { ...options, idempotency: { userId, key, token, response } });
      if (written) committed = response;
      return written;
    };
    // The store with that commit in its repository; all else reached on the store itself.
    const completing = overriding(store, "repository", overriding(store.repository, "commit", commit));
    // The route reads the body again: the same bytes, in a request otherwise as it came.
    const headers = new Headers(request.headers);
    headers.delete("content-length");
    const again = new Request(request.url, { method: request.method, headers, body: bytes });
    /** @type {import("./responses.js").Reply} */
    let reply;
    try {
      reply = await makeRoutes(completing)[name]({ ...context, request: again });
    } catch (error) {
      // A refusal of the route's own (a field, If-Match) is an answer like the handlers' refusals,
      // kept under the key below: released, the key would run another body.
      if (!(error instanceof HttpError) || error.status >= 500) {
        await settle(() => keys.release(userId, key, token), "released", logError, context.requestId);
        throw error;
      }
      reply = refusal(error.status, error.message, error.headers);
    }
    // The log line says how the key ended: its answer kept with the commit, kept after, or released.
    if (committed !== null) {
      context.note({ idempotency: "committed" });
      if (reply.status < 300 && !sameAnswer(committed, reply)) logError({ requestId: context.requestId, msg: "idempotency: the answer kept differs from the route's" });
    } else if (reply.status < 500 && reply.status !== 409) {
      context.note({ idempotency: "kept" });
      await settle(() => keys.complete(userId, key, token, kept(reply)), "completed", logError, context.requestId);
    } else {
      context.note({ idempotency: "released" });
      await settle(() => keys.release(userId, key, token), "released", logError, context.requestId);
    }
    await purgeExpired(keys, { retentionMs, limit: PURGE_ON_CLAIM, now }, logError);
    return reply;
  };

  return { ...plain, connect: keyed("connect"), refresh: keyed("refresh"), disconnect: keyed("disconnect") };
}

/**
 * The seconds a retry of a running request should wait: 1 while its claim is young, then until its
 * lease ends (at most the lease).
 * @param {number} lockedUntil @param {number} now
 */
export function retryAfterSeconds(lockedUntil, now) {
  // A store written to the contract before lockedUntil answers none: as a young claim.
  if (!Number.isFinite(lockedUntil)) return 1;
  const left = Math.min(LEASE_MS, lockedUntil - now);
  return LEASE_MS - left < RUNNING_FOR_MS ? 1 : Math.max(1, Math.ceil(left / 1000));
}

/** What is kept of an answer: its status, body and Location (the answers carry no secret). @param {import("./responses.js").Reply} reply */
function kept({ status, body, headers }) {
  const location = headers?.location;
  return { status, ...(body === undefined ? {} : { body }), ...(location === undefined ? {} : { headers: { location } }) };
}

/** @param {import("./responses.js").Reply} a @param {import("./responses.js").Reply} b */
const sameAnswer = (a, b) => JSON.stringify(kept(a)) === JSON.stringify(kept(b));

/**
 * A complete or release whose failure is logged, not answered: the client has its answer, and the
 * lease frees the key in the end.
 * @param {() => Promise<boolean>} call @param {string} done @param {(fields: Record<string, unknown>) => void} logError @param {string} requestId
 */
async function settle(call, done, logError, requestId) {
  try {
    // A release finds nothing to free when the commit landed after all (a COMMIT whose reply was lost
    // keeps its answer), as well as when a retry took the claim over.
    const why = done === "released" ? "its answer was kept by a commit that landed after all, or its claim was taken over after its lease ran out" : "its claim was taken over after its lease ran out";
    if (!(await call())) logError({ requestId, msg: `idempotency: the key was not ${done}: ${why}` });
  } catch (error) {
    logError({ requestId, msg: `idempotency: the key was not ${done}`, error: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error) });
  }
}
