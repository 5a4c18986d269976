#!/usr/bin/env node
// An HTTP service (node:http) that connects providers with the wasm handler over SQLite.
//   POST /connections          JSON command, credentials.encryptedData as base64 -> 201 { id } | 422 { error }
//   GET  /connections?userId=  the user's connections (never the secret)
//   GET  /events?userId=       the user's domain events, oldest first
//   DATABASE=path PORT=8787 HOST=127.0.0.1 node examples/node-service/server.mjs
import { createServer } from "node:http";
import { ConnectProviderHandler } from "connect-provider";
import { openDatabase, sqliteEventBus, sqliteRepository } from "../node/sqlite-store.mjs";

const MAX_BODY_BYTES = 64 * 1024;

function send(response, status, body) {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function readJson(request) {
  let size = 0;
  const chunks = [];
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error("Request body too large"), { status: 413 });
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw Object.assign(new Error("Request body must be JSON"), { status: 400 });
  }
}

/** The wire carries the encrypted credential as base64; the handler wants bytes. */
function toCommand(body) {
  const credentials = body?.credentials;
  if (credentials && typeof credentials.encryptedData === "string") {
    credentials.encryptedData = new Uint8Array(Buffer.from(credentials.encryptedData, "base64"));
  }
  return body;
}

export function createService(db) {
  const handler = new ConnectProviderHandler(sqliteRepository(db), sqliteEventBus(db), { timeoutMs: 5000 });
  const listConnections = db.prepare(
    "SELECT id, provider_slug, status, alias, credential_type, expires_at, connected_at FROM provider_connections WHERE user_id = ? ORDER BY id",
  );
  const listEvents = db.prepare("SELECT payload FROM domain_events WHERE json_extract(payload, '$.userId') = ? ORDER BY event_id");

  return createServer(async (request, response) => {
    const url = new URL(request.url, "http://localhost");
    try {
      if (url.pathname === "/connections" && request.method === "POST") {
        const result = await handler.handle(toCommand(await readJson(request)));
        return result.ok ? send(response, 201, { id: result.value }) : send(response, 422, { error: result.error });
      }
      if (url.pathname === "/connections" && request.method === "GET") {
        return send(response, 200, listConnections.all(url.searchParams.get("userId")));
      }
      if (url.pathname === "/events" && request.method === "GET") {
        return send(response, 200, listEvents.all(url.searchParams.get("userId")).map((row) => JSON.parse(row.payload)));
      }
      send(response, 404, { error: "Not found" });
    } catch (error) {
      send(response, error.status ?? 500, { error: error.status ? error.message : "Internal error" });
    }
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const db = openDatabase(process.env.DATABASE ?? new URL("./service.sqlite", import.meta.url).pathname);
  const server = createService(db);
  server.listen(Number(process.env.PORT ?? 8787), process.env.HOST ?? "127.0.0.1", () => {
    const { address, port } = server.address();
    console.log(`connect-provider service listening on http://${address}:${port}`);
  });
  const stop = () => server.close(() => db.close());
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
