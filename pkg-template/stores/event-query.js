// The query events() takes, checked the same way by every store: a bad field is a TypeError or a
// RangeError naming it, before the store is asked anything.

export const DEFAULT_EVENT_LIMIT = 1000;
export const MAX_EVENT_LIMIT = 10_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * @param {unknown} query
 * @returns {{ userId: string | null, after: string | null, limit: number }}
 */
export function eventQuery(query = {}) {
  if (query === null || typeof query !== "object") throw new TypeError("events: the query must be an object");
  const { userId, after, limit } = /** @type {Record<string, unknown>} */ (query);
  return {
    userId: optionalUuid("userId", userId),
    after: optionalUuid("after", after),
    limit: eventLimit(limit),
  };
}

/** @param {string} field @param {unknown} value */
function optionalUuid(field, value) {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || !UUID.test(value)) throw new TypeError(`events: ${field} must be a UUID string`);
  return value.toLowerCase();
}

/** @param {unknown} limit */
function eventLimit(limit) {
  if (limit === undefined || limit === null) return DEFAULT_EVENT_LIMIT;
  if (!Number.isInteger(limit) || /** @type {number} */ (limit) < 1 || /** @type {number} */ (limit) > MAX_EVENT_LIMIT) {
    throw new RangeError(`events: limit must be a whole number from 1 to ${MAX_EVENT_LIMIT}`);
  }
  return /** @type {number} */ (limit);
}

/** The error of an `after` that names no event of the log (of that user's events, with `userId`). */
export function unknownAfter() {
  return new RangeError("events: after is not the eventId of an event in this log");
}

/**
 * The columns an event is filed under: its id, type, user and instant, and its JSON. A published
 * value without them is refused, naming the field (`event.eventId`, or `events[2].eventId` for a
 * commit's).
 * @param {unknown} event
 * @param {string} [where] who is asking
 * @param {string} [name] what the event is called in the errors
 */
export function eventColumns(event, where = "publish", name = "event") {
  if (event === null || typeof event !== "object") throw new TypeError(`${where}: the ${name} must be an object`);
  const { eventId, eventType, userId, occurredAt } = /** @type {Record<string, unknown>} */ (event);
  for (const [field, value] of Object.entries({ eventId, userId })) {
    if (typeof value !== "string" || !UUID.test(value)) throw new TypeError(`${where}: ${name}.${field} must be a UUID string`);
  }
  if (typeof eventType !== "string" || eventType.length === 0 || eventType.length > 100) {
    throw new TypeError(`${where}: ${name}.eventType must be a string of 1 to 100 characters`);
  }
  if (typeof occurredAt !== "string" || Number.isNaN(Date.parse(occurredAt))) {
    throw new TypeError(`${where}: ${name}.occurredAt must be an ISO instant`);
  }
  return {
    eventId: /** @type {string} */ (eventId).toLowerCase(),
    eventType,
    userId: /** @type {string} */ (userId).toLowerCase(),
    occurredAt,
    json: eventJson(event, where, name),
  };
}

/**
 * The event as every store's log keeps it: its JSON, which is what reads back (a field JSON leaves
 * out, such as a function or `undefined`, is not kept by any store). An event JSON cannot write (a
 * BigInt, a cycle) or that does not write as an object is refused, naming it.
 * @param {object} event @param {string} where @param {string} name
 */
function eventJson(event, where, name) {
  let json;
  try {
    json = JSON.stringify(event);
  } catch (error) {
    throw new TypeError(`${where}: the ${name} cannot be written as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof json !== "string" || !json.startsWith("{")) throw new TypeError(`${where}: the ${name} does not write as a JSON object`);
  return json;
}

/**
 * The columns of each event a commit appends, checked as publish checks one, before anything is
 * written. Two with the same eventId are refused too (the log files each eventId once).
 * @param {unknown} events
 * @param {string} where
 */
export function commitEventColumns(events, where) {
  if (!Array.isArray(events)) throw new TypeError(`${where}: events must be an array`);
  const columns = events.map((event, i) => eventColumns(event, where, `events[${i}]`));
  const ids = new Set(columns.map((c) => c.eventId));
  if (ids.size !== columns.length) throw new TypeError(`${where}: events holds two events with the same eventId`);
  return columns;
}
