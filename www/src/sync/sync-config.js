// @ts-check
// Where the page syncs, and as whom: `sync-config.json` beside the page gives the service's URL, a
// token and the token's user (npm start serves one for a local development user; a real app
// would get the token from its sign-in). The last one read is kept for the page's offline loads.
// Without one, the app keeps its connections in this browser alone.

const KEPT = "connect-provider.syncConfig";

/** @typedef {{ service: string, token: string, userId: string, syncEveryMs: number }} SyncConfig */

/** @returns {Promise<SyncConfig | null>} */
export async function syncConfig() {
  try {
    const response = await fetch("./sync-config.json", { cache: "no-store" });
    if (response.ok) {
      const config = checked(await response.json());
      if (config) {
        localStorage.setItem(KEPT, JSON.stringify(config));
        return config;
      }
    }
    if (response.status === 404) {
      localStorage.removeItem(KEPT);
      return null;
    }
  } catch {
    // Offline: the config the page read last.
  }
  const kept = localStorage.getItem(KEPT);
  return kept ? checked(JSON.parse(kept)) : null;
}

/** @param {any} value @returns {SyncConfig | null} */
function checked(value) {
  if (typeof value?.service !== "string" || typeof value.token !== "string" || typeof value.userId !== "string") return null;
  const every = Number(value.syncEveryMs);
  return { service: value.service, token: value.token, userId: value.userId, syncEveryMs: Number.isFinite(every) && every >= 1000 ? every : 30_000 };
}
