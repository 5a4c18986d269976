import api from "./index.cjs";

export const { ConnectProviderHandler, ConnectProviderError, credentialExpiry, wasmMemoryBytes } = api;
