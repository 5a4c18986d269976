// What `store.sync` and commit's `mutation` option take, checked the same way by every store before
// any database sees it: a user id and a client id (1 to 255 and 1 to 100 characters, no U+0000),
// mutation numbers that are whole numbers from 0, an advance that goes forward, and the refusal an
// advance may keep; and the kept refusals as a store reads them back.

/** How many refusals a client keeps: a push holds at most 100 mutations, so a push sent again after
 * its answer was lost finds each of its refusals among the last 100. */
export const KEPT_REFUSALS = 100;
/** The longest refusal message kept (the services' are under 100): 100 of them, two bytes a character, fit one Deno KV value. */
export const MAX_REFUSAL_ERROR = 200;
/** What a client's kept state may take, at most: its number and dates, and 100 refusals of a 64-character code and the longest message. */
export const MAX_SYNC_ENTRY_BYTES = 512 + KEPT_REFUSALS * (64 + 2 * MAX_REFUSAL_ERROR + 64);
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

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
 * The refusal an advance keeps for its mutation: a code (capitals, digits and _, up to 64) and the
 * error told with it (1 to MAX_REFUSAL_ERROR characters without U+0000); null when absent.
 * @param {string} what @param {unknown} refusal
 * @returns {{ code: string, error: string } | null}
 */
export function checkedRefusal(what, refusal) {
  if (refusal === undefined || refusal === null) return null;
  if (typeof refusal !== "object") throw refused(what, "refusal must be an object { code, error }");
  const { code, error } = /** @type {Record<string, unknown>} */ (refusal);
  if (typeof code !== "string" || !CODE.test(code)) throw refused(what, "refusal.code must be 1 to 64 capitals, digits and _, from a capital");
  return { code, error: text(what, error, "refusal.error", MAX_REFUSAL_ERROR) };
}

/**
 * The refusals a client keeps once `to`'s is added (absent: as they were): the last KEPT_REFUSALS by
 * mutation number.
 * @param {{ id: number, code: string, error: string }[]} kept
 * @param {number} to @param {{ code: string, error: string } | null} refusal
 */
export function keptWith(kept, to, refusal) {
  return refusal === null ? kept : [...kept, { id: to, ...refusal }].slice(-KEPT_REFUSALS);
}

/**
 * The refusals a store holds for a client, as it wrote them (an array of { id, code, error }, by
 * id); `store` names the store in the error about a value it did not write.
 * @param {unknown} value the stored array (null or undefined: none)
 * @param {string} store
 * @returns {{ id: number, code: string, error: string }[]}
 */
export function keptRefusals(value, store) {
  if (value === null || value === undefined) return [];
  const foreign = () => new Error(`${store}: sync: a client's refusals hold a value this store did not write`);
  if (!Array.isArray(value) || value.length > KEPT_REFUSALS) throw foreign();
  let last = 0;
  return value.map((entry) => {
    const { id, code, error } = entry ?? {};
    if (!Number.isSafeInteger(id) || id <= last || typeof code !== "string" || !CODE.test(code) || typeof error !== "string") throw foreign();
    last = id;
    return { id, code, error };
  });
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
