// A Worker that connects providers: POST /connections runs the wasm handler with a D1 repository
// and a D1 event outbox; GET /connections?userId=… lists a user's connections (never the secret).
import { ConnectProviderHandler } from "connect-provider";
import { d1EventBus, d1Repository } from "./d1-store.js";

const json = (body, status = 200) => Response.json(body, { status });

/** The request carries the encrypted credential as base64; the handler wants bytes. */
function toCommand(body) {
  const credentials = body?.credentials;
  if (credentials && typeof credentials.encryptedData === "string") {
    const binary = atob(credentials.encryptedData);
    credentials.encryptedData = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  }
  return body;
}

async function connect(request, env) {
  let body;
  try {
    body = await request.json();
  } catch {
    return json({ error: "Request body must be JSON" }, 400);
  }
  const handler = new ConnectProviderHandler(d1Repository(env.DB), d1EventBus(env.DB), { timeoutMs: 5000 });
  try {
    const result = await handler.handle(toCommand(body));
    return result.ok ? json({ id: result.value }, 201) : json({ error: result.error }, 422);
  } finally {
    handler.free();
  }
}

async function list(url, env) {
  const userId = url.searchParams.get("userId");
  const { results } = await env.DB.prepare(
    "SELECT id, provider_slug, status, alias, credential_type, expires_at, connected_at FROM provider_connections WHERE user_id = ?1 ORDER BY id",
  )
    .bind(userId)
    .all();
  return json(results);
}

export default {
  /** @param {Request} request */
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname !== "/connections") return json({ error: "Not found" }, 404);
    if (request.method === "POST") return connect(request, env);
    if (request.method === "GET") return list(url, env);
    return json({ error: "Method not allowed" }, 405);
  },
};
