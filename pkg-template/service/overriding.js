// An object seen with one property answered otherwise, the rest read on the object itself: how
// the keyed routes and a sync push hand the routes and handlers a store whose commit also keeps an
// answer or advances a client, without copying the store (a copy loses a class's methods).

/**
 * `target` with `property` answered as `value`, and every other property read on `target` itself
 * (a function bound to it): a class's prototype methods and private fields work as they do on the
 * object, which a spread copy would lose. The Proxy stands on an empty object of the same
 * prototype, not on `target`, so a frozen target (whose own properties a Proxy of it must answer
 * as they are) is no exception.
 * @template {object} T @param {T} target @param {string} property @param {unknown} value @returns {T}
 */
export function overriding(target, property, value) {
  return /** @type {T} */ (
    new Proxy(Object.create(Object.getPrototypeOf(target)), {
      get(_, name) {
        if (name === property) return value;
        const found = Reflect.get(target, name, target);
        return typeof found === "function" ? found.bind(target) : found;
      },
      has: (_, name) => name === property || Reflect.has(target, name),
    })
  );
}
