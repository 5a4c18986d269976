// The ListProviderConnections contract in plain JavaScript, for the bench
// (`tests/js/baseline_contract.test.mjs` holds it to the same table as the wasm handler).
import { DATABASE_ERROR, databaseError, failure, Ports, requireMethods, UUID } from "./common.mjs";
import { listedError, viewOf } from "./stored-connection.mjs";

const MAX_FOUND = 10_000;

function queryError(query) {
  if (query === null || typeof query !== "object" || Array.isArray(query)) return "command must be an object";
  if (typeof query.userId !== "string" || !UUID.test(query.userId)) return "userId must be a UUID string";
  if (query.activeOnly != null && typeof query.activeOnly !== "boolean") return "activeOnly must be a boolean";
  return null;
}

const newestFirst = (a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : Date.parse(b.createdAt) - Date.parse(a.createdAt));

export class BaselineListProviderConnectionsHandler {
  #ports;

  constructor(repository, options = {}) {
    requireMethods("ListProviderConnectionsHandler", "repository", repository, ["findByUserId", "findActiveByUser"]);
    this.#ports = new Ports(repository, { publish() {} }, options);
  }

  async handle(query) {
    const invalid = queryError(query);
    if (invalid) return failure(`Invalid command: ${invalid}`, "INVALID_COMMAND");
    const userId = query.userId.toLowerCase();
    const method = query.activeOnly ? "findActiveByUser" : "findByUserId";
    let found;
    try {
      found = await this.#ports.settle(() => this.#ports.repository[method](userId), method);
    } catch (error) {
      return databaseError(error);
    }
    if (!Array.isArray(found)) return failure(`${DATABASE_ERROR}: ${method} did not return an array`, "DATABASE_ERROR");
    if (found.length > MAX_FOUND) return failure(`${DATABASE_ERROR}: ${method} returned more than ${MAX_FOUND} connections`, "DATABASE_ERROR");
    for (let i = 0; i < found.length; i++) {
      const why = listedError(found[i], i);
      if (why) return failure(`${DATABASE_ERROR}: invalid stored connection: ${why}`, "DATABASE_ERROR");
    }
    const now = Date.now();
    const mine = found.filter((record) => record.userId.toLowerCase() === userId && (!query.activeOnly || record.status === "active"));
    const connections = mine.sort(newestFirst).map((record) => viewOf(record, now));
    let activeCount = 0;
    for (const view of connections) if (view.status === "active") activeCount++;
    return { ok: true, value: { connections, totalCount: connections.length, activeCount } };
  }
}
