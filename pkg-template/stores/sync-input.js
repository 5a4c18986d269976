// What `store.sync` and commit's `mutation` option take, checked the same way by every store before
// any database sees it: a user id and a client id (1 to 255 and 1 to 100 characters, no U+0000),
// mutation numbers that are whole numbers from 0, and an advance that goes forward.

/** @param {string} what @param {string} detail */
const refused = (what, detail) => new RangeError(`sync.${what}: ${detail}`);

/** @param {string} what @param {unknown} value @param {string} name @param {number} max */
function text(what, value, name, max) {
  if (typeof value !== "string" || value.length === 0 || value.length > max || value.includes("\u0000")) {
    throw refused(what, `${name} must be a string of 1 to ${max} characters without U+0000`);
  }
  return value;
}

/** @param {string} what @param {unknown} userId @param {unknown} clientId */
export function checkedClient(what, userId, clientId) {
  return { userId: text(what, userId, "userId", 255), clientId: text(what, clientId, "clientId", 100) };
}

/** `from` then `to`, whole numbers with to > from >= 0. @param {string} what @param {unknown} from @param {unknown} to */
export function checkedAdvance(what, from, to) {
  const whole = (/** @type {unknown} */ n) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  if (!whole(from)) throw refused(what, "from must be a whole number from 0");
  if (!whole(to) || /** @type {number} */ (to) <= /** @type {number} */ (from)) throw refused(what, "to must be a whole number above from");
  return { from: /** @type {number} */ (from), to: /** @type {number} */ (to) };
}

/**
 * Commit's `mutation` option, checked; null when absent.
 * @param {string} where @param {unknown} mutation
 * @returns {{ userId: string, clientId: string, from: number, to: number } | null}
 */
export function checkedMutation(where, mutation) {
  if (mutation === undefined || mutation === null) return null;
  if (typeof mutation !== "object") throw new TypeError(`${where}: options.mutation must be an object`);
  const { userId, clientId, from, to } = /** @type {Record<string, unknown>} */ (mutation);
  return { ...checkedClient("advance", userId, clientId), ...checkedAdvance("advance", from, to) };
}

/** The refusal of a commit whose client has moved past `from` meanwhile (another push applied it). @param {string} where */
export function mutationLost(where) {
  return new Error(`${where}: the sync client's last mutation is no longer the one this commit follows (another push applied it); nothing was written`);
}
