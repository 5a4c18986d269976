// Browsers and bundlers: fetches and instantiates the wasm once, on first import (top-level
// await), from the file beside the glue, which bundlers copy as an asset.
import init, { ConnectProviderHandler, connectProviderErrors, credentialExpiry } from "./web/connect_provider.js";

await init({ module_or_path: new URL("./web/connect_provider_bg.wasm", import.meta.url) });

export { ConnectProviderHandler, credentialExpiry };
export const ConnectProviderError = connectProviderErrors();
