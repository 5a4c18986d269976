// A database client that fails from its failFrom-th call on, every call after too, as one whose
// database went away: the store conformance suite's faulty() of every harness (Node, Deno, the
// browser and workerd), so it lives in this folder, which `wrangler dev` gets a copy of. With
// `after`, the failFrom-th call reaches the database and only its answer is lost (a COMMIT that
// landed as the connection dropped); the calls after it fail as before.
//
// The client, and what its calls hand back that `wraps` says is part of it (a statement, a pooled
// connection, an atomic operation, a transaction…), are Proxies: each call of a method that
// `counts` is numbered, and from failFrom on it fails (a throw, or a rejected promise where
// `rejects` says the method is async) without reaching the database. A method that is how a
// client lets go (close, end, release, abort) is never failed: a database that goes away takes
// its transactions with it, and these are how the test makes it go.

const NEVER_FAILED = new Set(["close", "end", "release", "abort", "dispose", "addEventListener", "removeEventListener"]);

/**
 * @param {object} client
 * @param {number} failFrom the first call to fail (1 for the first); Infinity for a healthy client
 * @param {{
 *   counts: (method: string) => boolean,
 *   wraps: (value: unknown) => boolean,
 *   rejects?: (method: string) => boolean,
 *   after?: boolean | ((method: string) => boolean),
 * }} options `after`: for which methods the failFrom-th call reaches the database first (true: all)
 */
export function faultyClient(client, failFrom, { counts, wraps, rejects = () => false, after = false }) {
  let calls = 0;
  /** @type {WeakMap<object, object>} */
  const targets = new WeakMap();
  const unwrap = (/** @type {unknown} */ value) => {
    if (Array.isArray(value)) return value.map(unwrap);
    return value !== null && typeof value === "object" && targets.has(value) ? targets.get(value) : value;
  };
  const wrapped = (/** @type {unknown} */ value) => {
    if (value instanceof Promise) return value.then(wrapped);
    return wraps(value) ? wrap(/** @type {object} */ (value)) : value;
  };
  const wrap = (/** @type {any} */ target) => {
    const proxy = new Proxy(target, {
      get(t, key) {
        const value = Reflect.get(t, key, t);
        if (typeof value !== "function" || typeof key !== "string") return wrapped(value);
        return (/** @type {unknown[]} */ ...args) => {
          if (counts(key) && !NEVER_FAILED.has(key)) {
            calls += 1;
            if (calls >= failFrom) {
              const error = Object.assign(new Error(`the database went away (a fault the test injected at call ${calls}, ${key})`), { code: "FAULT_INJECTED" });
              if (calls === failFrom && (after === true || (typeof after === "function" && after(key)))) {
                // The call runs; its answer is lost.
                const ran = value.apply(t, args.map(unwrap));
                if (typeof ran?.then === "function") return Promise.resolve(ran).then(() => Promise.reject(error), () => Promise.reject(error));
                throw error;
              }
              if (rejects(key)) return Promise.reject(error);
              throw error;
            }
          }
          return wrapped(value.apply(t, args.map(unwrap)));
        };
      },
      set(t, key, value) {
        // Native setters (an IDB request's onsuccess) need the real object as `this`.
        return Reflect.set(t, key, value, t);
      },
    });
    targets.set(proxy, target);
    return proxy;
  };
  return {
    client: wrap(client),
    /** Whether a call has failed yet. */
    reached: () => calls >= failFrom,
    /** How many counted calls were made. */
    calls: () => calls,
  };
}
