// The baseline: the ConnectProvider contract written in plain JavaScript, the way a careful JS
// engineer would write it (pooled random bytes for UUID v7, a hex table, no needless promises,
// one timer for all deadlines). It exists only to be measured against the wasm handler; it is
// not the product. `tests/js/baseline_contract.test.mjs` holds it to the same contract table.
import { DeadlineQueue } from "./deadlines.mjs";

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const TYPES = new Set(["oauth2", "api_key", "link_token", "certificate", "file_import", "custom"]);
const MAX_TEXT = 1024;
const MAX_BYTES = 64 * 1024;

export const ERRORS = Object.freeze({
  INVALID_CREDENTIALS: "Invalid or missing credentials",
  INVALID_PROVIDER_SLUG: "Invalid provider slug",
  DATABASE_ERROR: "Database error occurred",
  INVALID_ALIAS: "Alias exceeds maximum length",
  INVALID_COMMAND: "Invalid command",
});

/** Monotonic UUID v7: 48-bit ms, then a 12-bit counter seeded at random, then 62 random bits. */
class UuidV7 {
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

const isThenable = (value) => value !== null && (typeof value === "object" || typeof value === "function") && typeof value.then === "function";
const messageOf = (error) => {
  try {
    return typeof error?.message === "string" ? error.message : String(error);
  } catch {
    return "unknown error";
  }
};
const codePoints = (text) => {
  if (text.length <= 50) return text.length - (text.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0);
  let count = 0;
  for (const _ of text) count++;
  return count;
};

function commandError(command) {
  if (command === null || typeof command !== "object" || Array.isArray(command)) return "command must be an object";
  for (const field of ["userId", "providerId"]) {
    const value = command[field];
    if (typeof value !== "string" || !UUID.test(value)) return `${field} must be a UUID string`;
  }
  const slug = command.providerSlug;
  if (typeof slug !== "string") return "providerSlug must be a string";
  if (slug.length > MAX_TEXT) return `providerSlug is longer than ${MAX_TEXT} characters`;
  if (!slug.isWellFormed()) return "providerSlug contains a lone UTF-16 surrogate";
  const alias = command.alias;
  if (alias != null) {
    if (typeof alias !== "string") return "alias must be a string or null";
    if (alias.length > MAX_TEXT) return `alias is longer than ${MAX_TEXT} characters`;
    if (!alias.isWellFormed()) return "alias contains a lone UTF-16 surrogate";
  }
  return null;
}

function credentialsOf(credentials) {
  if (credentials === null || typeof credentials !== "object" || Array.isArray(credentials)) return null;
  const { encryptedData, credentialType, expiresAt } = credentials;
  if (!(encryptedData instanceof Uint8Array) || encryptedData.length === 0 || encryptedData.length > MAX_BYTES) return null;
  if (!TYPES.has(credentialType)) return null;
  let expiry = null;
  if (expiresAt != null) {
    if (typeof expiresAt !== "string" || !RFC3339.test(expiresAt)) return null;
    const ms = Date.parse(expiresAt);
    if (Number.isNaN(ms)) return null;
    expiry = new Date(ms).toISOString();
  }
  return { encryptedData: new Uint8Array(encryptedData), credentialType, expiresAt: expiry };
}

export class BaselineConnectProviderHandler {
  #repository;
  #eventBus;
  #deadlines;
  #onError;
  #ids = new UuidV7();

  constructor(repository, eventBus, options = {}) {
    if (typeof repository?.save !== "function") throw new TypeError("ConnectProviderHandler: repository.save must be a function");
    if (typeof eventBus?.publish !== "function") throw new TypeError("ConnectProviderHandler: eventBus.publish must be a function");
    this.#repository = repository;
    this.#eventBus = eventBus;
    this.#deadlines = new DeadlineQueue(options.timeoutMs ?? 10_000);
    this.#onError = options.onEventBusError;
  }

  /** Awaits only what needs awaiting; a late or failed call rejects within the deadline. */
  #settle(call, what) {
    let returned;
    try {
      returned = call();
    } catch (error) {
      return Promise.reject(error);
    }
    return isThenable(returned) ? this.#deadlines.watch(returned, what) : undefined;
  }

  async #publish(event) {
    try {
      await this.#settle(() => this.#eventBus.publish(event), "publish");
    } catch (error) {
      try {
        if (this.#onError) this.#onError(error, event);
        else console.error("connect-provider: event bus publish failed:", error);
      } catch (hookError) {
        console.error("connect-provider: onEventBusError threw:", hookError);
      }
    }
  }

  #event(eventType, userId, providerId, providerSlug, extra) {
    return { eventType, eventId: this.#ids.next(), occurredAt: new Date().toISOString(), userId, providerId, providerSlug, ...extra };
  }

  async handle(command) {
    const invalid = commandError(command);
    if (invalid) return { ok: false, error: `${ERRORS.INVALID_COMMAND}: ${invalid}` };
    const userId = command.userId.toLowerCase();
    const providerId = command.providerId.toLowerCase();
    const providerSlug = command.providerSlug;
    await this.#publish(this.#event("ProviderConnectionAttempted", userId, providerId, providerSlug));
    const outcome = await this.#connect(command, userId, providerId, providerSlug);
    await this.#publish(
      outcome.ok
        ? this.#event("ProviderConnectionSucceeded", userId, providerId, providerSlug, { connectionId: outcome.value })
        : this.#event("ProviderConnectionFailed", userId, providerId, providerSlug, { reason: outcome.error }),
    );
    return outcome;
  }

  async #connect(command, userId, providerId, providerSlug) {
    const credentials = command.credentials == null ? null : credentialsOf(command.credentials);
    if (!credentials) return { ok: false, error: ERRORS.INVALID_CREDENTIALS };
    if (providerSlug.length === 0 || codePoints(providerSlug) > 50) return { ok: false, error: ERRORS.INVALID_PROVIDER_SLUG };
    const alias = command.alias ?? null;
    if (alias !== null && codePoints(alias) > 100) return { ok: false, error: ERRORS.INVALID_ALIAS };
    const now = new Date().toISOString();
    const connection = {
      id: this.#ids.next(), userId, providerId, providerSlug, status: "active", alias, credentials,
      connectedAt: now, lastSyncAt: null, createdAt: now, updatedAt: now,
    };
    try {
      await this.#settle(() => this.#repository.save(connection), "save");
    } catch (error) {
      return { ok: false, error: `${ERRORS.DATABASE_ERROR}: ${messageOf(error)}` };
    }
    return { ok: true, value: connection.id };
  }
}
