// Times the store rows inside workerd, next to D1, as a Worker runs them: `POST /seed`, then
// `POST /time?row=connect&kind=wasm&ms=300` answers µs per command. bench/store-rows.mjs drives it.
import { d1Store } from "connect-provider/stores/d1";
import { timedLoop } from "./measure-loop.mjs";
import { handlers, seedList } from "./store-workload.mjs";

let rows;

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const store = d1Store(env.DB);
    rows ??= handlers(store);
    if (url.pathname === "/seed") {
      await seedList(store);
      return Response.json({ ok: true });
    }
    const row = rows[url.searchParams.get("row")];
    const handler = row?.[url.searchParams.get("kind")];
    if (!handler) return new Response("no such row", { status: 404 });
    const us = await timedLoop(row.run, handler, row.commands ?? 1, Number(url.searchParams.get("ms")));
    return Response.json({ us });
  },
};
