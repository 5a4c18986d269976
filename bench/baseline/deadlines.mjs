// Deadlines for many adapter calls on one timer, the way a careful JS author keeps a per-call
// timeout without arming a timer per call. Every call of one handler has the same timeout, so
// calls fall due in the order they start: a queue in start order is also in due order. The timer
// is armed for the earliest pending call; when it fires, the calls due are timed out and it is
// armed again for the next. While nothing is pending it is unreferenced, so it never keeps a
// process alive.

const unref = (timer) => (typeof timer === "object" ? timer.unref?.() : globalThis.Deno?.unrefTimer(timer));
const ref = (timer) => (typeof timer === "object" ? timer.ref?.() : globalThis.Deno?.refTimer(timer));

export class DeadlineQueue {
  #timeoutMs;
  /** @type {{ due: number, settle: ((timedOut: true) => void) | null }[]} */
  #queue = [];
  #head = 0;
  #pending = 0;
  #timer = undefined;
  #timerDue = Infinity;

  constructor(timeoutMs) {
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Settles as `returned` does, or rejects with `new Error(`${label} timed out after N ms`)` when
   * it has not settled by the deadline. `returned` must be a thenable.
   */
  watch(returned, label) {
    return new Promise((resolve, reject) => {
      const entry = { due: performance.now() + this.#timeoutMs, settle: null };
      entry.settle = () => reject(new Error(`${label} timed out after ${this.#timeoutMs} ms`));
      this.#add(entry);
      Promise.resolve(returned).then(
        (value) => this.#finish(entry) && resolve(value),
        (error) => this.#finish(entry) && reject(error),
      );
    });
  }

  #add(entry) {
    this.#queue.push(entry);
    if (this.#pending++ === 0 && this.#timer !== undefined) ref(this.#timer);
    if (entry.due < this.#timerDue) this.#arm(entry.due);
  }

  /** False when the deadline came first. */
  #finish(entry) {
    if (entry.settle === null) return false;
    entry.settle = null;
    if (--this.#pending === 0 && this.#timer !== undefined) unref(this.#timer);
    this.#dropSettledHead();
    return true;
  }

  #dropSettledHead() {
    while (this.#head < this.#queue.length && this.#queue[this.#head].settle === null) this.#head++;
    // Compact once the settled part is large, so memory follows what is pending.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #arm(due) {
    clearTimeout(this.#timer);
    this.#timerDue = due;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, Math.ceil(due - performance.now())));
    if (this.#pending === 0) unref(this.#timer);
  }

  #expire() {
    this.#timer = undefined;
    this.#timerDue = Infinity;
    const now = performance.now();
    while (this.#head < this.#queue.length && this.#queue[this.#head].due <= now) {
      const entry = this.#queue[this.#head++];
      const settle = entry.settle;
      if (settle && this.#finish(entry)) settle(true);
    }
    this.#dropSettledHead();
    if (this.#head < this.#queue.length) this.#arm(this.#queue[this.#head].due);
  }
}
