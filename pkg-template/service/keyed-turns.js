// One at a time per key, within this process: work for a key waits for the work for that key that
// came before it. The sync push takes its turn per client so that a push sent again while the first
// still runs (the client gave up waiting) finds that one's mutations applied, rather than running
// them too and publishing a Failed event beside the change. Across processes the database's
// conditional write still decides; this only spares the losing run.
//
// The wait is bounded: on Workers a request whose client went away is cancelled, its pending I/O
// never settles and its turn never ends, and every later push of that client would wait on it for
// good. A turn waits for the one before it at most `waitMs` from when it came, then goes ahead
// anyway, and the database decides between the two runs.

/** How long a turn waits for the one before it, by default. */
export const TURN_WAIT_MS = 10_000;

/** @param {number} [waitMs] @returns {<T>(key: string, work: () => Promise<T>) => Promise<T>} */
export function keyedTurns(waitMs = TURN_WAIT_MS) {
  /** The last turn taken for each key with work waiting or running. @type {Map<string, Promise<void>>} */
  const tails = new Map();
  return async (key, work) => {
    const before = tails.get(key);
    /** @type {() => void} */
    let done = () => {};
    const mine = new Promise((resolve) => (done = () => resolve(undefined)));
    // The turn after this one waits for this one (its wait, then its work).
    tails.set(key, mine);
    try {
      if (before) await atMost(before, waitMs);
      return await work();
    } finally {
      done();
      if (tails.get(key) === mine) tails.delete(key);
    }
  };
}

/** Resolves when `turn` ends or `ms` have passed, whichever is first. @param {Promise<void>} turn @param {number} ms */
async function atMost(turn, ms) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  try {
    await Promise.race([turn, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
