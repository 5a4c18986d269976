// The DisconnectProvider contract in plain JavaScript, for the bench (`tests/js/baseline_contract.test.mjs`
// holds it to the same table as the wasm handler).
import { messageOf, Ports, requireMethods, UUID, UuidV7 } from "./common.mjs";
import { storedError } from "./stored-connection.mjs";

const ERRORS = { CONNECTION_NOT_FOUND: "Connection not found", NOT_OWNED_BY_USER: "Connection not owned by user", DATABASE_ERROR: "Database error occurred" };

function commandError(command) {
  if (command === null || typeof command !== "object" || Array.isArray(command)) return "command must be an object";
  for (const field of ["userId", "connectionId"]) {
    const value = command[field];
    if (typeof value !== "string" || !UUID.test(value)) return `${field} must be a UUID string`;
  }
  return null;
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

  async handle(command) {
    const invalid = commandError(command);
    if (invalid) return { ok: false, error: `Invalid command: ${invalid}` };
    const userId = command.userId.toLowerCase();
    const connectionId = command.connectionId.toLowerCase();
    let found;
    try {
      found = await this.#ports.settle(() => this.#ports.repository.findById(connectionId), "findById");
      if (found != null) {
        const why = storedError(found);
        if (why) throw new Error(`invalid stored connection: ${why}`);
      }
    } catch (error) {
      found = { error: `${ERRORS.DATABASE_ERROR}: ${messageOf(error)}` };
    }
    const record = found?.error ? null : found ?? null;
    const subject = { userId, connectionId, providerId: record?.providerId.toLowerCase() ?? null, providerSlug: record?.providerSlug ?? null };
    await this.#ports.publish(this.#event("ProviderDisconnectionAttempted", subject));
    const outcome = await this.#disconnect(found, record, userId);
    await this.#ports.publish(
      outcome.ok ? this.#event("ProviderDisconnectionSucceeded", subject) : this.#event("ProviderDisconnectionFailed", subject, { reason: outcome.error }),
    );
    return outcome;
  }

  async #disconnect(found, record, userId) {
    if (found?.error) return { ok: false, error: found.error };
    if (!record) return { ok: false, error: ERRORS.CONNECTION_NOT_FOUND };
    if (record.userId.toLowerCase() !== userId) return { ok: false, error: ERRORS.NOT_OWNED_BY_USER };
    const disconnected = { ...record, status: "disconnected", credentials: null, updatedAt: new Date().toISOString() };
    try {
      await this.#ports.settle(() => this.#ports.repository.save(disconnected), "save");
    } catch (error) {
      return { ok: false, error: `${ERRORS.DATABASE_ERROR}: ${messageOf(error)}` };
    }
    return { ok: true, value: null };
  }
}
