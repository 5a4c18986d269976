// Reading the caller's objects. The wasm module decides what values mean; these only fetch,
// measure and copy, and never let a getter, a Proxy trap or a huge value through to wasm as an
// exception or an allocation. Built-ins are taken once, at load, so a prototype patched later
// cannot change what they do.

const isArray = Array.isArray;
const objectKeys = Object.keys;
const getPrototypeOf = Object.getPrototypeOf;
const objectPrototype = Object.prototype;
const isWellFormed = String.prototype.isWellFormed;
const LONE_SURROGATE = /\p{Surrogate}/u;
const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayName = Object.getOwnPropertyDescriptor(typedArrayPrototype, Symbol.toStringTag).get;
const typedArrayLength = Object.getOwnPropertyDescriptor(typedArrayPrototype, "length").get;
const typedArraySlice = typedArrayPrototype.slice;
const dateTime = Date.prototype.getTime;
const dateIso = Date.prototype.toISOString;

/** The longest string, largest byte array and most keys an object copy takes. */
const MAX_TEXT_UNITS = 1024;
const MAX_BYTES = 64 * 1024;
const MAX_KEYS = 64;
const MAX_DEPTH = 6;
/** All the bytes one copy may hold, however many Uint8Arrays they come in. */
const MAX_TOTAL_BYTES = 16 * 1024 * 1024;
let bytesLeft = 0;

/** One property read; a throwing getter or Proxy trap throws through to the caller's `catch`. */
export function readField(object, key) {
  return object[key];
}

/**
 * A text property in one call: the string itself when it is one of at most `maxUnits` UTF-16
 * units without a lone surrogate; a longer string wrapped in an array, unscanned, for the
 * module to keep as a JS value without copying it; else a number saying why not: -1 not a
 * string, -3 a lone surrogate, -4 the read threw, -5 null or undefined.
 */
export function readText(object, key, maxUnits) {
  let value;
  try {
    value = object[key];
  } catch {
    return -4;
  }
  if (typeof value !== "string") return value === null || value === undefined ? -5 : -1;
  if (value.length > maxUnits) return [value];
  return wellFormed(value) ? value : -3;
}

function wellFormed(text) {
  return isWellFormed ? isWellFormed.call(text) : !LONE_SURROGATE.test(text);
}

/** An object that is not an array; false for a revoked Proxy, whose `isArray` throws. */
export function isPlainObject(value) {
  try {
    return typeof value === "object" && value !== null && !isArray(value);
  } catch {
    return false;
  }
}

/** An array (a Proxy of one too); false for a revoked Proxy, whose `isArray` throws. */
export function isList(value) {
  try {
    return isArray(value);
  } catch {
    return false;
  }
}

/**
 * The length of a Uint8Array (a Buffer is one), or -1 for anything else, from its internal slots:
 * a Proxy, a subclass's getters or a borrowed prototype cannot lie about either.
 */
export function byteLength(value) {
  try {
    return typedArrayName.call(value) === "Uint8Array" ? typedArrayLength.call(value) : -1;
  } catch {
    return -1;
  }
}

/** Copies a Uint8Array measured by `byteLength` into wasm memory, through internal slots too. */
export function copyBytes(source, target) {
  target.set(source);
}

/**
 * A copy of what an adapter returned, made only of plain data, so that serde-wasm-bindgen (which
 * reads without catching) meets no getter, Proxy trap or cycle: objects keep their own
 * enumerable properties (at most 64), arrays at most `maxItems` items at the top and 64 below,
 * strings at most 1,024 UTF-16 units, Uint8Arrays at most 64 KiB each and 16 MiB together
 * (copied through their internal slots), a `Date` becomes its ISO string, a function stays
 * itself (options hold callbacks).
 * Anything else (a symbol, a bigint, another typed array, a lone surrogate, more depth) is
 * refused: this throws a string naming where.
 */
export function plainCopy(value, maxItems) {
  bytesLeft = MAX_TOTAL_BYTES;
  try {
    return copy(value, maxItems, 0, "");
  } catch (reason) {
    throw typeof reason === "string" ? reason : `could not be read (${describe(reason)})`;
  }
}

function copy(value, maxItems, depth, path) {
  switch (typeof value) {
    case "string":
      if (value.length > MAX_TEXT_UNITS) throw `${where(path)}is longer than ${MAX_TEXT_UNITS} characters`;
      if (!wellFormed(value)) throw `${where(path)}contains a lone UTF-16 surrogate`;
      return value;
    case "number":
    case "boolean":
    case "undefined":
    case "function":
      return value;
    case "object":
      if (value === null) return null;
      if (depth === MAX_DEPTH) throw `${where(path)}is nested too deeply`;
      return copyObject(value, maxItems, depth, path);
    default:
      throw `${where(path)}is a ${typeof value}`;
  }
}

function copyObject(value, maxItems, depth, path) {
  // The common case first: a plain object (no exception is thrown to find that out).
  const prototype = getPrototypeOf(value);
  if (prototype !== objectPrototype && prototype !== null) {
    const bytes = byteLength(value);
    if (bytes > MAX_BYTES) throw `${where(path)}holds more than ${MAX_BYTES} bytes`;
    if (bytes > bytesLeft) throw `${where(path)}is past ${MAX_TOTAL_BYTES} bytes in all`;
    if (bytes >= 0) {
      bytesLeft -= bytes;
      return typedArraySlice.call(value);
    }
    if (typedArrayName.call(value) !== undefined) throw `${where(path)}is a typed array that is not a Uint8Array`;
    if (isArray(value)) return copyArray(value, depth === 0 ? maxItems : MAX_KEYS, maxItems, depth, path);
    const iso = isoOfDate(value, path);
    if (iso !== undefined) return iso;
  }
  const keys = objectKeys(value);
  if (keys.length > MAX_KEYS) throw `${where(path)}has more than ${MAX_KEYS} properties`;
  const result = {};
  for (const key of keys) result[key] = copy(value[key], maxItems, depth + 1, path ? `${path}.${key}` : key);
  return result;
}

function copyArray(value, limit, maxItems, depth, path) {
  const length = value.length;
  if (length > limit) throw `${where(path)}has more than ${limit} items`;
  const items = new Array(length);
  for (let i = 0; i < length; i++) items[i] = copy(value[i], maxItems, depth + 1, `${path}[${i}]`);
  return items;
}

/** A `Date`'s ISO string (an invalid one is refused); `undefined` for anything else. */
function isoOfDate(value, path) {
  try {
    dateTime.call(value);
  } catch {
    return undefined;
  }
  try {
    return dateIso.call(value);
  } catch {
    throw `${where(path)}is an invalid Date`;
  }
}

function where(path) {
  return path ? `${path} ` : "";
}

function describe(error) {
  try {
    return typeof error?.message === "string" ? error.message : String(error);
  } catch {
    return "unknown error";
  }
}
