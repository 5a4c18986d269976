// Browsers and bundlers: fetches and instantiates the wasm once, on first import (top-level
// await), from the file beside the glue, which bundlers copy as an asset.
import { createApi } from "./api.js";
import init, * as glue from "./web/connect_provider.js";

await init({ module_or_path: new URL("./web/connect_provider_bg.wasm", import.meta.url) });

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
