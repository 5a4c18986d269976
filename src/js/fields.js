// Reading the caller's command, by field number so that no key string crosses from wasm. The
// wasm module decides what each value means; these only fetch and measure. Built-ins are taken
// once, at load, so a prototype patched later cannot change what they do.

const KEYS = ["userId", "providerId", "providerSlug", "alias", "credentials", "encryptedData", "credentialType", "expiresAt"];
const isArray = Array.isArray;
const isWellFormed = String.prototype.isWellFormed;
const LONE_SURROGATE = /\p{Surrogate}/u;

/** One property read; a throwing getter or Proxy trap throws through to the caller's `catch`. */
export function readField(object, field) {
  return object[KEYS[field]];
}

/**
 * A text field in one call: the string itself when it is one of at most `maxUnits` UTF-16 units
 * without a lone surrogate (then not scanned when longer), else a number saying why not:
 * -1 not a string, -2 longer, -3 a lone surrogate, -4 the read threw, -5 null or undefined.
 */
export function readText(object, field, maxUnits) {
  let value;
  try {
    value = object[KEYS[field]];
  } catch {
    return -4;
  }
  if (typeof value !== "string") return value === null || value === undefined ? -5 : -1;
  if (value.length > maxUnits) return -2;
  const wellFormed = isWellFormed ? isWellFormed.call(value) : !LONE_SURROGATE.test(value);
  return wellFormed ? value : -3;
}

/** An object that is not an array; false for a revoked Proxy, whose `isArray` throws. */
export function isPlainObject(value) {
  try {
    return typeof value === "object" && value !== null && !isArray(value);
  } catch {
    return false;
  }
}

const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayName = Object.getOwnPropertyDescriptor(typedArrayPrototype, Symbol.toStringTag).get;
const typedArrayLength = Object.getOwnPropertyDescriptor(typedArrayPrototype, "length").get;

/**
 * The length of a Uint8Array (a Buffer is one), or -1 for anything else, from its internal slots:
 * a Proxy, a subclass's getters or a borrowed prototype cannot lie about either.
 */
export function byteLength(value) {
  return typedArrayName.call(value) === "Uint8Array" ? typedArrayLength.call(value) : -1;
}

/** Copies a Uint8Array measured by `byteLength` into wasm memory, through internal slots too. */
export function copyBytes(source, target) {
  target.set(source);
}
