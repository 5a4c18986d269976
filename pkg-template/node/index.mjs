import entry from "./index.cjs";

export const { ConnectProviderHandler, ConnectProviderError, credentialExpiry } = entry;
