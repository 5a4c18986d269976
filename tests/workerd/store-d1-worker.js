// The store conformance suite inside workerd, on the Worker's own D1 binding: `GET /cases` lists the
// cases, `POST /run/N` runs the N-th and answers { ok } or { ok: false, error }. One D1 database
// serves every case, emptied before each (the suite's cases run one at a time). Run by
// tests/js/store_d1.test.mjs in Miniflare and under `wrangler dev`.
import * as api from "connect-provider";
import { storeConformanceCases } from "connect-provider/stores/conformance";
import { d1Store } from "connect-provider/stores/d1";
import { d1Faulty } from "./store-d1-faulty.js";

const TABLES = ["provider_connections", "provider_connection_events", "idempotency_keys", "provider_connection_outbox", "connect_provider_relay_lease", "sync_clients", "connect_provider_migrations"];

function harness(env) {
  return {
    api,
    async fresh() {
      await env.DB.batch(TABLES.map((table) => env.DB.prepare(`DROP TABLE IF EXISTS ${table}`)));
      return {
        store: d1Store(env.DB),
        // A Worker's connection to D1 is its binding: a second binding to the same database.
        reopen: async () => d1Store(env.SAME_DB),
        // Two stores, one on each binding, migrating at once.
        async migrateConcurrently(count) {
          await Promise.all(Array.from({ length: count }, (_, i) => d1Store(i % 2 ? env.SAME_DB : env.DB).migrate()));
        },
        // The second binding, failing from a given query on.
        faulty: async (failFrom, mode) => d1Faulty(env.SAME_DB, failFrom, mode),
        async setVersion(connectionId, version) {
          await env.DB.prepare("UPDATE provider_connections SET version = ?1 WHERE id = ?2").bind(version, connectionId).run();
        },
        close: async () => {},
      };
    },
  };
}

export default {
  async fetch(request, env) {
    const cases = storeConformanceCases(harness(env));
    const { pathname } = new URL(request.url);
    if (pathname === "/cases") return Response.json(cases.map((c) => c.name));
    const chosen = cases[Number(pathname.slice("/run/".length))];
    if (request.method !== "POST" || !chosen) return new Response("not found", { status: 404 });
    try {
      await chosen.run();
      return Response.json({ ok: true });
    } catch (error) {
      return Response.json({ ok: false, error: String(error?.stack ?? error) });
    }
  },
};
