// A handler's failure as an HTTP status, by its stable `code`, in the original service's order
// (`_map_provider_error`): not found 404, not owned 404 as well (here another user's connection
// must look exactly like a missing one, message included), not active 403, invalid 400, a conflict
// between writers that the handler could not resolve 409, anything else 500. A 500's detail (a
// database's message) goes to the log under the request's id, never to the client, and neither
// does the same detail in a Failed event's reason when a caller reads its events.
import { ConnectProviderError, DisconnectProviderError, ErrorCode } from "connect-provider";

/** @type {Partial<Record<import("connect-provider").ErrorCode, { status: number, error?: string }>>} */
const STATUS_BY_CODE = {
  [ErrorCode.CONNECTION_NOT_FOUND]: { status: 404 },
  [ErrorCode.NOT_OWNED_BY_USER]: { status: 404, error: DisconnectProviderError.CONNECTION_NOT_FOUND },
  // Only the user, by connecting again, can mend a connection that is no longer active.
  [ErrorCode.NOT_ACTIVE]: { status: 403 },
  [ErrorCode.INVALID_CREDENTIALS]: { status: 400 },
  [ErrorCode.INVALID_COMMAND]: { status: 400 },
  [ErrorCode.INVALID_PROVIDER_SLUG]: { status: 400 },
  [ErrorCode.INVALID_ALIAS]: { status: 400 },
  [ErrorCode.INVALID_CONNECTION_ID]: { status: 400 },
  [ErrorCode.CONFLICT]: { status: 409 },
  // A connect's own id that another connection has: the request cannot succeed as sent.
  [ErrorCode.CONNECTION_ID_TAKEN]: { status: 409 },
  [ErrorCode.VERSION_MISMATCH]: { status: 412, error: "Precondition failed: the connection has changed" },
};

/**
 * @param {{ error: string, code: import("connect-provider").ErrorCode }} failure the handler's failed result
 * @returns {{ status: number, error?: string }} the status, and the message the client may see (none for a 500)
 */
export function statusOf(failure) {
  const rule = STATUS_BY_CODE[failure.code];
  return rule ? { status: rule.status, error: rule.error ?? failure.error } : { status: 500 };
}

/** The handlers' reason for a database error, `Database error occurred: <the driver's message>`. */
const DATABASE_REASON = `${ConnectProviderError.DATABASE_ERROR}: `;

/**
 * An event as its user is shown it: as logged, but a Failed event's reason for a database error
 * without the database's message (which may name tables, hosts or values), as a 500 shows nothing.
 * The log keeps the whole reason for operators.
 * @template {{ reason?: unknown }} E @param {E} event @returns {E}
 */
export function eventShown(event) {
  return typeof event.reason === "string" && event.reason.startsWith(DATABASE_REASON) ? { ...event, reason: ConnectProviderError.DATABASE_ERROR } : event;
}
