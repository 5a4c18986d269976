// The few assertions the conformance suite needs, with no test framework, so its cases run under
// any runner in any runtime (node:test, Deno.test, a page in a browser, a Worker).

/** Throws unless `actual` and `expected` are deeply equal: same keys, same bytes, same order. */
export function deepEqual(actual, expected, message = "values differ") {
  const where = difference(actual, expected, "$");
  if (where !== null) throw new Error(`${message}: at ${where}`);
}

/** @returns {string | null} the path of the first difference */
function difference(actual, expected, path) {
  if (Object.is(actual, expected)) return null;
  if (ArrayBuffer.isView(expected)) {
    if (!(actual instanceof Uint8Array) || Object.getPrototypeOf(actual) !== Uint8Array.prototype) return `${path} (expected a plain Uint8Array)`;
    if (actual.length !== expected.byteLength) return `${path}.length (${actual.length} against ${expected.byteLength})`;
    const bytes = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
    const at = actual.findIndex((byte, i) => byte !== bytes[i]);
    return at === -1 ? null : `${path}[${at}]`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path} (expected an array)`;
    if (actual.length !== expected.length) return `${path}.length (${actual.length} against ${expected.length})`;
    for (let i = 0; i < expected.length; i += 1) {
      const found = difference(actual[i], expected[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return `${path} (expected an object)`;
    const keys = Object.keys(expected);
    const extra = Object.keys(actual).filter((key) => !Object.hasOwn(expected, key));
    if (extra.length) return `${path}.${extra[0]} (not expected)`;
    for (const key of keys) {
      if (!Object.hasOwn(actual, key)) return `${path}.${key} (missing)`;
      const found = difference(actual[key], expected[key], `${path}.${key}`);
      if (found !== null) return found;
    }
    return null;
  }
  return `${path} (${describe(actual)} against ${describe(expected)})`;
}

function describe(value) {
  return typeof value === "string" ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : String(value);
}

export function equal(actual, expected, message = "values differ") {
  if (!Object.is(actual, expected)) throw new Error(`${message}: ${describe(actual)} against ${describe(expected)}`);
}

export function ok(value, message) {
  if (!value) throw new Error(message);
}

/** Resolves with the error `promise` rejects with; throws if it resolves. */
export async function rejects(promise, message) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error(message);
}
