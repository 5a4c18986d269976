// The baseline: the ConnectProvider contract written in plain JavaScript, the way a careful JS
// engineer would write it (pooled random bytes for UUID v7, a hex table, no needless promises,
// one timer for all deadlines). It exists only to be measured against the wasm handler; it is
// not the product. `tests/js/baseline_contract.test.mjs` holds it to the same contract table.
import { CONFLICT, databaseError, failure, MAX_BYTES, MAX_TEXT, Ports, requireMethods, RFC3339, TYPES, UUID, UuidV7 } from "./common.mjs";

export const ERRORS = Object.freeze({
  INVALID_CREDENTIALS: "Invalid or missing credentials",
  INVALID_PROVIDER_SLUG: "Invalid provider slug",
  DATABASE_ERROR: "Database error occurred",
  INVALID_ALIAS: "Alias exceeds maximum length",
  CONFLICT,
  INVALID_CONNECTION_ID: "Connection id must be a UUID v7",
  CONNECTION_ID_TAKEN: "Connection id already in use",
  INVALID_COMMAND: "Invalid command",
});

/** Version 7, RFC 9562's variant. */
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Code points, counted no further than `limit + 1`. */
const codePoints = (text, limit) => {
  if (text.length <= limit) return text.length;
  let count = 0;
  for (const _ of text) if (++count > limit) break;
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
  // A longer string is refused by the length rules whatever it holds, so is not scanned.
  if (slug.length <= MAX_TEXT && !slug.isWellFormed()) return "providerSlug contains a lone UTF-16 surrogate";
  const alias = command.alias;
  if (alias != null) {
    if (typeof alias !== "string") return "alias must be a string or null";
    if (alias.length <= MAX_TEXT && !alias.isWellFormed()) return "alias contains a lone UTF-16 surrogate";
  }
  const id = command.connectionId;
  if (id != null && (typeof id !== "string" || !UUID.test(id))) return "connectionId must be a UUID string";
  return null;
}

/** A valid Date's `toISOString` (read from its internal slot, so a Proxy of one is none), else null. */
function isoOfDate(value) {
  try {
    return Date.prototype.toISOString.call(value);
  } catch {
    return null;
  }
}

function credentialsOf(credentials) {
  if (credentials === null || typeof credentials !== "object" || Array.isArray(credentials)) return null;
  const { encryptedData, credentialType, expiresAt } = credentials;
  if (!(encryptedData instanceof Uint8Array) || encryptedData.length === 0 || encryptedData.length > MAX_BYTES) return null;
  if (!TYPES.has(credentialType)) return null;
  let expiry = null;
  if (expiresAt != null) {
    const text = typeof expiresAt === "string" ? expiresAt : isoOfDate(expiresAt);
    if (text === null || !RFC3339.test(text)) return null;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) return null;
    expiry = new Date(ms).toISOString();
  }
  return { encryptedData: new Uint8Array(encryptedData), credentialType, expiresAt: expiry };
}

export class BaselineConnectProviderHandler {
  #ports;
  #ids = new UuidV7();

  constructor(repository, eventBus, options = {}) {
    requireMethods("ConnectProviderHandler", "repository", repository, ["save"]);
    requireMethods("ConnectProviderHandler", "eventBus", eventBus, ["publish"]);
    this.#ports = new Ports(repository, eventBus, options);
  }

  #event(eventType, userId, providerId, providerSlug, extra) {
    return { eventType, eventId: this.#ids.next(), occurredAt: new Date().toISOString(), userId, providerId, providerSlug, ...extra };
  }

  async handle(command) {
    const invalid = commandError(command);
    if (invalid) return failure(`${ERRORS.INVALID_COMMAND}: ${invalid}`, "INVALID_COMMAND");
    const userId = command.userId.toLowerCase();
    const providerId = command.providerId.toLowerCase();
    const providerSlug = command.providerSlug;
    await this.#ports.publish(this.#event("ProviderConnectionAttempted", userId, providerId, providerSlug));
    const outcome = await this.#connect(command, userId, providerId, providerSlug);
    if (!outcome.ok) await this.#ports.publish(this.#event("ProviderConnectionFailed", userId, providerId, providerSlug, { reason: outcome.error }));
    return outcome;
  }

  /**
   * Saves (or commits) the new connection with its Succeeded event; a refused write is not tried
   * again: a made id is new (a conflict), a caller's id is taken.
   */
  async #connect(command, userId, providerId, providerSlug) {
    const credentials = command.credentials == null ? null : credentialsOf(command.credentials);
    if (!credentials) return failure(ERRORS.INVALID_CREDENTIALS, "INVALID_CREDENTIALS");
    const chosen = command.connectionId ?? null;
    if (chosen !== null && !UUID_V7.test(chosen)) return failure(ERRORS.INVALID_CONNECTION_ID, "INVALID_CONNECTION_ID");
    if (providerSlug.length === 0 || codePoints(providerSlug, 50) > 50) return failure(ERRORS.INVALID_PROVIDER_SLUG, "INVALID_PROVIDER_SLUG");
    const alias = command.alias ?? null;
    if (alias !== null && codePoints(alias, 100) > 100) return failure(ERRORS.INVALID_ALIAS, "INVALID_ALIAS");
    const now = new Date().toISOString();
    const connection = {
      id: chosen === null ? this.#ids.next() : chosen.toLowerCase(), userId, providerId, providerSlug, status: "active", alias, credentials,
      connectedAt: now, lastSyncAt: null, createdAt: now, updatedAt: now, version: 1,
    };
    const succeeded = this.#event("ProviderConnectionSucceeded", userId, providerId, providerSlug, { connectionId: connection.id });
    try {
      if (!(await this.#ports.write(connection, succeeded))) {
        return chosen === null ? failure(ERRORS.CONFLICT, "CONFLICT") : failure(ERRORS.CONNECTION_ID_TAKEN, "CONNECTION_ID_TAKEN");
      }
    } catch (error) {
      return databaseError(error);
    }
    return { ok: true, value: connection.id };
  }
}
