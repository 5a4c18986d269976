// A small structural assertion that runs unchanged in Node, Deno, workerd and browsers.

/** @param {unknown} value */
function describe(value) {
  if (value instanceof Uint8Array) return `Uint8Array[${Array.from(value).join(",")}]`;
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  if (typeof value !== "object" || value === null) return String(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(", ")}]`;
  const entries = Object.keys(value).map((key) => `${key}: ${describe(value[key])}`);
  return `{ ${entries.join(", ")} }`;
}

/** Strict deep equality: same own keys, same primitives (Object.is), same bytes. */
export function isEqual(actual, expected) {
  if (Object.is(actual, expected)) return true;
  if (actual instanceof Uint8Array || expected instanceof Uint8Array) {
    return (
      actual instanceof Uint8Array &&
      expected instanceof Uint8Array &&
      actual.length === expected.length &&
      actual.every((byte, i) => byte === expected[i])
    );
  }
  if (typeof actual !== "object" || typeof expected !== "object") return false;
  if (actual === null || expected === null) return false;
  if (Array.isArray(actual) !== Array.isArray(expected)) return false;
  const keys = Object.keys(expected);
  if (Object.keys(actual).length !== keys.length) return false;
  return keys.every((key) => Object.hasOwn(actual, key) && isEqual(actual[key], expected[key]));
}

export function expectEqual(actual, expected, label) {
  if (!isEqual(actual, expected)) {
    throw new Error(`${label}\n  expected: ${describe(expected)}\n  actual:   ${describe(actual)}`);
  }
}

export function expectTrue(condition, label) {
  if (!condition) throw new Error(label);
}
