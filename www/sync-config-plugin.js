// A Vite plugin that serves the page's `sync-config.json` (the service's URL, a token and its user;
// see src/sync/sync-config.js) from memory: `npm start` and the tests hand it a development token,
// which so never lands in a file under www/. Each request reads `config` as it is then (a test signs
// another user in by changing it).
/**
 * @param {{ service: string, token: string, userId: string, syncEveryMs?: number }} config
 * @returns {import("vite").Plugin}
 */
export function syncConfigPlugin(config) {
  return {
    name: "connect-provider-sync-config",
    configureServer(server) {
      server.middlewares.use("/sync-config.json", (_request, response) => {
        response.setHeader("content-type", "application/json");
        response.setHeader("cache-control", "no-store");
        response.end(JSON.stringify(config));
      });
    },
  };
}
