// A user's JSON calls to a running service, as a client makes them: a Bearer token, a JSON body
// when there is one; each answer as { status, headers, json } (json undefined for an empty body).

/**
 * @param {string} baseUrl
 * @param {string} token
 * @param {(url: string, init: RequestInit) => Promise<Response>} [fetcher] fetch, or a Miniflare worker's
 */
export function bearerCalls(baseUrl, token, fetcher = fetch) {
  /** @param {string} method @param {string} path @param {unknown} [body] @param {Record<string, string>} [extraHeaders] */
  return async function call(method, path, body, extraHeaders = {}) {
    const headers = { authorization: `Bearer ${token}`, ...extraHeaders };
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetcher(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
  };
}
