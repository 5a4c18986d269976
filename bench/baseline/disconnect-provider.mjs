// The DisconnectProvider contract in plain JavaScript, for the bench (`tests/js/baseline_contract.test.mjs`
// holds it to the same table as the wasm handler).
import { CONFLICT, databaseError, failure, MAX_TRIES, Ports, requireMethods, UUID, UuidV7 } from "./common.mjs";
import { nextVersion, storedError } from "./stored-connection.mjs";

const ERRORS = {
  CONNECTION_NOT_FOUND: "Connection not found",
  NOT_OWNED_BY_USER: "Connection not owned by user",
  DATABASE_ERROR: "Database error occurred",
  CONFLICT,
  VERSION_MISMATCH: "Connection has changed since the version expected",
};

function commandError(command) {
  if (command === null || typeof command !== "object" || Array.isArray(command)) return "command must be an object";
  for (const field of ["userId", "connectionId"]) {
    const value = command[field];
    if (typeof value !== "string" || !UUID.test(value)) return `${field} must be a UUID string`;
  }
  const expected = command.expectedVersion;
  if (expected != null && !(Number.isSafeInteger(expected) && expected >= 1)) {
    return `expectedVersion must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`;
  }
  return null;
}

/** What one read answered: the stored record, `null` for none, or the failure it was. */
class Read {
  constructor(record, refusal = null) {
    this.record = record;
    this.refusal = refusal;
  }
}

export class BaselineDisconnectProviderHandler {
  #ports;
  #ids = new UuidV7();

  constructor(repository, eventBus, options = {}) {
    requireMethods("DisconnectProviderHandler", "repository", repository, ["findById", "save"]);
    requireMethods("DisconnectProviderHandler", "eventBus", eventBus, ["publish"]);
    this.#ports = new Ports(repository, eventBus, options);
  }

  #event(eventType, subject, extra) {
    return { eventType, eventId: this.#ids.next(), occurredAt: new Date().toISOString(), ...subject, ...extra };
  }

  async #read(connectionId) {
    try {
      const found = await this.#ports.settle(() => this.#ports.repository.findById(connectionId), "findById");
      if (found == null) return new Read(null);
      const why = storedError(found);
      return why ? new Read(null, failure(`${ERRORS.DATABASE_ERROR}: invalid stored connection: ${why}`, "DATABASE_ERROR")) : new Read(found);
    } catch (error) {
      return new Read(null, databaseError(error));
    }
  }

  /**
   * Publishes Attempted, then decides on what was read and writes the disconnected record with
   * Succeeded; a write refused as stale is read again and decided again, up to `MAX_TRIES` writes.
   */
  async handle(command) {
    const invalid = commandError(command);
    if (invalid) return failure(`Invalid command: ${invalid}`, "INVALID_COMMAND");
    const userId = command.userId.toLowerCase();
    const connectionId = command.connectionId.toLowerCase();
    let read = await this.#read(connectionId);
    const first = read.record;
    const subject = { userId, connectionId, providerId: first?.providerId.toLowerCase() ?? null, providerSlug: first?.providerSlug ?? null };
    await this.#ports.publish(this.#event("ProviderDisconnectionAttempted", subject));
    let outcome;
    for (let tries = 1; ; tries++) {
      outcome = decide(read, userId, command.expectedVersion ?? null);
      if (!outcome.ok) break;
      const succeeded = this.#event("ProviderDisconnectionSucceeded", subject);
      let stored;
      try {
        stored = await this.#ports.write(outcome.value, succeeded);
      } catch (error) {
        outcome = databaseError(error);
        break;
      }
      if (stored) return { ok: true, value: null };
      if (tries === MAX_TRIES) {
        outcome = failure(ERRORS.CONFLICT, "CONFLICT");
        break;
      }
      read = await this.#read(connectionId);
    }
    await this.#ports.publish(this.#event("ProviderDisconnectionFailed", subject, { reason: outcome.error }));
    return outcome;
  }
}

/** The disconnected record to write, as `{ ok: true, value }`, or the failure. */
function decide({ record, refusal }, userId, expectedVersion) {
  if (refusal) return refusal;
  if (!record) return failure(ERRORS.CONNECTION_NOT_FOUND, "CONNECTION_NOT_FOUND");
  if (record.userId.toLowerCase() !== userId) return failure(ERRORS.NOT_OWNED_BY_USER, "NOT_OWNED_BY_USER");
  if (expectedVersion !== null && expectedVersion !== (record.version ?? 1)) return failure(ERRORS.VERSION_MISMATCH, "VERSION_MISMATCH");
  const version = nextVersion(record);
  // No store could compare a version a JS number does not hold exactly.
  if (version > Number.MAX_SAFE_INTEGER) return failure(`${ERRORS.DATABASE_ERROR}: version ${BigInt(record.version) + 1n} is past Number.MAX_SAFE_INTEGER`, "DATABASE_ERROR");
  return {
    ok: true,
    value: {
      id: record.id.toLowerCase(),
      userId,
      providerId: record.providerId.toLowerCase(),
      providerSlug: record.providerSlug,
      status: "disconnected",
      alias: record.alias ?? null,
      credentials: null,
      connectedAt: record.connectedAt ?? null,
      lastSyncAt: record.lastSyncAt ?? null,
      createdAt: record.createdAt,
      updatedAt: new Date().toISOString(),
      version,
    },
  };
}
