import api from "./index.cjs";

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
} = api;
