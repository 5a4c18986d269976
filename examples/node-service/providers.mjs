// The routes about a user's existing connections, each one wasm handler over SQLite. The user is
// named as on the first routes: `?userId=` on a GET or DELETE, `userId` in a POST's body.
import {
  DisconnectProviderHandler,
  GetProviderConnectionHandler,
  ListProviderConnectionsHandler,
  RefreshProviderTokensHandler,
} from "connect-provider";
import { sqliteEventBus, sqliteRepository } from "../node/sqlite-store.mjs";
import { failure } from "./error-status.mjs";
import { HttpError, decodeCredentials, readJson } from "./http.mjs";

/** @typedef {import("./http.mjs").Reply} Reply */
/**
 * A request as the routes get it; `id` is the path's connection id (on the routes without one, undefined).
 * @typedef {{ request: import("node:http").IncomingMessage, url: URL, id: string }} RouteContext
 */

const OPTIONS = { timeoutMs: 5000 };

/**
 * @param {import("connect-provider").HandlerResult<any>} result
 * @param {(value: any) => Reply} answer what a success looks like
 */
const reply = (result, answer) => (result.ok ? answer(result.value) : failure(result.error));

/**
 * `?userId=`, null when absent: the handler refuses that as an invalid command (400), so it is
 * passed on rather than checked twice.
 * @param {URL} url
 */
const userIdOf = (url) => /** @type {string} */ (url.searchParams.get("userId"));

/** `?active_only=true|false`, false when absent. @param {URLSearchParams} params */
function activeOnly(params) {
  const value = params.get("active_only");
  if (value === null || value === "false") return false;
  if (value === "true") return true;
  throw new HttpError(400, "active_only must be true or false");
}

/** The routes' functions, over one set of handlers for the life of the service. */
export function providerRoutes(db) {
  const repository = sqliteRepository(db);
  const eventBus = sqliteEventBus(db);
  const list = new ListProviderConnectionsHandler(repository, OPTIONS);
  const get = new GetProviderConnectionHandler(repository, OPTIONS);
  const disconnect = new DisconnectProviderHandler(repository, eventBus, OPTIONS);
  const refresh = new RefreshProviderTokensHandler(repository, eventBus, OPTIONS);

  return {
    /** GET /providers?userId=[&active_only=true] -> 200 { connections, totalCount, activeCount } */
    async list(/** @type {RouteContext} */ { url }) {
      const query = { userId: userIdOf(url), activeOnly: activeOnly(url.searchParams) };
      return reply(await list.handle(query), (body) => ({ status: 200, body }));
    },

    /** GET /providers/:id?userId= -> 200 the connection's view */
    async get(/** @type {RouteContext} */ { url, id }) {
      const query = { userId: userIdOf(url), connectionId: id };
      return reply(await get.handle(query), (body) => ({ status: 200, body }));
    },

    /** DELETE /providers/:id?userId= -> 204; the row stays, disconnected and without credentials. */
    async disconnect(/** @type {RouteContext} */ { url, id }) {
      const command = { userId: userIdOf(url), connectionId: id };
      return reply(await disconnect.handle(command), () => ({ status: 204 }));
    },

    /**
     * POST /providers/:id/token-refreshes { userId, credentials } -> 201 { connectionId }: a
     * refresh is a new fact about the connection; Location names the connection, whose view shows
     * the new expiry.
     */
    async refresh(/** @type {RouteContext} */ { request, id }) {
      const body = await readJson(request);
      const command = { userId: body?.userId, connectionId: id, credentials: decodeCredentials(body?.credentials) };
      return reply(await refresh.handle(command), () => ({
        status: 201,
        body: { connectionId: id },
        headers: { location: `/providers/${id}` },
      }));
    },
  };
}
