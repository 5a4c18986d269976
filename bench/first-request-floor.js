// The floor Worker of bench/worker-first-request.mjs: fixed JSON and no handler, so its time is
// what starting workerd through Miniflare and one request cost before any handler is loaded.
export default {
  fetch: () => Response.json({ ok: true }),
};
