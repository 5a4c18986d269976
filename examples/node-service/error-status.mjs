// The HTTP status for a handler's error, as the original service answered. Every error string
// starts with one of the package's constants (database and invalid-command errors add ": why").
import { RefreshProviderTokensError as Errors } from "connect-provider";

/** @type {[string, number][]} */
const STATUS_BY_PREFIX = [
  [Errors.CONNECTION_NOT_FOUND, 404],
  [Errors.NOT_OWNED_BY_USER, 403],
  // Only the user, by connecting again, can mend a connection that is no longer active.
  [Errors.NOT_ACTIVE, 403],
  [Errors.INVALID_CREDENTIALS, 400],
  [Errors.INVALID_COMMAND, 400],
];

/** @param {string} error */
export function statusOf(error) {
  return STATUS_BY_PREFIX.find(([prefix]) => error.startsWith(prefix))?.[1] ?? 500;
}

/**
 * A refused command or query as a reply. A 500's detail is the database's own message, which is
 * for the logs, not for the client.
 * @param {string} error
 * @returns {import("./http.mjs").Reply}
 */
export function failure(error) {
  const status = statusOf(error);
  if (status !== 500) return { status, body: { error } };
  console.error(error);
  return { status, body: { error: Errors.DATABASE_ERROR } };
}
