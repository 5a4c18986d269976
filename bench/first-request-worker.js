// The Worker that bench/worker-first-request.mjs starts fresh and times to its first response,
// written once for both handlers: its entry (first-request-wasm.js or first-request-js.js) picks
// the ConnectProvider handler, so the two bundles differ only in that import. It answers one
// command, the one bench/cold-start.mjs times, over in-memory adapters whose methods return
// promises as a real store's would, and responds with the result as JSON: 200 only when the
// command succeeded and the connection was saved, 500 otherwise, so a failure is never timed.

const command = () => ({
  userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b",
  providerId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c",
  providerSlug: "schwab",
  credentials: { encryptedData: new Uint8Array([1, 2, 3]), credentialType: "oauth2" },
});

export function firstRequestWorker(Handler) {
  return {
    async fetch() {
      // Built on the request, as cold-start.mjs builds it right before its first handle(): the
      // handler's construction belongs to the first request's cost.
      const saved = new Map();
      const repository = { save: async (connection) => void saved.set(connection.id, connection) };
      const eventBus = { publish: async () => {} };
      const result = await new Handler(repository, eventBus).handle(command());
      const ok = result?.ok === true && saved.has(result.value);
      return Response.json(result, { status: ok ? 200 : 500 });
    },
  };
}
