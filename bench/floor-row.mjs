// The floor row: the conversions of one ConnectProvider command alone, in wasm through
// serde-wasm-bindgen (bench/floor), beside plain JS building the same three objects. Every other
// row can be read against it: what a handler costs beyond its conversions.
import { createRequire } from "node:module";

const NOW = "2026-12-01T12:00:00.000Z";
const ID = "0190f5b2-3c4d-7e8f-9a0b-000000000001";

/** The same objects, made in JS from the command. */
function convertInJs(command, out) {
  const { userId, providerId, providerSlug, alias, credentials } = command;
  const event = (eventType, eventId) => ({ eventType, eventId, occurredAt: NOW, userId, providerId, providerSlug });
  out.push(event("ProviderConnectionAttempted", "0190f5b2-3c4d-7e8f-9a0b-000000000002"));
  out.push({
    id: ID, userId, providerId, providerSlug, status: "active", alias: alias ?? null,
    credentials: { encryptedData: new Uint8Array(credentials.encryptedData), credentialType: credentials.credentialType, expiresAt: credentials.expiresAt ?? null },
    connectedAt: NOW, lastSyncAt: null, createdAt: NOW, updatedAt: NOW,
  });
  out.push({ ...event("ProviderConnectionSucceeded", "0190f5b2-3c4d-7e8f-9a0b-000000000003"), connectionId: ID });
  return 3;
}

/** @param {string} floorModule the built floor (bench/floor.mjs) @param {object} command */
export function floorRow(floorModule, command) {
  const { convert } = createRequire(import.meta.url)(floorModule);
  const out = [];
  const check = convert(command, out);
  if (check !== 3 || out[1].credentials.encryptedData.length !== command.credentials.encryptedData.length) throw new Error("the floor did not convert the command");
  const once = (handler) => {
    out.length = 0;
    handler(command, out);
  };
  return { label: "floor: the command read and its record and two events written, conversions alone (no handler)", commands: 1, wasm: convert, js: convertInJs, run: once };
}
