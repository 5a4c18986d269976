// Answers one ConnectProvider and one refused command through the package, over adapters in
// memory, and prints as JSON what each answered, saved and published. Run by contract_test.mjs
// with no permissions at all: `deno run --no-prompt connect_once.mjs`.
import { ConnectProviderHandler } from "connect-provider";

const saved = [];
const published = [];
const handler = new ConnectProviderHandler(
  { save: async (record) => void saved.push(record) },
  { publish: async (event) => void published.push(event) },
);
const command = {
  userId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b",
  providerId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c",
  providerSlug: "schwab",
  credentials: { encryptedData: new Uint8Array([1, 2, 3]), credentialType: "oauth2" },
};
const connected = await handler.handle(command);
const refused = await handler.handle({ ...command, userId: "not-a-uuid" });
const record = saved[0];
console.log(
  JSON.stringify({
    connected,
    refused,
    saved: saved.length,
    record: { id: record.id, status: record.status, bytes: Array.from(record.credentials.encryptedData) },
    published: published.map((event) => event.eventType),
  }),
);
