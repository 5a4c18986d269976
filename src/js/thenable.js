// Whether an adapter's answer must be awaited, in one call.

/**
 * True for an object or function whose `then` is a function, and for one whose `then` getter
 * throws, so that `Promise.resolve` turns the throw into the rejection it would be.
 */
export function isThenable(value) {
  if ((typeof value !== "object" || value === null) && typeof value !== "function") return false;
  try {
    return typeof value.then === "function";
  } catch {
    return true;
  }
}
