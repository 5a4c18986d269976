// The commands the store rows time, on whichever store: ConnectProvider (each run saves a new
// connection and logs two events), DisconnectProvider (each run reads one connection and commits
// its next version with the closing event) and a List of one user's 20 connections. Shared by the Node rows
// (bench/store-rows.mjs) and the Worker that times D1 from inside workerd (bench/d1-worker.js).
import { ConnectProviderHandler, DisconnectProviderHandler, ListProviderConnectionsHandler } from "connect-provider";
import { BaselineConnectProviderHandler } from "./baseline/connect-provider.mjs";
import { BaselineDisconnectProviderHandler } from "./baseline/disconnect-provider.mjs";
import { BaselineListProviderConnectionsHandler } from "./baseline/list-provider-connections.mjs";

export const LIST_USER = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b";
const CONNECT_USER = "0190f5b2-3c4d-7e8f-9a0b-00000000c0de";
const DISCONNECT_USER = "0190f5b2-3c4d-7e8f-9a0b-0000000d15c0";
/** The connection the Disconnect row disconnects again and again (each time one more version). */
let disconnectTarget = "";

const command = () => ({
  userId: CONNECT_USER,
  providerId: "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6c",
  providerSlug: "schwab",
  alias: "Retirement",
  credentials: { encryptedData: new Uint8Array(256).fill(7), credentialType: "oauth2", expiresAt: "2027-01-01T00:00:00Z" },
});

/** The user's 20 connections, saved once through the wasm handler, before any row is timed. */
export async function seedList(store) {
  await store.migrate();
  const connect = new ConnectProviderHandler(store.repository, store.eventBus);
  const [existing] = await store.repository.findByUserId(DISCONNECT_USER);
  disconnectTarget = existing?.id ?? (await connect.handle({ ...command(), userId: DISCONNECT_USER })).value;
  if ((await store.repository.findByUserId(LIST_USER)).length >= 20) return;
  for (let n = 0; n < 20; n++) await connect.handle({ ...command(), userId: LIST_USER, alias: `Account ${n}` });
}

/** The rows' handlers on `store`, by row and kind: `handlers(store).connect.wasm`, … */
export function handlers(store) {
  return {
    connect: {
      wasm: new ConnectProviderHandler(store.repository, store.eventBus),
      js: new BaselineConnectProviderHandler(store.repository, store.eventBus),
      run: (handler) => handler.handle(command()),
    },
    connect100: {
      wasm: new ConnectProviderHandler(store.repository, store.eventBus),
      js: new BaselineConnectProviderHandler(store.repository, store.eventBus),
      run: (handler) => Promise.all(Array.from({ length: 100 }, () => handler.handle(command()))),
      commands: 100,
    },
    disconnect: {
      wasm: new DisconnectProviderHandler(store.repository, store.eventBus),
      js: new BaselineDisconnectProviderHandler(store.repository, store.eventBus),
      run: async (handler) => {
        const result = await handler.handle({ userId: DISCONNECT_USER, connectionId: disconnectTarget });
        if (!result.ok) throw new Error(`the disconnect failed: ${JSON.stringify(result)}`);
      },
    },
    list: {
      wasm: new ListProviderConnectionsHandler(store.repository),
      js: new BaselineListProviderConnectionsHandler(store.repository),
      // The store's own find and nothing else.
      floor: { handle: async (query) => ({ ok: true, value: { totalCount: (await store.repository.findByUserId(query.userId)).length } }) },
      run: async (handler) => {
        const result = await handler.handle({ userId: LIST_USER });
        if (!result.ok || result.value.totalCount !== 20) throw new Error(`the list failed: ${JSON.stringify(result)}`);
      },
    },
  };
}
