// The routes over the package's handlers, one handler each, for the authenticated caller. No route
// reads a user id from the request: the caller is the token's `sub`, and a `userId` anywhere in a
// query or a body is ignored. A body's fields are picked by name, so nothing else reaches a handler;
// the provider's secret is sealed here, and only its sealed bytes go on.
import {
  ConnectProviderHandler,
  DisconnectProviderHandler,
  ErrorCode,
  GetProviderConnectionHandler,
  ListProviderConnectionsHandler,
  RefreshProviderTokensHandler,
} from "connect-provider";
import { readJsonObject } from "./body.js";
import { callerRepository } from "./caller-scope.js";
import { eventShown, statusOf } from "./error-status.js";
import { handleOnce } from "./handle-once.js";
import { sealedCredentials } from "./sealed-credentials.js";
import { HttpError, refusal } from "./responses.js";

const DEFAULT_EVENT_PAGE = 100;
const MAX_EVENT_PAGE = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What a route is given.
 * @typedef {{ request: Request, url: URL, id?: string, userId: string, requestId: string, note: (fields: Record<string, unknown>) => void }} RouteContext
 * @typedef {import("./responses.js").Reply} Reply
 */

/**
 * @param {{
 *   store: import("connect-provider/stores/sqlite").ConnectionStore,
 *   sealer: Awaited<ReturnType<typeof import("./seal.js").createSealer>>,
 *   logError: (fields: Record<string, unknown>) => void,
 * }} services
 */
export function connectionRoutes({ store, sealer, logError }) {
  /**
   * A handler made for this request over the caller's view of the store, run once, then freed.
   * @param {RouteContext} context
   * @param {(repository: object, options: object) => { handle(input: object): Promise<any>, free(): void }} make
   * @param {object} input
   * @param {(value: any) => Reply} answer what a success looks like
   * @returns {Promise<Reply>}
   */
  async function run(context, make, input, answer) {
    const repository = callerRepository(store.repository, context.userId, () => context.note({ foreignConnection: true }));
    const handler = make(repository, {
      timeoutMs: 5000,
      onEventBusError: (/** @type {unknown} */ error, /** @type {{ eventType?: string }} */ event) =>
        logError({ requestId: context.requestId, msg: "event not published", eventType: event?.eventType, error: messageOf(error) }),
    });
    const result = await handleOnce(handler, input);
    if (result.ok) return answer(result.value);
    const { status, error } = statusOf(result);
    if (status === 500) {
      logError({ requestId: context.requestId, msg: "handler failed", error: result.error });
      return { status, body: { error: "Internal error", requestId: context.requestId } };
    }
    context.note({ refused: error });
    return refusal(status, /** @type {string} */ (error));
  }

  const sealed = (/** @type {unknown} */ credentials, /** @type {string} */ userId) => sealedCredentials(sealer, credentials, userId);

  return {
    /** POST /connections { providerId, providerSlug, alias?, credentials } -> 201 { id } */
    async connect(/** @type {RouteContext} */ context) {
      const body = await readJsonObject(context.request);
      refuseAtEdge(body);
      const command = {
        userId: context.userId,
        providerId: body.providerId,
        providerSlug: body.providerSlug,
        ...(body.alias === undefined ? {} : { alias: body.alias }),
        credentials: await sealed(body.credentials, context.userId),
      };
      return run(context, (repository, options) => new ConnectProviderHandler(repository, store.eventBus, options), command, (id) => ({
        status: 201,
        body: { id },
        headers: { location: `/providers/${id}` },
      }));
    },

    /** GET /providers[?active_only=true] -> 200 { connections, totalCount, activeCount }, newest first */
    list(/** @type {RouteContext} */ context) {
      const query = { userId: context.userId, activeOnly: activeOnly(context.url.searchParams) };
      return run(context, (repository, options) => new ListProviderConnectionsHandler(repository, options), query, (body) => ({ status: 200, body }));
    },

    /** GET /providers/:id -> 200 the connection's view (never its credentials), ETag its version */
    get(/** @type {RouteContext} */ context) {
      const query = { userId: context.userId, connectionId: context.id };
      return run(context, (repository, options) => new GetProviderConnectionHandler(repository, options), query, (body) => ({
        status: 200,
        body,
        headers: { etag: entityTag(body.version) },
      }));
    },

    /** DELETE /providers/:id -> 204; the row stays, disconnected and without credentials */
    disconnect(/** @type {RouteContext} */ context) {
      const command = { userId: context.userId, connectionId: context.id, ...expected(context.request) };
      return run(context, (repository, options) => new DisconnectProviderHandler(repository, store.eventBus, options), command, () => ({ status: 204 }));
    },

    /** POST /providers/:id/token-refreshes { credentials } -> 201 { connectionId }, Location the connection */
    async refresh(/** @type {RouteContext} */ context) {
      const body = await readJsonObject(context.request);
      const command = {
        userId: context.userId,
        connectionId: context.id,
        credentials: await sealed(body.credentials, context.userId),
        ...expected(context.request),
      };
      return run(context, (repository, options) => new RefreshProviderTokensHandler(repository, store.eventBus, options), command, () => ({
        status: 201,
        body: { connectionId: context.id },
        headers: { location: `/providers/${context.id}` },
      }));
    },

    /** GET /events[?after=<eventId>&limit=n] -> 200 the caller's events, oldest first */
    async events(/** @type {RouteContext} */ context) {
      const params = context.url.searchParams;
      const after = params.get("after");
      if (after !== null && !UUID.test(after)) throw new HttpError(400, "after must be an event id");
      const limitText = params.get("limit");
      const limit = limitText === null ? DEFAULT_EVENT_PAGE : Number(limitText);
      if (!/^\d+$/.test(limitText ?? "1") || limit < 1 || limit > MAX_EVENT_PAGE) throw new HttpError(400, `limit must be a whole number from 1 to ${MAX_EVENT_PAGE}`);
      try {
        return { status: 200, body: (await store.events({ userId: context.userId, after, limit })).map(eventShown) };
      } catch (error) {
        // The one refusal events() makes of a checked query: an `after` that is none of the caller's events.
        if (error instanceof RangeError) throw new HttpError(400, "after is not one of your events");
        throw error;
      }
    },
  };
}

/**
 * The longest slug the edge hands the handler. Past the domain's 50 a slug is refused either way,
 * but the handler logs a refused connect as Attempted and Failed with the slug as sent: unbounded,
 * a user's refused writes would fill the log and every page of GET /events with 64 KiB slugs.
 */
export const SLUG_EDGE_MAX = 256;

/**
 * What the edge refuses in a connect before its handler, with the code and message the domain
 * gives such a field: U+0000 (PostgreSQL's text cannot hold it, so no deployment takes it: the same
 * 400 on every store rather than a database error on one), and a slug past SLUG_EDGE_MAX units.
 * @param {Record<string, unknown>} body
 */
export function refuseAtEdge(body) {
  const has = (/** @type {unknown} */ value) => typeof value === "string" && value.includes("\u0000");
  // The code the domain gives such a field, for a sync push's answer.
  const refused = (/** @type {string} */ code, /** @type {string} */ message) => Object.assign(new HttpError(400, message), { code });
  const slug = body.providerSlug;
  if (has(slug) || (typeof slug === "string" && slug.length > SLUG_EDGE_MAX)) throw refused(ErrorCode.INVALID_PROVIDER_SLUG, "Invalid provider slug");
  if (has(body.alias)) throw refused(ErrorCode.INVALID_COMMAND, "Invalid command: alias contains U+0000");
}

/** A connection's version as a strong entity tag. @param {number} version */
export const entityTag = (version) => `"${version}"`;

/**
 * `If-Match` as the command's `expectedVersion`: one strong tag (`"3"`) is that version;
 * `*`, no header or an empty one (some runtimes drop an empty field) expects none. The check is
 * the handler's, made on what it reads and again after a stale
 * write, so it holds in the same step as the write. A weak tag (`W/"3"`) never matches strongly,
 * and a list of tags cannot name one version: both are 400 rather than a 412 that would mislead.
 * @param {Request} request
 * @returns {{ expectedVersion?: number }}
 */
function expected(request) {
  const header = request.headers.get("if-match");
  if (header === null || header.trim() === "" || header.trim() === "*") return {};
  const match = /^\s*"([1-9][0-9]{0,15})"\s*$/.exec(header);
  const version = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(version)) throw new HttpError(400, 'If-Match must be one version\'s entity tag, as ETag gives it ("3"), or *');
  return { expectedVersion: version };
}

/** `?active_only=true|false`, false when absent. @param {URLSearchParams} params */
function activeOnly(params) {
  const value = params.get("active_only");
  if (value === null || value === "false") return false;
  if (value === "true") return true;
  throw new HttpError(400, "active_only must be true or false");
}


/** @param {unknown} error */
export function messageOf(error) {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);
}
