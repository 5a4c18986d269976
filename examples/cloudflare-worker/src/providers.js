// The routes about a user's existing connections, each one wasm handler over D1. The user is
// named as on the first routes: `?userId=` on a GET or DELETE, `userId` in a POST's body.
import {
  DisconnectProviderHandler,
  GetProviderConnectionHandler,
  ListProviderConnectionsHandler,
  RefreshProviderTokensHandler,
} from "connect-provider";
import { d1EventBus, d1Repository } from "./d1-store.js";
import { failure } from "./error-status.js";
import { HttpError, decodeCredentials, json, readJson } from "./http.js";

/** @typedef {import("./worker.js").RouteContext} RouteContext */
/** @typedef {import("connect-provider").HandlerResult<any>} Result */

const OPTIONS = { timeoutMs: 5000 };

/**
 * Runs one command or query on a handler made for this request, then frees its wasm side.
 * @param {{ handle(input: object): Promise<Result>, free(): void }} handler
 * @param {object} input
 * @param {(value: any) => Response} answer what a success looks like
 */
async function run(handler, input, answer) {
  try {
    const result = await handler.handle(input);
    return result.ok ? answer(result.value) : failure(result.error);
  } finally {
    handler.free();
  }
}

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

/** GET /providers?userId=[&active_only=true] -> 200 { connections, totalCount, activeCount } */
export function listProviders(/** @type {RouteContext} */ { url, env }) {
  const query = { userId: userIdOf(url), activeOnly: activeOnly(url.searchParams) };
  return run(new ListProviderConnectionsHandler(d1Repository(env.DB), OPTIONS), query, (list) => json(list));
}

/** GET /providers/:id?userId= -> 200 the connection's view */
export function getProvider(/** @type {RouteContext} */ { url, env, id }) {
  const query = { userId: userIdOf(url), connectionId: id };
  return run(new GetProviderConnectionHandler(d1Repository(env.DB), OPTIONS), query, (view) => json(view));
}

/** DELETE /providers/:id?userId= -> 204; the row stays, disconnected and without credentials. */
export function disconnect(/** @type {RouteContext} */ { url, env, id }) {
  const command = { userId: userIdOf(url), connectionId: id };
  const handler = new DisconnectProviderHandler(d1Repository(env.DB), d1EventBus(env.DB), OPTIONS);
  return run(handler, command, () => new Response(null, { status: 204 }));
}

/**
 * POST /providers/:id/token-refreshes { userId, credentials } -> 201 { connectionId }: a refresh is
 * a new fact about the connection; Location names the connection, whose view shows the new expiry.
 */
export async function refreshTokens(/** @type {RouteContext} */ { request, env, id }) {
  const body = await readJson(request);
  const command = { userId: body?.userId, connectionId: id, credentials: decodeCredentials(body?.credentials) };
  const handler = new RefreshProviderTokensHandler(d1Repository(env.DB), d1EventBus(env.DB), OPTIONS);
  return run(handler, command, () => json({ connectionId: id }, 201, { location: `/providers/${id}` }));
}
