// @ts-check
// Makes the page loadable offline: registers the service worker (public/sw.js) and keeps every
// same-origin file this load used in its cache, since the first load ran before the worker did.
// Whatever else the cache holds (an earlier version's files, a dev server's old module URLs, a
// navigation with a query) is removed, so the cache holds one version of the app, not all of them.

const CACHE = "connect-provider-app-v1";

/** Resolves once the page and its files are kept; resolves quietly where there are no service workers. */
export async function keepForOffline() {
  if (!("serviceWorker" in navigator)) return;
  await navigator.serviceWorker.register("/sw.js");
  await navigator.serviceWorker.ready;
  const files = /** @type {PerformanceResourceTiming[]} */ (performance.getEntriesByType("resource")).filter(
    ({ name }) => new URL(name).origin === location.origin && !name.endsWith("/sync-config.json"),
  );
  const cache = await caches.open(CACHE);
  // A stylesheet is asked for as CSS (a dev server answers a plain fetch of it with a module).
  const requestOf = (/** @type {PerformanceResourceTiming} */ entry) =>
    new Request(entry.name, entry.initiatorType === "link" || entry.initiatorType === "css" ? { headers: { accept: "text/css,*/*;q=0.1" } } : {});
  await Promise.all([new Request(location.origin + "/"), ...files.map(requestOf)].map((request) => cache.add(request).catch(() => undefined)));
  // A file this load used stays even when its add failed (offline): its kept copy is the one there is.
  const used = new Set([location.origin + "/", location.origin + location.pathname, ...files.map(({ name }) => name)]);
  await Promise.all((await cache.keys()).filter(({ url }) => !used.has(url)).map((request) => cache.delete(request)));
}
