// The first routes: POST /connections connects a provider, GET /connections lists the raw rows.
import { ConnectProviderHandler } from "connect-provider";
import { d1EventBus, d1Repository } from "./d1-store.js";
import { decodeCredentials, json, readJson } from "./http.js";

/** @typedef {import("./worker.js").RouteContext} RouteContext */

/** POST /connections: the command as JSON -> 201 { id } | 422 { error } (any refusal). */
export async function connect(/** @type {RouteContext} */ { request, env }) {
  const body = await readJson(request);
  const command = body !== null && typeof body === "object" ? { ...body, credentials: decodeCredentials(body.credentials) } : body;
  const handler = new ConnectProviderHandler(d1Repository(env.DB), d1EventBus(env.DB), { timeoutMs: 5000 });
  try {
    const result = await handler.handle(command);
    return result.ok ? json({ id: result.value }, 201) : json({ error: result.error }, 422);
  } finally {
    handler.free();
  }
}

/** GET /connections?userId=: the user's rows, never the secret. */
export async function listConnectionRows(/** @type {RouteContext} */ { url, env }) {
  const { results } = await env.DB.prepare(
    "SELECT id, provider_slug, status, alias, credential_type, expires_at, connected_at FROM provider_connections WHERE user_id = ?1 ORDER BY id",
  )
    .bind(url.searchParams.get("userId"))
    .all();
  return json(results);
}
