// Rows for the lifecycle handlers, against their plain-JS baselines: disconnecting a connection
// read back from the repository, and listing a user's 20 connections. Each row's floor awaits the
// same adapter calls and does nothing else: what any implementation pays.
import { DisconnectProviderHandler, ListProviderConnectionsHandler } from "connect-provider";
import { BaselineDisconnectProviderHandler } from "./baseline/disconnect-provider.mjs";
import { BaselineListProviderConnectionsHandler } from "./baseline/list-provider-connections.mjs";

const USER_ID = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b";
const id = (n) => `0190f5b2-3c4d-7e8f-9a0b-${String(n).padStart(12, "0")}`;

function record(n) {
  const at = new Date(Date.UTC(2026, 10, 1 + n, 9)).toISOString();
  return {
    id: id(n),
    userId: USER_ID,
    providerId: id(1000 + n),
    providerSlug: ["schwab", "fidelity", "vanguard", "etrade"][n % 4],
    status: n % 5 === 0 ? "disconnected" : "active",
    alias: n % 2 ? `Account ${n}` : null,
    credentials: n % 5 === 0 ? null : { encryptedData: new Uint8Array(64).fill(n), credentialType: "oauth2", expiresAt: "2027-01-01T00:00:00.000Z" },
    connectedAt: at,
    lastSyncAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** An async repository whose findById reads back a fresh copy of an active connection, as a
 * database would, and whose findByUserId answers the user's 20 connections. */
function repository() {
  const connections = Array.from({ length: 20 }, (_, i) => record(i + 1));
  const stored = record(1);
  return {
    findById: async () => ({ ...stored, credentials: { ...stored.credentials } }),
    save: async () => {},
    findByUserId: async () => connections,
    findActiveByUser: async () => connections.filter((c) => c.status === "active"),
  };
}

export async function rowsOfLifecycle() {
  const publish = async () => {};
  const disconnect = { userId: USER_ID, connectionId: id(1) };
  const list = { userId: USER_ID };
  const floorRepository = repository();
  return [
    {
      label: "Disconnect, async adapters, 1 in flight",
      commands: 1,
      wasm: new DisconnectProviderHandler(repository(), { publish }),
      js: new BaselineDisconnectProviderHandler(repository(), { publish }),
      floor: {
        async handle(command) {
          const found = await floorRepository.findById(command.connectionId);
          await publish(found);
          await floorRepository.save(found);
          await publish(found);
          return { ok: true, value: null };
        },
      },
      run: (handler) => handler.handle(disconnect),
    },
    {
      label: "List 20 connections, async repository, 1 in flight",
      commands: 1,
      wasm: new ListProviderConnectionsHandler(repository()),
      js: new BaselineListProviderConnectionsHandler(repository()),
      floor: {
        async handle(query) {
          const connections = await floorRepository.findByUserId(query.userId);
          return { ok: true, value: { connections, totalCount: connections.length, activeCount: 0 } };
        },
      },
      run: (handler) => handler.handle(list),
    },
  ];
}
