// Reading the caller's command, by field number so that no key string crosses from wasm. The
// wasm module decides what each value means; these only fetch and measure.

const KEYS = ["userId", "providerId", "providerSlug", "alias", "credentials", "encryptedData", "credentialType", "expiresAt"];

/** One property read; a throwing getter or Proxy trap throws through to the caller's `catch`. */
export function readField(object, field) {
  return object[KEYS[field]];
}

/**
 * A string's length in UTF-16 units, without copying it: -1 for a non-string, -2 when it is
 * longer than `maxUnits` (then it is not scanned), -3 when it holds a lone surrogate.
 */
export function measureText(value, maxUnits) {
  if (typeof value !== "string") return -1;
  if (value.length > maxUnits) return -2;
  if (!(value.isWellFormed?.() ?? !/\p{Surrogate}/u.test(value))) return -3;
  return value.length;
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
