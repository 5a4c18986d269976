// @ts-check
// One run at a time of an async task asked for from many places (events, other tabs, commands,
// a timer): a request during a run is served by one more run after it, shared by all who asked.

/**
 * @param {() => Promise<void>} task
 * @returns {() => Promise<void>} resolves when a run that started after the request has finished
 */
export function coalesced(task) {
  /** @type {Promise<void> | null} */
  let running = null;
  /** @type {Promise<void> | null} */
  let queued = null;
  const start = () => (running = task().finally(() => void (running = null)));
  return () => {
    if (!running) return start();
    queued ??= running.catch(() => undefined).then(() => {
      queued = null;
      return start();
    });
    return queued;
  };
}
