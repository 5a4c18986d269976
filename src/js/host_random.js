// The host's randomness for ids: Web Crypto, which every runtime the package targets has.
export function fillRandom(bytes) {
  globalThis.crypto.getRandomValues(bytes);
}
