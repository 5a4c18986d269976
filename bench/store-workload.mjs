// The two commands the store rows time, on whichever store: ConnectProvider (each run saves a new
// connection and logs two events) and a List of one user's 20 connections. Shared by the Node rows
// (bench/store-rows.mjs) and the Worker that times D1 from inside workerd (bench/d1-worker.js).
import { ConnectProviderHandler, ListProviderConnectionsHandler } from "connect-provider";
import { BaselineConnectProviderHandler } from "./baseline/connect-provider.mjs";
import { BaselineListProviderConnectionsHandler } from "./baseline/list-provider-connections.mjs";

export const LIST_USER = "0190f5b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b";
const CONNECT_USER = "0190f5b2-3c4d-7e8f-9a0b-00000000c0de";

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
  if ((await store.repository.findByUserId(LIST_USER)).length >= 20) return;
  const connect = new ConnectProviderHandler(store.repository, store.eventBus);
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
    list: {
      wasm: new ListProviderConnectionsHandler(store.repository),
      js: new BaselineListProviderConnectionsHandler(store.repository),
      run: async (handler) => {
        const result = await handler.handle({ userId: LIST_USER });
        if (!result.ok || result.value.totalCount !== 20) throw new Error(`the list failed: ${JSON.stringify(result)}`);
      },
    },
  };
}
