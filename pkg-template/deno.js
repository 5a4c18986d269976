// Deno: reads the wasm beside the glue (needs read permission for it, e.g. --allow-read).
import { createApi } from "./api.js";
import * as glue from "./web/connect_provider.js";

glue.initSync({ module: await Deno.readFile(new URL("./web/connect_provider_bg.wasm", import.meta.url)) });

export const {
  ConnectProviderHandler,
  DisconnectProviderHandler,
  RefreshProviderTokensHandler,
  GetProviderConnectionHandler,
  ListProviderConnectionsHandler,
  ListExpiringConnectionsHandler,
  ConnectProviderError,
  DisconnectProviderError,
  RefreshProviderTokensError,
  GetProviderConnectionError,
  ListProviderConnectionsError,
  ListExpiringConnectionsError,
  ErrorCode,
  credentialExpiry,
  wasmMemoryBytes,
} = createApi(glue);
