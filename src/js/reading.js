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

/**
 * The limits and tags, set once at load by the wasm module (src/js/seam.rs), where each is
 * defined: nothing here restates a number the module checks against.
 */
let limits;
const tag = {};
let bytesLeft = 0;

/** `tagNames`: the tags' names in the order of their numbers, separated by spaces. */
export function configure(maxTextUnits, maxBytes, maxKeys, maxDepth, maxTotalBytes, tagNames) {
  limits = { maxTextUnits, maxBytes, maxKeys, maxDepth, maxTotalBytes };
  tagNames.split(" ").forEach((name, number) => {
    tag[name] = number;
  });
}

/** One property read; a throwing getter or Proxy trap throws through to the caller's `catch`. */
export function readField(object, key) {
  return object[key];
}

/**
 * A text property in one call: the string itself when it is one of at most `maxUnits` UTF-16
 * units without a lone surrogate; a longer string wrapped in an array, unscanned, for the
 * module to keep as a JS value without copying it; else the tag saying why not.
 */
export function readText(object, key, maxUnits) {
  let value;
  try {
    value = object[key];
  } catch {
    return tag.UNREADABLE;
  }
  if (typeof value !== "string") return value === null || value === undefined ? tag.ABSENT : tag.NOT_TEXT;
  if (value.length > maxUnits) return [value];
  return wellFormed(value) ? value : tag.LONE_SURROGATE;
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
 * The length of a Uint8Array (a Buffer is one), or undefined for anything else, from its internal slots:
 * a Proxy, a subclass's getters or a borrowed prototype cannot lie about either.
 */
export function byteLength(value) {
  try {
    return typedArrayName.call(value) === "Uint8Array" ? typedArrayLength.call(value) : undefined;
  } catch {
    return undefined;
  }
}

/** Copies a Uint8Array measured by `byteLength` into wasm memory, through internal slots too. */
export function copyBytes(source, target) {
  target.set(source);
}

/**
 * A copy of what an adapter returned, made only of plain data, so that serde-wasm-bindgen (which
 * reads without catching) meets no getter, Proxy trap or cycle: objects keep their own
 * enumerable properties, arrays their items (`maxItems` at the top), strings and Uint8Arrays
 * (copied through their internal slots) up to the module's limits, a `Date` becomes its ISO
 * string, a function stays itself (options hold callbacks). Anything else (a symbol, a bigint,
 * another typed array, a lone surrogate, more depth) is refused: this throws a `Refusal` (tag, path,
 * detail), which the module puts into words.
 */
export function plainCopy(value, maxItems) {
  bytesLeft = limits.maxTotalBytes;
  try {
    return copy(value, maxItems, 0, "");
  } catch (reason) {
    throw reason instanceof Refusal ? reason : new Refusal(tag.UNREADABLE, "", describe(reason));
  }
}

/** Why a copy was refused; a class of this file's own, so nothing a getter throws passes for one. */
class Refusal {
  constructor(refusal, path, detail) {
    this.tag = refusal;
    this.path = path;
    this.detail = detail;
  }
}

function refuse(refusal, path, detail) {
  return new Refusal(refusal, path, detail);
}

function copy(value, maxItems, depth, path) {
  switch (typeof value) {
    case "string":
      if (value.length > limits.maxTextUnits) throw refuse(tag.TOO_LONG, path);
      if (!wellFormed(value)) throw refuse(tag.LONE_SURROGATE, path);
      return value;
    case "number":
    case "boolean":
    case "undefined":
    case "function":
      return value;
    case "object":
      if (value === null) return null;
      if (depth === limits.maxDepth) throw refuse(tag.TOO_DEEP, path);
      return copyObject(value, maxItems, depth, path);
    default:
      throw refuse(tag.OTHER_TYPE, path, typeof value);
  }
}

function copyObject(value, maxItems, depth, path) {
  // The common case first: a plain object (no exception is thrown to find that out).
  const prototype = getPrototypeOf(value);
  if (prototype !== objectPrototype && prototype !== null) {
    const bytes = byteLength(value);
    if (bytes !== undefined) {
      if (bytes > limits.maxBytes) throw refuse(tag.TOO_MANY_BYTES, path);
      if (bytes > bytesLeft) throw refuse(tag.PAST_TOTAL_BYTES, path);
      bytesLeft -= bytes;
      return typedArraySlice.call(value);
    }
    if (typedArrayName.call(value) !== undefined) throw refuse(tag.OTHER_TYPED_ARRAY, path);
    if (isArray(value)) return copyArray(value, depth === 0 ? maxItems : limits.maxKeys, maxItems, depth, path);
    const iso = isoOfDate(value, path);
    if (iso !== undefined) return iso;
  }
  const keys = objectKeys(value);
  if (keys.length > limits.maxKeys) throw refuse(tag.TOO_MANY_PROPERTIES, path);
  const result = {};
  for (const key of keys) result[key] = copy(value[key], maxItems, depth + 1, path ? `${path}.${key}` : key);
  return result;
}

function copyArray(value, limit, maxItems, depth, path) {
  const length = value.length;
  if (length > limit) throw refuse(tag.TOO_MANY_ITEMS, path, limit);
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
    throw refuse(tag.INVALID_DATE, path);
  }
}

function describe(error) {
  try {
    return typeof error?.message === "string" ? error.message : String(error);
  } catch {
    return "unknown error";
  }
}
