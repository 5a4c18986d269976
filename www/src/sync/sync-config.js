// @ts-check
// Where the page syncs, and as whom: `sync-config.json` beside the page gives the service's URL, a
// token and the token's user (npm start serves one for a local development user; a real app
// would get the token from its sign-in). The last one read is kept for the page's offline loads,
// and for a moment when the host answers 5xx; any other answer is the host's word, and one that
// is not a config (a 404, a sign-in page, a redirect to one) signs the kept one out; a redirect within this origin
// is followed. Without one, the app keeps its
// connections in this browser alone.

const KEPT = "connect-provider.syncConfig";
/** How long the page waits for the host's config before it starts on the one kept (a network that connects and never answers). */
const CONFIG_WAIT_MS = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Hosts a token may go to over plain HTTP: this machine. */
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** @typedef {{ service: string, token: string, userId: string, syncEveryMs: number }} SyncConfig */

/** A config the page cannot sync with, and which of its fields is why. */
export class SyncConfigError extends Error {}

/**
 * @returns {Promise<SyncConfig | null>}
 * @throws {SyncConfigError} the host's config (or the kept one) is not one to sync with
 */
export async function syncConfig() {
  // One deadline for the fetch, a redirect's fetch and the body: a host that does not answer in
  // time says nothing of the sign-in, so the page starts on the config it kept.
  const signal = AbortSignal.timeout(CONFIG_WAIT_MS);
  /** @type {Response} */
  let response;
  try {
    // A redirect is not followed blindly: a sign-in page elsewhere sends no CORS headers, so the
    // followed fetch would reject as the network down does, and the page would sync on as the last user.
    response = await fetch("./sync-config.json", { cache: "no-store", redirect: "manual", signal });
  } catch {
    return kept();
  }
  if (response.type === "opaqueredirect") response = await redirected(signal);
  if (signal.aborted) return kept();
  // A host failing, or asking to be tried later, says nothing of the sign-in: keep the config read last.
  if (response.status >= 500 || response.status === 408 || response.status === 429) return kept();
  // The kept config is replaced in one write, never removed first: each write tells the other open
  // tabs (watchSignIn), and a reload of the same user's tab must not read to them as a sign-out.
  const body = response.ok ? await response.json().catch(() => null) : null;
  // The body cut off by the deadline: not an answer either way.
  if (signal.aborted) return kept();
  let config = null;
  try {
    if (response.ok) config = checked(body);
  } finally {
    if (config) localStorage.setItem(KEPT, JSON.stringify(config));
    else localStorage.removeItem(KEPT);
  }
  return config;
}

/**
 * The config's answer when the host redirected it: the host is up and has answered, so a followed
 * fetch that fails, or that ends on another origin, is a sign-in elsewhere (no config); one that
 * ends on this origin is the config moved, read as the config.
 * @returns {Promise<Response>}
 */
async function redirected(/** @type {AbortSignal} */ signal) {
  const signedOut = new Response(null, { status: 401 });
  try {
    const response = await fetch("./sync-config.json", { cache: "no-store", redirect: "follow", signal });
    return new URL(response.url).origin === location.origin ? response : signedOut;
  } catch {
    return signedOut;
  }
}

/**
 * Calls `onSignedOut` once when another tab reads a config that is not `userId`'s (another user's
 * sign-in, or a sign-out): this page then stops acting as `userId`. The same user's config read
 * again (a reload, a new token) changes nothing.
 * @param {string} userId @param {() => void} onSignedOut
 */
export function watchSignIn(userId, onSignedOut) {
  const watch = (/** @type {StorageEvent} */ event) => {
    if (event.storageArea !== localStorage || (event.key !== null && event.key !== KEPT)) return;
    let now = null;
    try {
      now = kept()?.userId ?? null;
    } catch {
      // A config that is no config: no one's.
    }
    if (now === userId) return;
    window.removeEventListener("storage", watch);
    onSignedOut();
  };
  window.addEventListener("storage", watch);
}

/** The config the page read last (offline, or the host failing), if any. */
function kept() {
  const text = localStorage.getItem(KEPT);
  if (!text) return null;
  try {
    return checked(JSON.parse(text));
  } catch (error) {
    localStorage.removeItem(KEPT);
    throw error;
  }
}

/**
 * The config as the page uses it: `userId` lower-cased, as the service reads a token's user.
 * @param {any} value a 200's JSON: anything but a config object is no config (a sign-in page, say)
 * @returns {SyncConfig | null}
 */
function checked(value) {
  if (value === null || typeof value !== "object") return null;
  const fail = (/** @type {string} */ why) => {
    throw new SyncConfigError(`sync-config.json: ${why}`);
  };
  if (typeof value.userId !== "string" || !UUID.test(value.userId)) fail("userId must be a UUID");
  if (typeof value.token !== "string" || value.token === "") fail("token must be a non-empty string");
  let url;
  try {
    url = new URL(value.service);
  } catch {
    return fail("service must be an absolute URL");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) fail("service must be an https URL (http only to this machine)");
  const every = Number(value.syncEveryMs);
  // A base for the routes' relative URLs: a path the service sits under ends in "/", or `new URL` drops it.
  const service = new URL(url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`, url).href;
  return { service, token: value.token, userId: value.userId.toLowerCase(), syncEveryMs: Number.isFinite(every) && every >= 1000 ? every : 30_000 };
}
