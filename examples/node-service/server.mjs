#!/usr/bin/env node
// An HTTP service (node:http) for a user's provider connections over SQLite, each route one wasm handler:
//   POST   /connections                    connect                  -> 201 { id } | 422 { error }
//   GET    /connections?userId=            the user's rows, never the secret
//   GET    /events?userId=                 the user's domain events, oldest first
//   GET    /providers?userId=[&active_only=true]                    -> 200 { connections, totalCount, activeCount }
//   GET    /providers/:id?userId=          one connection's view    -> 200
//   DELETE /providers/:id?userId=          disconnect               -> 204
//   POST   /providers/:id/token-refreshes  { userId, credentials }  -> 201 { connectionId }
// Refusals: not found 404, not owned or not active 403, invalid 400, a database error 500.
// Every EXPIRING_JOB_INTERVAL_MS (10 minutes) it lists the connections whose credentials expire soon.
//   DATABASE=path PORT=8787 HOST=127.0.0.1 EXPIRING_JOB_INTERVAL_MS=600000 node examples/node-service/server.mjs
import { createServer } from "node:http";
import { ConnectProviderHandler } from "connect-provider";
import { openDatabase, sqliteEventBus, sqliteRepository } from "../node/sqlite-store.mjs";
import { DEFAULT_INTERVAL_MS, everyInterval, expiringJob } from "./expiring-job.mjs";
import { HttpError, decodeCredentials, readJson, send } from "./http.mjs";
import { providerRoutes } from "./providers.mjs";

/** @typedef {import("./http.mjs").Reply} Reply */
/** @typedef {import("./providers.mjs").RouteContext} RouteContext */

/** The first routes: connect, and the raw rows and events. */
function connectionRoutes(db) {
  const handler = new ConnectProviderHandler(sqliteRepository(db), sqliteEventBus(db), { timeoutMs: 5000 });
  const listConnections = db.prepare(
    "SELECT id, provider_slug, status, alias, credential_type, expires_at, connected_at FROM provider_connections WHERE user_id = ? ORDER BY id",
  );
  const listEvents = db.prepare("SELECT payload FROM domain_events WHERE json_extract(payload, '$.userId') = ? ORDER BY event_id");
  return {
    /** @returns {Promise<Reply>} */
    async connect(/** @type {RouteContext} */ { request }) {
      const body = await readJson(request);
      const command = body !== null && typeof body === "object" ? { ...body, credentials: decodeCredentials(body.credentials) } : body;
      const result = await handler.handle(command);
      return result.ok ? { status: 201, body: { id: result.value } } : { status: 422, body: { error: result.error } };
    },
    /** @returns {Reply} */
    rows: ({ url }) => ({ status: 200, body: listConnections.all(url.searchParams.get("userId")) }),
    /** @returns {Reply} */
    events: ({ url }) => ({ status: 200, body: listEvents.all(url.searchParams.get("userId")).map((row) => JSON.parse(row.payload)) }),
  };
}

export function createService(db) {
  const connections = connectionRoutes(db);
  const providers = providerRoutes(db);
  // The id is passed on as the path has it: a connection id is a UUID, which needs no decoding,
  // and anything else is refused by the handler as an invalid command.
  /** @type {[RegExp, Record<string, (context: RouteContext) => Reply | Promise<Reply>>][]} */
  const routes = [
    [/^\/connections$/, { POST: connections.connect, GET: connections.rows }],
    [/^\/events$/, { GET: connections.events }],
    [/^\/providers$/, { GET: providers.list }],
    [/^\/providers\/([^/]+)$/, { GET: providers.get, DELETE: providers.disconnect }],
    [/^\/providers\/([^/]+)\/token-refreshes$/, { POST: providers.refresh }],
  ];

  /** @returns {Promise<Reply>} */
  async function route(request) {
    const url = new URL(request.url, "http://localhost");
    for (const [pattern, methods] of routes) {
      const match = pattern.exec(url.pathname);
      if (!match) continue;
      const handle = methods[request.method];
      if (!handle) return { status: 405, body: { error: "Method not allowed" }, headers: { allow: Object.keys(methods).join(", ") } };
      return handle({ request, url, id: match[1] });
    }
    return { status: 404, body: { error: "Not found" } };
  }

  return createServer(async (request, response) => {
    try {
      send(response, await route(request));
    } catch (error) {
      if (!(error instanceof HttpError)) console.error(error);
      send(response, error instanceof HttpError ? { status: error.status, body: { error: error.message } } : { status: 500, body: { error: "Internal error" } });
    }
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const db = openDatabase(process.env.DATABASE ?? new URL("./service.sqlite", import.meta.url).pathname);
  const server = createService(db);
  const job = everyInterval(expiringJob(db), Number(process.env.EXPIRING_JOB_INTERVAL_MS ?? DEFAULT_INTERVAL_MS), (run) => {
    if (run.error) console.error(`refresh run at ${run.ranAt} failed: ${run.error}`);
    else console.log(`refresh run at ${run.ranAt}: ${JSON.stringify(run.connectionIds)} expire within ${run.withinMinutes} minutes`);
  });
  server.listen(Number(process.env.PORT ?? 8787), process.env.HOST ?? "127.0.0.1", () => {
    const { address, port } = server.address();
    console.log(`connect-provider service listening on http://${address}:${port}`);
  });
  // The database closes once no request and no job run can still use it.
  const stop = async () => {
    const closed = new Promise((resolve) => server.close(resolve));
    await Promise.all([job.stop(), closed]);
    db.close();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
