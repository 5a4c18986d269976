// @ts-check
// The service's two sync routes over fetch (docs/sync.md): a push of pending mutations, a pull of
// what changed. A network failure, a timeout or a 5xx throws `SyncUnavailable` (try again later);
// a 401 throws `SyncRefused` (the token is no longer good: the user must sign in again); any other
// 4xx but 408 and 429 throws `SyncBadRequest` (the service will not take the request as it is).
// A 429 or 503 that says when to come back (`Retry-After`) carries it as `retryAfterMs`. A 200
// whose body is not the route's answer throws `SyncMalformed` (as unavailable): nothing of it is kept.

const TIMEOUT_MS = 15_000;
/** The longest wait a `Retry-After` is taken for: past it, the page's own timer decides. */
const LONGEST_RETRY_AFTER_MS = 60 * 60_000;

/**
 * How long a `Retry-After` asks to wait, in ms (RFC 9110 §10.2.3: seconds, or an HTTP date), at most
 * an hour; `null` when there is none or it is not one of the two.
 * @param {string | null} value @param {number} now
 */
export function retryAfterMs(value, now = Date.now()) {
  if (value === null) return null;
  const text = value.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : /[a-z]/i.test(text) ? Date.parse(text) - now : NaN;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), LONGEST_RETRY_AFTER_MS) : null;
}

export class SyncUnavailable extends Error {
  /** @param {string} message @param {number | null} [retryAfterMs] the wait the service asked for */
  constructor(message, retryAfterMs = null) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}
/** A 429: the user's write limit is reached for now (a push of many mutations meets it at its end). */
export class SyncBusy extends SyncUnavailable {}
/**
 * A 200 whose body is not the route's answer (another server on the address, a proxy's page, an
 * answer that does not move on): as if the service had not answered, so nothing of it is kept and
 * the next sync waits its turn, rather than pushing or pulling again at once.
 */
export class SyncMalformed extends SyncUnavailable {}
export class SyncRefused extends Error {}
/** A 4xx: the request was not one the service takes (a pull's cursor it no longer knows, a push it refuses whole). */
export class SyncBadRequest extends Error {
  /** @param {string} message @param {number} status */
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/**
 * @typedef {{ service: string, token: string }} SyncEndpoint
 * @typedef {{ id: number, applied?: "before", ok?: boolean, value?: string, code?: string, error?: string }} PushResult
 * @typedef {{ lastMutationId: number, results: PushResult[] }} PushAnswer
 * @typedef {{ connections: import("connect-provider").ProviderConnectionView[], events: import("connect-provider").ProviderEvent[], lastMutationId: number, cursor: string | null, more: boolean }} PullAnswer
 */

/** @param {unknown} value @returns {value is Record<string, any>} */
const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
/** @param {unknown} value @returns {value is number} */
const isCount = (value) => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

/**
 * A push's answer, checked: a result for each mutation the service looked at, in order, from the
 * first; once it answered them all, its `lastMutationId` is past every one (applied or refused).
 * @param {unknown} answer @param {{ id: number }[]} mutations
 * @returns {PushAnswer}
 */
export function pushAnswer(answer, mutations) {
  const malformed = (/** @type {string} */ why) => new SyncMalformed(`The service's push answer is malformed: ${why}`);
  if (!isObject(answer) || !isCount(answer.lastMutationId) || !Array.isArray(answer.results)) throw malformed("it needs lastMutationId and results");
  const { results } = answer;
  if (results.length > mutations.length) throw malformed("more results than mutations");
  results.forEach((result, i) => {
    if (!isObject(result) || result.id !== mutations[i].id) throw malformed(`result ${i} is not mutation ${mutations[i].id}'s`);
    // A result says the mutation is consumed (applied, before or now, or refused): the client's number is past it.
    if (result.id > answer.lastMutationId) throw malformed(`its lastMutationId is behind mutation ${result.id}, which it answered`);
  });
  if (results.length === mutations.length && mutations.length > 0 && answer.lastMutationId < mutations[mutations.length - 1].id) {
    throw malformed("its lastMutationId is behind the mutations it answered");
  }
  return /** @type {PushAnswer} */ (answer);
}

/**
 * A pull's answer, checked: every field of its shape, each event with its id (once), a page that
 * says there is more has moved past `cursor`, and the cursor it gives is its last event's id (the
 * cursor sent, when no event followed it), from which the next pull reads on.
 * @param {unknown} answer @param {string | null} cursor
 * @returns {PullAnswer}
 */
export function pullAnswer(answer, cursor) {
  const malformed = (/** @type {string} */ why) => new SyncMalformed(`The service's pull answer is malformed: ${why}`);
  if (
    !isObject(answer) || !Array.isArray(answer.connections) || !Array.isArray(answer.events) || !isCount(answer.lastMutationId) ||
    (answer.cursor !== null && typeof answer.cursor !== "string") || typeof answer.more !== "boolean"
  ) {
    throw malformed("it needs connections, events, lastMutationId, cursor and more");
  }
  if (!answer.connections.every((view) => isObject(view) && typeof view.id === "string")) throw malformed("a connection without its id");
  if (!answer.events.every((event) => isObject(event) && typeof event.eventId === "string")) throw malformed("an event without its eventId");
  if (answer.more && (answer.events.length === 0 || answer.cursor === cursor)) throw malformed("more to come, but no event past the cursor");
  if (new Set(answer.events.map((event) => event.eventId)).size !== answer.events.length) throw malformed("an eventId twice");
  if (answer.cursor !== (answer.events.at(-1)?.eventId ?? cursor)) throw malformed("its cursor is not its last event's id (nor, with no event, the cursor sent)");
  return /** @type {PullAnswer} */ (answer);
}

/** @param {SyncEndpoint} endpoint */
export function syncClient({ service, token }) {
  /** @param {string} path @param {RequestInit} [init] */
  async function call(path, init = {}) {
    let response;
    try {
      response = await fetch(new URL(path, service), {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.body ? { "content-type": "application/json" } : {}) },
        signal: AbortSignal.timeout(TIMEOUT_MS),
        cache: "no-store",
      });
    } catch (error) {
      throw new SyncUnavailable(`The service could not be reached: ${/** @type {Error} */ (error).message}`);
    }
    const { status } = response;
    if (status === 401) throw new SyncRefused("The service did not accept this sign-in");
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      throw new SyncBadRequest(`The service refused the request (${status}): ${(await response.json().catch(() => ({}))).error}`, status);
    }
    const wait = retryAfterMs(response.headers.get("retry-after"));
    if (status === 429) throw new SyncBusy("The service asked to wait: too many changes this minute", wait);
    if (!response.ok) throw new SyncUnavailable(`The service answered ${status}`, status === 503 ? wait : null);
    try {
      return await response.json();
    } catch (error) {
      // The body cut off (a timeout while reading it) or not JSON: as if the service had not answered.
      throw new SyncUnavailable(`The service's answer could not be read: ${/** @type {Error} */ (error).message}`);
    }
  }
  return {
    /** The key a queued secret is sealed to (crypto/service-sealer.js). @returns {Promise<unknown>} */
    key: () => call("sync/key"),
    /** @param {string} clientId @param {{ id: number, name: string, args: object }[]} mutations @returns {Promise<PushAnswer>} */
    push: async (clientId, mutations) => pushAnswer(await call("sync/push", { method: "POST", body: JSON.stringify({ clientId, mutations }) }), mutations),
    /** @param {string} clientId @param {string | null} cursor @returns {Promise<PullAnswer>} */
    pull: async (clientId, cursor) => pullAnswer(await call(`sync/pull?${new URLSearchParams({ clientId, ...(cursor ? { cursor } : {}) })}`), cursor),
  };
}
