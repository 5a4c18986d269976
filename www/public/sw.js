// The app's service worker: it lets the page load with no network. Each same-origin GET goes to the
// network first and its answer is kept; with no network, the kept answer serves (a navigation gets
// the kept page). Calls to the service (another origin) are not touched: they fail offline, and the
// page keeps its commands for later; so are calls that carry a token, should the service share the
// app's origin (a kept answer of the service's would be a stale, signed-in one).
const CACHE = "connect-provider-app-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.endsWith("/sync-config.json")) return;
  if (request.headers.has("authorization")) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        const response = await fetch(request);
        // Kept in the background: a full disk must not turn this fresh answer into the kept one.
        if (response.ok) event.waitUntil(cache.put(request, response.clone()).catch(() => {}));
        return response;
      } catch (error) {
        // Vite answers `Vary: Origin`, and a module script is fetched with an Origin header: match on the URL.
        const kept = (await cache.match(request, { ignoreVary: true })) ?? (request.mode === "navigate" ? await cache.match("/", { ignoreVary: true }) : undefined);
        if (kept) return kept;
        throw error;
      }
    })(),
  );
});
