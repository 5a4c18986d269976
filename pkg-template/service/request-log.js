// The service's log: one JSON line per request (method, route template, status, duration, request
// id, the caller) and one per failure, written by the runtime's console. Only fields the service
// sets are written: never a body, a query string, a header, a token or a secret.

/** @typedef {{ request(fields: Record<string, unknown>): void, error(fields: Record<string, unknown>): void, info(fields: Record<string, unknown>): void }} Log */

/** @param {{ out?: (line: string) => void, err?: (line: string) => void }} [sinks] @returns {Log} */
export function jsonLog({ out = (line) => console.log(line), err = (line) => console.error(line) } = {}) {
  const line = (level, fields) => JSON.stringify({ time: new Date().toISOString(), level, ...fields });
  return {
    request: (fields) => out(line("info", { msg: "request", ...fields })),
    info: (fields) => out(line("info", fields)),
    error: (fields) => err(line("error", fields)),
  };
}
