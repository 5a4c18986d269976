// One at a time per key, within this process: work for a key waits for the work for that key that
// came before it. The sync push takes its turn per client so that a push sent again while the first
// still runs (the client gave up waiting) finds that one's mutations applied, rather than running
// them too and publishing a Failed event beside the change. Across processes the database's
// conditional write still decides; this only spares the losing run.

/** @returns {<T>(key: string, work: () => Promise<T>) => Promise<T>} */
export function keyedTurns() {
  /** The last turn taken for each key with work waiting or running. @type {Map<string, Promise<void>>} */
  const tails = new Map();
  return async (key, work) => {
    const before = tails.get(key);
    /** @type {() => void} */
    let done = () => {};
    const mine = new Promise((resolve) => (done = () => resolve(undefined)));
    const tail = before ? before.then(() => mine) : mine;
    tails.set(key, tail);
    try {
      if (before) await before;
      return await work();
    } finally {
      done();
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
