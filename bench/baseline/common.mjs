// What the plain-JS baseline handlers share: ids, the awaiting of adapters under a deadline,
// fail-open publishing, the write of a change with its Succeeded event (one commit, or a save
// then a publish), failed results with their codes. Written as a careful JS engineer would (pooled random bytes for UUID v7,
// a hex table, no needless promises, one timer for all deadlines); it exists only to be measured
// against the wasm handlers.
import { DeadlineQueue } from "./deadlines.mjs";

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
export const TYPES = new Set(["oauth2", "api_key", "link_token", "certificate", "file_import", "custom"]);
export const MAX_TEXT = 1024;
export const MAX_BYTES = 64 * 1024;
/** How many times a command decides again on a connection other commands changed under it. */
export const MAX_TRIES = 4;
export const CONFLICT = "Connection was changed by another command; try again";
export const DATABASE_ERROR = "Database error occurred";

/** `{ ok: false, error, code }`, what a refused command or query answers. */
export const failure = (error, code) => ({ ok: false, error, code });
export const databaseError = (error) => failure(`${DATABASE_ERROR}: ${messageOf(error)}`, "DATABASE_ERROR");

/** Monotonic UUID v7: 48-bit ms, then a 12-bit counter seeded at random, then 62 random bits. */
export class UuidV7 {
  #pool = new Uint8Array(4096);
  #at = 4096;
  #lastMs = -1;
  #counter = 0;

  #random(n) {
    if (this.#at + n > this.#pool.length) {
      crypto.getRandomValues(this.#pool);
      this.#at = 0;
    }
    const at = this.#at;
    this.#at += n;
    return at;
  }

  next() {
    let ms = Date.now();
    if (ms > this.#lastMs) {
      const at = this.#random(2);
      this.#counter = ((this.#pool[at] << 8) | this.#pool[at + 1]) & 0x7ff;
      this.#lastMs = ms;
    } else {
      ms = this.#lastMs;
      if (++this.#counter > 0xfff) {
        this.#lastMs = ms = ms + 1;
        this.#counter = 0;
      }
    }
    const pool = this.#pool;
    const at = this.#random(8);
    const high = Math.floor(ms / 0x10000);
    const low = ms & 0xffff;
    return (
      HEX[(high >>> 24) & 0xff] + HEX[(high >>> 16) & 0xff] + HEX[(high >>> 8) & 0xff] + HEX[high & 0xff] + "-" +
      HEX[low >>> 8] + HEX[low & 0xff] + "-" +
      HEX[0x70 | (this.#counter >>> 8)] + HEX[this.#counter & 0xff] + "-" +
      HEX[0x80 | (pool[at] & 0x3f)] + HEX[pool[at + 1]] + "-" +
      HEX[pool[at + 2]] + HEX[pool[at + 3]] + HEX[pool[at + 4]] + HEX[pool[at + 5]] + HEX[pool[at + 6]] + HEX[pool[at + 7]]
    );
  }
}

export const isThenable = (value) => value !== null && (typeof value === "object" || typeof value === "function") && typeof value.then === "function";
export const messageOf = (error) => {
  try {
    return typeof error?.message === "string" ? error.message : String(error);
  } catch {
    return "unknown error";
  }
};
/** Whether `repository.commit` writes to `eventBus`'s own log: it holds that very bus. A getter that throws is a no. */
function commitsTo(repository, eventBus) {
  try {
    return typeof repository.commit === "function" && repository.eventBus === eventBus;
  } catch {
    return false;
  }
}

/** The adapters of one handler: awaiting with a deadline, publishing fail-open, writing a change. */
export class Ports {
  #eventBus;
  #deadlines;
  #onError;
  #commits;

  constructor(repository, eventBus, options = {}) {
    this.repository = repository;
    this.#eventBus = eventBus;
    // `deadline: false` (the bench's own knob) is the handler most JS authors write: no deadline.
    this.#deadlines = options.deadline === false ? undefined : new DeadlineQueue(options.timeoutMs ?? 10_000);
    this.#onError = options.onEventBusError;
    this.#commits = commitsTo(repository, eventBus);
  }

  /**
   * Stores `record` with its Succeeded event: in one commit where the repository shares this bus,
   * else saved, then published once stored. Resolves `false` when the store refused the write as
   * stale (it answered exactly `false`); rejects as the write did.
   */
  async write(record, succeeded) {
    if (this.#commits) return (await this.settle(() => this.repository.commit(record, [succeeded]), "commit")) !== false;
    if ((await this.settle(() => this.repository.save(record), "save")) === false) return false;
    await this.publish(succeeded);
    return true;
  }

  /** Awaits only what needs awaiting; a late or failed call rejects within the deadline. */
  settle(call, what) {
    let returned;
    try {
      returned = call();
    } catch (error) {
      return Promise.reject(error);
    }
    return isThenable(returned) && this.#deadlines ? this.#deadlines.watch(returned, what) : returned;
  }

  async publish(event) {
    try {
      await this.settle(() => this.#eventBus.publish(event), "publish");
    } catch (error) {
      try {
        if (this.#onError) this.#onError(error, event);
        else console.error("connect-provider: event bus publish failed:", error);
      } catch (hookError) {
        console.error("connect-provider: onEventBusError threw:", hookError);
      }
    }
  }
}

/** A `TypeError` unless each of `methods` is a function of `object`. */
export function requireMethods(handler, owner, object, methods) {
  for (const method of methods) {
    if (typeof object?.[method] !== "function") throw new TypeError(`${handler}: ${owner}.${method} must be a function`);
  }
}
