// A handler's error as an HTTP status, in the original service's order (`_map_provider_error`):
// not found 404, not owned 404 as well (here another user's connection must look exactly like a
// missing one, message included), not active 403, invalid 400, anything else 500. A 500's detail
// (a database's message) goes to the log under the request's id, never to the client.
import { ConnectProviderError, RefreshProviderTokensError } from "connect-provider";

/** @type {[prefix: string, status: number, answer?: string][]} */
const STATUS_BY_PREFIX = [
  [RefreshProviderTokensError.CONNECTION_NOT_FOUND, 404],
  [RefreshProviderTokensError.NOT_OWNED_BY_USER, 404, RefreshProviderTokensError.CONNECTION_NOT_FOUND],
  // Only the user, by connecting again, can mend a connection that is no longer active.
  [RefreshProviderTokensError.NOT_ACTIVE, 403],
  [RefreshProviderTokensError.INVALID_CREDENTIALS, 400],
  [RefreshProviderTokensError.INVALID_COMMAND, 400],
  [ConnectProviderError.INVALID_PROVIDER_SLUG, 400],
  [ConnectProviderError.INVALID_ALIAS, 400],
];

/**
 * @param {string} error the handler's error
 * @returns {{ status: number, error?: string }} the status, and the message the client may see (none for a 500)
 */
export function statusOf(error) {
  const rule = STATUS_BY_PREFIX.find(([prefix]) => error.startsWith(prefix));
  return rule ? { status: rule[1], error: rule[2] ?? error } : { status: 500 };
}
