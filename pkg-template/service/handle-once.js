// A handler made for one request or job run: it handles one input, then is freed (its wasm side
// dropped), whatever the outcome.

/**
 * @template T
 * @param {{ handle(input: object): Promise<T>, free(): void }} handler
 * @param {object} input
 * @returns {Promise<T>}
 */
export async function handleOnce(handler, input) {
  try {
    return await handler.handle(input);
  } finally {
    handler.free();
  }
}
